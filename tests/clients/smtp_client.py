"""Python's smtplib against `sesm serve`'s SMTP interface, as a Django or Rails app sends:
STARTTLS with an unverified context (the certificate is self-signed), AUTH LOGIN, then
`send_message` of a message with an attachment and the X-SES-CONFIGURATION-SET header.
Prints the server's reply to DATA as JSON; exits 1 on any failure.

    python smtp_client.py HOST PORT USER PASSWORD
"""

import json
import smtplib
import ssl
import sys
from email.message import EmailMessage

host, port, user, password = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
msg = EmailMessage()
msg["From"] = "News <news@example.com>"
msg["To"] = "a@gmail.com"
msg["Cc"] = "c@yahoo.com"
msg["Subject"] = "Over SMTP"
msg["X-SES-CONFIGURATION-SET"] = "news"
msg.set_content("hello over SMTP\n.a line starting with a dot\n")
msg.add_attachment(b"\x00\x01binary\xff", maintype="application", subtype="octet-stream", filename="data.bin")
context = ssl.create_default_context()
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
with smtplib.SMTP(host, port, timeout=20) as s:
    s.ehlo("client.example")
    s.starttls(context=context)
    s.ehlo("client.example")
    s.login(user, password)
    # send_message's steps, to read DATA's reply (SES answers "250 Ok <message id>").
    s.mail("news@example.com")
    for rcpt in ["a@gmail.com", "c@yahoo.com", "hidden@outlook.com"]:
        code, _ = s.rcpt(rcpt)
        assert code == 250, code
    code, reply = s.data(msg.as_bytes(policy=msg.policy.clone(linesep="\r\n")))
    print(json.dumps({"code": code, "reply": reply.decode()}))
