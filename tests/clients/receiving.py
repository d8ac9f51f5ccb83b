"""Email receiving through `sesm serve --inbound-port` with boto3's `ses` client and smtplib:
receipt rule sets, rules and IP address filters (their rules and refusals), then mail *to*
the account through two rules — one adding a header and writing to the local S3 folder, one
publishing to an SNS topic whose HTTP subscriber (this script) gets SES's receipt
notification with the message — a Lambda action recorded as its invocation event, a Bounce
action's and SendBounce's bounces in the outbox, a recipient no rule takes refused with 550, a
blocked client refused, and `sesm inbound` reading what arrived.

    SESM_INBOUND=HOST:PORT python receiving.py ENDPOINT SESM_BINARY STATE_FILE

Run by tests/cli/coverage.rs under both client environments.
"""

import base64
import http.server
import json
import os
import smtplib
import sys
import threading
import time
import urllib.request

from checks import check, client, count, refused, sesm, setup

ENDPOINT, SESM, STATE = sys.argv[1], sys.argv[2], sys.argv[3]
setup(ENDPOINT, SESM, STATE, "eu-west-1")
INBOUND = os.environ["SESM_INBOUND"]
TOPIC = "arn:aws:sns:eu-west-1:123456789012:inbound"
RECEIVED = []


