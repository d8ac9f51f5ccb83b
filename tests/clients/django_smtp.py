"""Django's SMTP EmailBackend against `sesm serve`'s SMTP interface, from a minimal settings
module: `send_mail` with a configuration-set header through EmailMessage. Prints the number of
messages sent; exits 1 on any failure.

    python django_smtp.py HOST PORT
"""

import sys

import django
from django.conf import settings

host, port = sys.argv[1], int(sys.argv[2])
settings.configure(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST=host,
    EMAIL_PORT=port,
    EMAIL_HOST_USER="AKIDEXAMPLE",
    EMAIL_HOST_PASSWORD="smtp-password",
    # Django verifies certificates and sesm's is self-signed: plain AUTH, which sesm takes on
    # loopback.
    EMAIL_USE_TLS=False,
    EMAIL_TIMEOUT=20,
    DEFAULT_FROM_EMAIL="news@example.com",
)
django.setup()

from django.core.mail import EmailMessage, send_mail  # noqa: E402

sent = send_mail("From Django", "Hello from Django.", "news@example.com", ["dj@gmail.com"])
sent += EmailMessage(
    "From Django, through news",
    "Hello again.",
    "news@example.com",
    ["dj2@gmail.com"],
    headers={"X-SES-CONFIGURATION-SET": "news"},
).send()
print(sent)
