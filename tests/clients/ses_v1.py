"""Drives `sesm serve`'s SES v1 API (Query protocol, XML) with boto3's `ses` client and the AWS
CLI's `aws ses`: identities, DKIM tokens (the same as SESv2's), configuration sets, the quota,
account sending, SendEmail and SendRawEmail (with an attachment the outbox returns whole),
one account with SESv2, every refusal with v1's code and status and the state unchanged, an
unsigned form post refused with 403, and an unserved action answered as a ClientError.

    python ses_v1.py ENDPOINT SESM_BINARY STATE_FILE
"""

import json
import os
import subprocess
import sys
import urllib.request
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

from botocore.exceptions import ClientError

from checks import check, client, count, refused, setup, state_bytes

ENDPOINT, SESM, STATE = sys.argv[1], sys.argv[2], sys.argv[3]
setup(ENDPOINT, SESM, STATE, "eu-west-1")


ses, v2 = client("ses"), client()

# Identities.
ses.verify_email_identity(EmailAddress="news@example.com")
ses.verify_email_address(EmailAddress="old@example.org")
token = ses.verify_domain_identity(Domain="example.com")["VerificationToken"]
check(len(token) > 20, token)
check(ses.verify_domain_identity(Domain="example.com")["VerificationToken"] == token, "stable token")
dkim = ses.verify_domain_dkim(Domain="example.com")["DkimTokens"]
check(len(dkim) == 3, dkim)
check(v2.get_email_identity(EmailIdentity="example.com")["DkimAttributes"]["Tokens"] == dkim,
      "v1 and v2 DKIM tokens agree")
ids = ses.list_identities()["Identities"]
check(ids == ["example.com", "news@example.com", "old@example.org"], ids)
check(ses.list_identities(IdentityType="Domain")["Identities"] == ["example.com"], "domains")
page = ses.list_identities(MaxItems=2)
check(page["Identities"] == ["example.com", "news@example.com"] and "NextToken" in page, page)
rest = ses.list_identities(MaxItems=2, NextToken=page["NextToken"])["Identities"]
check(rest == ["old@example.org"], rest)
check(ses.list_verified_email_addresses()["VerifiedEmailAddresses"] == ["news@example.com", "old@example.org"], "verified")
attrs = ses.get_identity_verification_attributes(Identities=["example.com", "nobody@x.com"])["VerificationAttributes"]
check(attrs["example.com"]["VerificationStatus"] == "Success" and "nobody@x.com" not in attrs, attrs)
d = ses.get_identity_dkim_attributes(Identities=["example.com"])["DkimAttributes"]["example.com"]
check(d["DkimEnabled"] and d["DkimVerificationStatus"] == "Success" and d["DkimTokens"] == dkim, d)
names = [i["IdentityName"] for i in v2.list_email_identities()["EmailIdentities"]]
check("old@example.org" in names, f"one account: {names}")
ses.delete_verified_email_address(EmailAddress="old@example.org")
ses.delete_identity(Identity="nobody@x.com")  # v1 deletes what is not there without an error
check("old@example.org" not in ses.list_identities()["Identities"], "deleted")
refused(lambda: ses.verify_email_identity(EmailAddress="not an address"), "InvalidParameterValue")
refused(lambda: ses.list_identities(IdentityType="Other"), "InvalidParameterValue")
print("identities", flush=True)

# Configuration sets.
ses.create_configuration_set(ConfigurationSet={"Name": "news"})
refused(lambda: ses.create_configuration_set(ConfigurationSet={"Name": "news"}), "ConfigurationSetAlreadyExists")
refused(lambda: ses.describe_configuration_set(ConfigurationSetName="ghost"), "ConfigurationSetDoesNotExist")
refused(lambda: ses.delete_configuration_set(ConfigurationSetName="ghost"), "ConfigurationSetDoesNotExist")
check([c["Name"] for c in ses.list_configuration_sets()["ConfigurationSets"]] == ["news"], "sets")
desc = ses.describe_configuration_set(ConfigurationSetName="news", ConfigurationSetAttributeNames=["deliveryOptions"])
check(desc["ConfigurationSet"]["Name"] == "news", desc)
check(v2.get_configuration_set(ConfigurationSetName="news")["ConfigurationSetName"] == "news", "v2 sees it")
ses.update_configuration_set_sending_enabled(ConfigurationSetName="news", Enabled=False)
check(v2.get_configuration_set(ConfigurationSetName="news")["SendingOptions"]["SendingEnabled"] is False, "paused")
refused(lambda: ses.send_email(Source="news@example.com", Destination={"ToAddresses": ["a@gmail.com"]},
                               Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}},
                               ConfigurationSetName="news"),
        "ConfigurationSetSendingPausedException")