class Subscriber(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()
        if body["Type"] == "SubscriptionConfirmation":
            threading.Thread(target=lambda: urllib.request.urlopen(body["SubscribeURL"]).read()).start()
        else:
            RECEIVED.append(json.loads(body["Message"]))

    def log_message(self, *args):
        pass


def wait_for(what, fn, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        got = fn()
        if got:
            return got
        time.sleep(0.1)
    check(False, f"waited {timeout} s for {what}")


def get(path):
    with urllib.request.urlopen(f"{ENDPOINT}{path}") as r:
        return json.load(r)


def rules(v1):
    v1.create_receipt_rule_set(RuleSetName="inbound")
    refused(lambda: v1.create_receipt_rule_set(RuleSetName="inbound"), "AlreadyExists", 400, "Rule set already exists: inbound")
    refused(lambda: v1.create_receipt_rule_set(RuleSetName="-bad"), "InvalidParameterValue", 400,
            "Invalid rule set name '-bad': it must contain only ASCII letters, numbers, underscores or dashes, start and end with a letter or number, and have 64 characters or fewer.")
    store = {"Name": "store", "Enabled": True, "ScanEnabled": True, "Recipients": ["support@example.com"],
             "Actions": [{"AddHeaderAction": {"HeaderName": "X-Team", "HeaderValue": "support"}},
                         {"S3Action": {"BucketName": "mail-in", "ObjectKeyPrefix": "support/"}},
                         {"LambdaAction": {"FunctionArn": "arn:aws:lambda:eu-west-1:123456789012:function:triage"}}]}
    notify = {"Name": "notify", "Enabled": True, "Recipients": ["example.com"],
              "Actions": [{"SNSAction": {"TopicArn": TOPIC, "Encoding": "Base64"}}]}
    bounce = {"Name": "bounce", "Enabled": True, "Recipients": ["nobody@example.com"],
              "Actions": [{"BounceAction": {"SmtpReplyCode": "550", "StatusCode": "5.1.1", "Message": "Mailbox does not exist",
                                            "Sender": "mailer-daemon@example.com"}}, {"StopAction": {"Scope": "RuleSet"}}]}
    v1.create_receipt_rule(RuleSetName="inbound", Rule=notify)
    v1.create_receipt_rule(RuleSetName="inbound", Rule=store)
    v1.create_receipt_rule(RuleSetName="inbound", Rule=bounce)
    got = [r["Name"] for r in v1.describe_receipt_rule_set(RuleSetName="inbound")["Rules"]]
    check(got == ["bounce", "store", "notify"], f"a rule without After goes first: {got}")
    v1.reorder_receipt_rule_set(RuleSetName="inbound", RuleNames=["store", "notify", "bounce"])
    v1.set_receipt_rule_position(RuleSetName="inbound", RuleName="bounce")
    got = v1.describe_receipt_rule(RuleSetName="inbound", RuleName="store")["Rule"]
    check(got == dict(store, TlsPolicy="Optional"), f"describe {got}")
    refused(lambda: v1.create_receipt_rule(RuleSetName="inbound", Rule=store), "AlreadyExists", 400, "Rule already exists: store")
    refused(lambda: v1.create_receipt_rule(RuleSetName="nope", Rule=store), "RuleSetDoesNotExist", 400, "Rule set does not exist: nope")
    refused(lambda: v1.create_receipt_rule(RuleSetName="inbound", After="nope", Rule=dict(store, Name="x")),
            "RuleDoesNotExist", 400, "Rule does not exist: nope")
    refused(lambda: v1.create_receipt_rule(RuleSetName="inbound", Rule={"Name": "x", "Actions": [{"SNSAction": {"TopicArn": "nope"}}]}),
            "InvalidSnsTopic", 400, "Invalid SNS topic: nope")
    refused(lambda: v1.create_receipt_rule(RuleSetName="inbound", Rule={"Name": "x", "Actions": [{"S3Action": {"BucketName": "Bad_Bucket"}}]}),
            "InvalidS3Configuration", 400, "Could not write to bucket: Bad_Bucket")
    refused(lambda: v1.create_receipt_rule(RuleSetName="inbound", Rule={"Name": "x", "Actions": [{"StopAction": {"Scope": "RuleSet"}}] * 11}),
            "LimitExceeded", 400, "A receipt rule has at most 10 actions; this one has 11.")
    refused(lambda: v1.describe_receipt_rule(RuleSetName="inbound", RuleName="nope"), "RuleDoesNotExist", 400, "Rule does not exist: nope")
    v1.clone_receipt_rule_set(RuleSetName="copy", OriginalRuleSetName="inbound")
    check([s["Name"] for s in v1.list_receipt_rule_sets()["RuleSets"]] == ["copy", "inbound"], "list")
    check("Metadata" not in v1.describe_active_receipt_rule_set(), "no active set yet")
    v1.set_active_receipt_rule_set(RuleSetName="inbound")
    check(v1.describe_active_receipt_rule_set()["Metadata"]["Name"] == "inbound", "active")
    refused(lambda: v1.delete_receipt_rule_set(RuleSetName="inbound"), "CannotDelete", 400, "Cannot delete active rule set: inbound")
    v1.delete_receipt_rule_set(RuleSetName="copy")
    v1.create_receipt_filter(Filter={"Name": "nothing-from-doc-range", "IpFilter": {"Policy": "Block", "Cidr": "192.0.2.0/24"}})
    refused(lambda: v1.create_receipt_filter(Filter={"Name": "bad", "IpFilter": {"Policy": "Block", "Cidr": "300.0.0.1"}}),
            "InvalidParameterValue", 400, "Invalid Cidr '300.0.0.1': an IPv4 address (10.0.0.1) or range (10.0.0.0/24).")
    check(v1.list_receipt_filters()["Filters"][0]["IpFilter"]["Cidr"] == "192.0.2.0/24", "filters")
    print(f"rules ok ({count()} checks)", flush=True)


def send(to, subject, host_port=INBOUND, mail_from="sender@else.org"):
    host, port = host_port.rsplit(":", 1)
    with smtplib.SMTP(host, int(port), timeout=20) as s:
        s.ehlo("mx.else.org")
        msg = f"From: {mail_from}\r\nTo: {', '.join(to)}\r\nSubject: {subject}\r\nMessage-ID: <{subject}@else.org>\r\n\r\nHello there\r\n"
        return s.sendmail(mail_from, to, msg)


def receive(v1):
    c = client()
    c.create_email_identity(EmailIdentity="example.com")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Subscriber)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sesm("events", "subscribe", TOPIC, f"http://127.0.0.1:{server.server_address[1]}/sns")
    wait_for("the subscription's confirmation", lambda: not sesm("events", "subscriptions")["Subscriptions"][0]["PendingConfirmation"])
    # A recipient no enabled rule of the active set takes: 550, and nothing kept.
    try:
        send(["sales@other.org"], "nobody")
        check(False, "mail to a domain the account does not verify was taken")
    except smtplib.SMTPRecipientsRefused as e:
        code, text = e.recipients["sales@other.org"]
        check(code == 550 and b"Recipient address rejected" in text, f"550 {e.recipients}")
    send(["support@example.com"], "help")
    listed = get("/_sesm/inbound")["Messages"]
    check(len(listed) == 1 and listed[0]["Recipients"] == ["support@example.com"], f"received {listed}")
    m = listed[0]
    check([(a["Rule"], a["Type"]) for a in m["Actions"]] == [("store", "AddHeader"), ("store", "S3"), ("store", "Lambda"), ("notify", "SNS")], f"actions {m['Actions']}")
    key = f"{STATE}.inbound/mail-in/support/{m['MessageId']}"
    with open(key, "rb") as f:
        stored = f.read().decode()
    check(stored.startswith("X-Team: support\r\nReturn-Path: <sender@else.org>\r\nReceived: from mx.else.org"), f"stored {stored[:200]!r}")
    check("X-SES-Spam-Verdict: PASS" in stored and "X-SES-Virus-Verdict: PASS" in stored and "Hello there" in stored, "verdicts")
    n = wait_for("the SNS notification", lambda: RECEIVED)[0]
    check(n["notificationType"] == "Received" and n["receipt"]["action"] == {"type": "SNS", "topicArn": TOPIC}, f"notification {n['receipt']}")
    check(n["receipt"]["recipients"] == ["support@example.com"] and n["receipt"]["spfVerdict"] == {"status": "PASS"}, f"receipt {n['receipt']}")
    check(n["mail"]["source"] == "sender@else.org" and n["mail"]["messageId"] == m["MessageId"], f"mail {n['mail']}")
    check(n["mail"]["commonHeaders"]["subject"] == "help" and n["mail"]["destination"] == ["support@example.com"], f"mail {n['mail']}")
    check(b"X-Team: support" in base64.b64decode(n["content"]) and b"Hello there" in base64.b64decode(n["content"]), "Base64 content")
    lam = [e for e in get("/_sesm/events")["Events"] if e["EventType"] == "Lambda"]
    check(len(lam) == 1 and lam[0]["Event"]["Records"][0]["eventSource"] == "aws:ses", f"Lambda invocation {lam}")
    check(lam[0]["Event"]["Records"][0]["ses"]["receipt"]["action"]["functionArn"].endswith(":function:triage"), "function")
    # A bounce rule, then Stop: the bounce is in the outbox, and no other rule runs.
    c.create_email_identity(EmailIdentity="mailer-daemon@example.com")
    send(["nobody@example.com"], "lost")
    got = get("/_sesm/inbound?to=nobody@example.com")["Messages"][0]
    check([a["Type"] for a in got["Actions"]] == ["Bounce", "Stop"], f"bounce then stop {got['Actions']}")
    outbox = get("/_sesm/outbox?region=eu-west-1")["Messages"]
    bounced = [o for o in outbox if o["To"] == ["sender@else.org"]]
    check(len(bounced) == 1 and bounced[0]["From"] == "mailer-daemon@example.com", f"the bounce {bounced}")
    whole = get(f"/_sesm/outbox/{bounced[0]['MessageId']}")
    check(any(a["ContentType"] == "message/delivery-status" for a in whole["Attachments"]) or "5.1.1" in json.dumps(whole), f"DSN {whole}")
    # SendBounce for the first message.
    r = v1.send_bounce(OriginalMessageId=m["MessageId"], BounceSender="mailer-daemon@example.com",
                       BouncedRecipientInfoList=[{"Recipient": "support@example.com", "BounceType": "DoesNotExist"}])
    check(any(o["MessageId"] == r["MessageId"] for o in get("/_sesm/outbox?region=eu-west-1")["Messages"]), "SendBounce's bounce")
    refused(lambda: v1.send_bounce(OriginalMessageId="nope", BounceSender="mailer-daemon@example.com",
                                   BouncedRecipientInfoList=[{"Recipient": "a@example.com", "BounceType": "DoesNotExist"}]),
            "MessageRejected", 400, "Message nope was not received by SES in region eu-west-1: SendBounce bounces mail SES received.")
    # The command line reads the same.
    cli = sesm("inbound", "list", "--to", "support@example.com")
    check([x["MessageId"] for x in cli["Messages"]] == [m["MessageId"]], f"sesm inbound list {cli}")
    shown = sesm("inbound", "show", m["MessageId"])
    check(shown["Text"].strip() == "Hello there" and shown["Subject"] == "help", f"sesm inbound show {shown}")
    # Receiving off: every recipient refused.
    v1.set_active_receipt_rule_set()
    try:
        send(["support@example.com"], "off")
        check(False, "mail taken with receiving off")
    except smtplib.SMTPRecipientsRefused:
        pass
    server.shutdown()
    print(f"receiving ok ({count()} checks)", flush=True)


v1 = client("ses")
rules(v1)
receive(v1)
print("all ok")
