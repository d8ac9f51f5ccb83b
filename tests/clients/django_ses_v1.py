"""django-ses (its SES v1 backend: boto3's `ses` client, SendRawEmail) against `sesm serve`,
from a minimal settings module: `send_mail` and an EmailMessage with an attachment. Prints the
number of messages sent; exits 1 on any failure.

    python django_ses_v1.py ENDPOINT
"""

import os
import sys

import django
from django.conf import settings

endpoint = sys.argv[1]
os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "secret")
settings.configure(
    EMAIL_BACKEND="django_ses.SESBackend",
    AWS_SES_REGION_NAME="us-east-1",
    AWS_SES_REGION_ENDPOINT_URL=endpoint,
    AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY="secret",
    DEFAULT_FROM_EMAIL="news@example.com",
)
django.setup()

from django.core.mail import EmailMessage, send_mail  # noqa: E402

sent = send_mail("django-ses", "Hello through SES v1.", "news@example.com", ["ds@gmail.com"])
message = EmailMessage("django-ses attachment", "See attached.", "news@example.com", ["ds2@gmail.com"],
                       headers={"X-SES-CONFIGURATION-SET": "news"})
message.attach("report.csv", "a,b\n1,2\n", "text/csv")
sent += message.send()
print(sent)