ses.update_configuration_set_sending_enabled(ConfigurationSetName="news", Enabled=True)
ses.update_configuration_set_reputation_metrics_enabled(ConfigurationSetName="news", Enabled=True)
check(v2.get_configuration_set(ConfigurationSetName="news")["ReputationOptions"]["ReputationMetricsEnabled"], "reputation")
ses.put_configuration_set_delivery_options(ConfigurationSetName="news", DeliveryOptions={"TlsPolicy": "Require"})
check(v2.get_configuration_set(ConfigurationSetName="news")["DeliveryOptions"]["TlsPolicy"] == "REQUIRE", "tls")
refused(lambda: ses.update_configuration_set_sending_enabled(ConfigurationSetName="ghost", Enabled=True),
        "ConfigurationSetDoesNotExist")
# v1 event destinations are SESv2's.
dest = {"Name": "to-sns", "Enabled": True, "MatchingEventTypes": ["send", "bounce", "deliveryDelay"],
        "SNSDestination": {"TopicARN": "arn:aws:sns:eu-west-1:123456789012:events"}}
ses.create_configuration_set_event_destination(ConfigurationSetName="news", EventDestination=dest)
refused(lambda: ses.create_configuration_set_event_destination(ConfigurationSetName="news", EventDestination=dest),
        "EventDestinationAlreadyExists")
v2d = v2.get_configuration_set_event_destinations(ConfigurationSetName="news")["EventDestinations"][0]
check(v2d["MatchingEventTypes"] == ["SEND", "BOUNCE", "DELIVERY_DELAY"], v2d)
cw = {"Name": "to-cw", "Enabled": False, "MatchingEventTypes": ["delivery"],
      "CloudWatchDestination": {"DimensionConfigurations": [
          {"DimensionName": "campaign", "DimensionValueSource": "messageTag", "DefaultDimensionValue": "none"}]}}
ses.create_configuration_set_event_destination(ConfigurationSetName="news", EventDestination=cw)
d = ses.describe_configuration_set(ConfigurationSetName="news",
                                   ConfigurationSetAttributeNames=["eventDestinations", "reputationOptions"])
got = {e["Name"]: e for e in d["EventDestinations"]}
check(got["to-sns"]["MatchingEventTypes"] == ["send", "bounce", "deliveryDelay"], got)
check(got["to-cw"]["CloudWatchDestination"]["DimensionConfigurations"][0]["DimensionValueSource"] == "messageTag", got)
check(got["to-cw"]["Enabled"] is False, got)
check(d["ReputationOptions"]["SendingEnabled"] is True, d)
ses.update_configuration_set_event_destination(ConfigurationSetName="news", EventDestination={**cw, "Enabled": True})
ses.delete_configuration_set_event_destination(ConfigurationSetName="news", EventDestinationName="to-cw")
refused(lambda: ses.delete_configuration_set_event_destination(ConfigurationSetName="news", EventDestinationName="to-cw"),
        "EventDestinationDoesNotExist")
print("configuration sets", flush=True)

# Identity attributes, as v2 reports them.
ses.set_identity_dkim_enabled(Identity="example.com", DkimEnabled=False)
check(v2.get_email_identity(EmailIdentity="example.com")["DkimAttributes"]["SigningEnabled"] is False, "dkim off")
ses.set_identity_feedback_forwarding_enabled(Identity="example.com", ForwardingEnabled=False)
check(v2.get_email_identity(EmailIdentity="example.com")["FeedbackForwardingStatus"] is False, "feedback off")
ses.set_identity_mail_from_domain(Identity="example.com", MailFromDomain="bounce.example.com",
                                  BehaviorOnMXFailure="RejectMessage")
mf = ses.get_identity_mail_from_domain_attributes(Identities=["example.com"])["MailFromDomainAttributes"]["example.com"]
check(mf == {"MailFromDomain": "bounce.example.com", "MailFromDomainStatus": "Success",
             "BehaviorOnMXFailure": "RejectMessage"}, mf)
refused(lambda: ses.set_identity_mail_from_domain(Identity="example.com", MailFromDomain="other.org"),
        "InvalidParameterValue")
topic = "arn:aws:sns:eu-west-1:123456789012:bounces"
ses.set_identity_notification_topic(Identity="example.com", NotificationType="Bounce", SnsTopic=topic)
ses.set_identity_headers_in_notifications_enabled(Identity="example.com", NotificationType="Bounce", Enabled=True)
na = ses.get_identity_notification_attributes(Identities=["example.com"])["NotificationAttributes"]["example.com"]
check(na["BounceTopic"] == topic and na["HeadersInBounceNotificationsEnabled"] is True, na)
check(na["ForwardingEnabled"] is False and "ComplaintTopic" not in na, na)
refused(lambda: ses.set_identity_notification_topic(Identity="example.com", NotificationType="Open", SnsTopic=topic),
        "InvalidParameterValue")
refused(lambda: ses.set_identity_notification_topic(Identity="example.com", NotificationType="Bounce", SnsTopic="nope"),
        "InvalidParameterValue")
ses.set_identity_notification_topic(Identity="example.com", NotificationType="Bounce")
na = ses.get_identity_notification_attributes(Identities=["example.com"])["NotificationAttributes"]["example.com"]
check("BounceTopic" not in na, na)
check(isinstance(ses.get_send_statistics()["SendDataPoints"], list), "send statistics")
print("identity attributes", flush=True)

# The account.
q = ses.get_send_quota()
check(q["Max24HourSend"] > 0 and q["MaxSendRate"] > 0 and q["SentLast24Hours"] == 0, q)
check(ses.get_account_sending_enabled()["Enabled"] is True, "sending enabled")
ses.update_account_sending_enabled(Enabled=False)
refused(lambda: ses.send_email(Source="news@example.com", Destination={"ToAddresses": ["a@gmail.com"]},
                               Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}),
        "AccountSendingPausedException")
ses.update_account_sending_enabled(Enabled=True)
print("account", flush=True)

# Sending, one outbox with SESv2.
mid = ses.send_email(
    Source="news@example.com",
    Destination={"ToAddresses": ["a@gmail.com"], "CcAddresses": ["c@yahoo.com"]},
    Message={"Subject": {"Data": "Hello v1"}, "Body": {"Text": {"Data": "hi"}, "Html": {"Data": "<p>hi</p>"}}},
    ConfigurationSetName="news",
    Tags=[{"Name": "campaign", "Value": "spring"}],
)["MessageId"]
with urllib.request.urlopen(f"{ENDPOINT}/_sesm/outbox/{mid}") as r:
    m = json.load(r)
check(m["Subject"] == "Hello v1" and m["Text"] == "hi" and m["Html"] == "<p>hi</p>", m)
check(m["ConfigurationSetName"] == "news" and m["Cc"] == ["c@yahoo.com"], m)
refused(lambda: ses.send_email(Source="x@nope.com", Destination={"ToAddresses": ["a@gmail.com"]},
                               Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}),
        "MessageRejected", contains="Email address is not verified")
refused(lambda: ses.send_email(Source="news@example.com", Destination={"ToAddresses": ["a@gmail.com"]},
                               Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}},
                               ConfigurationSetName="ghost"),
        "ConfigurationSetDoesNotExist")
raw = MIMEMultipart()
raw["From"] = "news@example.com"
raw["To"] = "a@gmail.com"
raw["Subject"] = "Raw v1"
raw["X-SES-CONFIGURATION-SET"] = "news"
raw.attach(MIMEText("body"))
part = MIMEApplication(b"\x00\x01\x02attachment\xff", Name="report.bin")
part["Content-Disposition"] = 'attachment; filename="report.bin"'
raw.attach(part)
rid = ses.send_raw_email(RawMessage={"Data": raw.as_bytes()})["MessageId"]
with urllib.request.urlopen(f"{ENDPOINT}/_sesm/outbox/{rid}") as r:
    m = json.load(r)
check(m["ConfigurationSetSource"] == "HEADER" and m["Attachments"][0]["FileName"] == "report.bin", m)
check(m["Attachments"][0]["Size"] == 14, m)
with urllib.request.urlopen(f"{ENDPOINT}/_sesm/outbox/{rid}/raw") as r:
    check(r.read() == raw.as_bytes(), "the raw message is kept whole")
refused(lambda: ses.send_raw_email(RawMessage={"Data": b"From: evil@nope.com\r\nTo: a@gmail.com\r\n\r\nx"}),
        "MessageRejected")
print("sending", flush=True)

# Templates: the same stored templates as SESv2's.
ses.create_template(Template={"TemplateName": "welcome", "SubjectPart": "Hi {{name}}",
                              "TextPart": "Dear {{name}}", "HtmlPart": "<b>{{name}}</b>"})
refused(lambda: ses.create_template(Template={"TemplateName": "welcome", "SubjectPart": "x"}), "AlreadyExists")
check(v2.get_email_template(TemplateName="welcome")["TemplateContent"]["Subject"] == "Hi {{name}}", "v2 sees it")
got = ses.get_template(TemplateName="welcome")["Template"]
check(got["TextPart"] == "Dear {{name}}" and got["SubjectPart"] == "Hi {{name}}", got)
refused(lambda: ses.get_template(TemplateName="ghost"), "TemplateDoesNotExist")
check([m["Name"] for m in ses.list_templates()["TemplatesMetadata"]] == ["welcome"], "list templates")
ses.update_template(Template={"TemplateName": "welcome", "SubjectPart": "Hello {{name}}", "TextPart": "Dear {{name}}"})
rendered = ses.test_render_template(TemplateName="welcome", TemplateData='{"name": "Ada"}')["RenderedTemplate"]
check("Hello Ada" in rendered and "Dear Ada" in rendered, rendered)
refused(lambda: ses.test_render_template(TemplateName="welcome", TemplateData="{}"), "MissingRenderingAttribute")
tid = ses.send_templated_email(Source="news@example.com", Destination={"ToAddresses": ["t@gmail.com"]},
                               Template="welcome", TemplateData='{"name": "Bo"}')["MessageId"]
with urllib.request.urlopen(f"{ENDPOINT}/_sesm/outbox/{tid}") as r:
    m = json.load(r)
check(m["Subject"] == "Hello Bo" and m["Text"] == "Dear Bo", m)
refused(lambda: ses.send_templated_email(Source="news@example.com", Destination={"ToAddresses": ["t@gmail.com"]},
                                         Template="ghost", TemplateData="{}"), "TemplateDoesNotExist")
bulk = ses.send_bulk_templated_email(
    Source="news@example.com", Template="welcome", DefaultTemplateData='{"name": "you"}',
    Destinations=[{"Destination": {"ToAddresses": ["b1@gmail.com"]}, "ReplacementTemplateData": '{"name": "Cy"}'},
                  {"Destination": {"ToAddresses": ["not an address"]}}])["Status"]
check([s["Status"] for s in bulk] == ["Success", "InvalidParameterValue"], bulk)
ses.delete_template(TemplateName="welcome")
ses.delete_template(TemplateName="welcome")  # v1 deletes what is not there without an error
check(ses.list_templates()["TemplatesMetadata"] == [], "deleted")
print("templates", flush=True)

# sesm serves every v1 action; a signed post naming an action v1 lacks is 400 InvalidAction
# naming it, never a 5xx, and changes nothing.
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
before = state_bytes()
signed = AWSRequest(method="POST", url=ENDPOINT + "/", data="Action=CreateTenant&Version=2010-12-01&TenantName=t",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
SigV4Auth(ses._request_signer._credentials, "ses", "eu-west-1").add_auth(signed)
try:
    urllib.request.urlopen(urllib.request.Request(ENDPOINT + "/", method="POST", data=signed.body if isinstance(signed.body, bytes) else signed.body.encode(),
                                                  headers=dict(signed.headers.items())))
    check(False, "an action v1 lacks was accepted")
except urllib.error.HTTPError as e:
    body = e.read().decode()
    check(e.code == 400 and "<Code>InvalidAction</Code>" in body and "CreateTenant" in body, f"{e.code} {body}")
check(state_bytes() == before, "the unknown action changed the state")

# An unsigned form post (what a web page can make) is refused and changes nothing.
before = state_bytes()
req = urllib.request.Request(
    ENDPOINT + "/", method="POST",
    data=b"Action=VerifyEmailIdentity&Version=2010-12-01&EmailAddress=page%40example.com",
    headers={"Content-Type": "application/x-www-form-urlencoded"})
try:
    urllib.request.urlopen(req)
    check(False, "an unsigned v1 post was accepted")
except urllib.error.HTTPError as e:
    body = e.read().decode()
    check(e.code == 403 and "<Code>AccessDenied</Code>" in body, f"{e.code} {body}")
check(state_bytes() == before, "the unsigned post changed the state")

# The AWS CLI's `aws ses`.
aws = os.path.join(os.path.dirname(sys.executable), "aws")
env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret", AWS_DEFAULT_REGION="eu-west-1")
def cli(*args):
    out = subprocess.run([aws, "--endpoint-url", ENDPOINT, "ses", *args, "--output", "json"],
                         env=env, capture_output=True, text=True)
    check(out.returncode == 0, f"aws ses {args}: {out.stderr}")
    return json.loads(out.stdout) if out.stdout.strip() else {}
check("VerificationToken" in cli("verify-domain-identity", "--domain", "cli.example.com"), "cli verify")
check("cli.example.com" in cli("list-identities")["Identities"], "cli list")
sent = cli("send-email", "--from", "news@example.com", "--to", "a@gmail.com", "--subject", "From the CLI", "--text", "hi")
check(sent["MessageId"], sent)
print("aws ses", flush=True)
print(f"all ok ({count()} checks)")
