"""Issue 30: what suites written against SES expect, through boto3's `sesv2` and `ses` clients
against `sesm serve`. Each expectation quotes AWS's text or shape and says where it comes from:
"recorded" is a real AWS answer kept in LocalStack's SES test snapshots
(localstack/localstack, tests/aws/services/ses/test_ses.snapshot.json, named by test), "API
reference" and "guide" SES's own documentation, "provider" an acceptance test of
hashicorp/terraform-provider-aws 5.100.0 that runs against SES.

    python parity.py ENDPOINT SESM_BINARY STATE_FILE

Run by tests/cli/parity.rs under both boto3 environments. Prints one line per item and "all ok"
last; exits 1 on the first failure.
"""

import base64
import http.server
import json
import sys
import threading
import time
import urllib.request

from checks import check, client, count, refused, sesm, setup, state_bytes

ENDPOINT, SESM, STATE = sys.argv[1], sys.argv[2], sys.argv[3]
setup(ENDPOINT, SESM, STATE, "eu-west-1")
ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT}:ses-events"

v2, v1 = client(), client("ses")
SIMPLE = {"Simple": {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}}
V1_MESSAGE = {"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}}}


def events(message_id=None, kind=None):
    """The event log's events (their SES JSON), through the command line."""
    out = []
    for e in sesm("events", "list")["Events"]:
        if message_id and e["MessageId"] != message_id:
            continue
        if kind and e["EventType"] != kind:
            continue
        out.append(e["Event"])
    return out


def fresh():
    """An account with a verified domain and a set whose SNS destination takes every event."""
    v2.create_email_identity(EmailIdentity="example.com")
    v2.create_configuration_set(ConfigurationSetName="news")
    v2.create_configuration_set_event_destination(
        ConfigurationSetName="news", EventDestinationName="to-sns",
        EventDestination={"Enabled": True, "MatchingEventTypes": ["SEND", "DELIVERY"],
                          "SnsDestination": {"TopicArn": TOPIC}})


# --- 19: reset -------------------------------------------------------------------------
# moto's `POST /moto-api/reset` is what suites call between tests; sesm's is `/_sesm/reset`.
def reset():
    req = urllib.request.Request(f"{ENDPOINT}/_sesm/reset", method="POST", data=b"",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        check(r.status == 200, f"reset: {r.status}")
        return json.load(r)


fresh()
v2.send_email(FromEmailAddress="a@example.com", Destination={"ToAddresses": ["b@gmail.com"]},
              Content=SIMPLE, ConfigurationSetName="news")
sesm("events", "subscribe", TOPIC, "http://127.0.0.1:9/sns")
check(len(events()) >= 2, "events before the reset")
got = reset()
check("Path" in got or got, f"the reset's answer: {got}")
check(v2.list_email_identities()["EmailIdentities"] == [], "no identity after the reset")
check(v2.list_configuration_sets()["ConfigurationSets"] == [], "no set after the reset")
check(events() == [], f"no event after the reset: {events()}")
check(sesm("events", "subscriptions")["Subscriptions"] == [], "no subscription after the reset")
with urllib.request.urlopen(f"{ENDPOINT}/_sesm/outbox") as r:
    box = json.load(r)
check(box.get("Messages", box.get("OutboxMessages", [])) == [], f"an empty outbox after the reset: {box}")
check(v2.get_account()["SendQuota"]["SentLast24Hours"] == 0, "nothing sent after the reset")
check(v1.get_send_quota()["SentLast24Hours"] == 0, "v1: nothing sent after the reset")
# The command line's reset is the same operation.
fresh()
sesm("state", "reset", "--yes")
check(v2.list_email_identities()["EmailIdentities"] == [] and events() == [], "sesm state reset")
print("19 reset", flush=True)

fresh()

# --- 1: ses:operation names the call -------------------------------------------------------
# Recorded: test_ses_sns_topic_integration_send_email ("ses:operation": ["SendEmail"]),
# …_send_templated_email (["SendTemplatedEmail"]), …_send_raw_email (["SendRawEmail"]).
v2.create_email_template(TemplateName="welcome", TemplateContent={
    "Subject": "Hi {{name}}", "Text": "Dear {{name}}"})
sent = {
    # Text and HTML, as the recorded test sends (multipart/alternative).
    "SendEmail": v1.send_email(Source="a@example.com", Destination={"ToAddresses": ["b@gmail.com"]},
                               Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "t"}, "Html": {"Data": "<p>t</p>"}}},
                               ConfigurationSetName="news")["MessageId"],
    "SendRawEmail": v1.send_raw_email(
        RawMessage={"Data": b"From: a@example.com\r\nTo: b@gmail.com\r\nSubject: r\r\n\r\nbody"},
        ConfigurationSetName="news")["MessageId"],
    "SendTemplatedEmail": v1.send_templated_email(
        Source="a@example.com", Destination={"ToAddresses": ["b@gmail.com"]}, Template="welcome",
        TemplateData='{"name": "Ada"}', ConfigurationSetName="news")["MessageId"],
    "SendBulkTemplatedEmail": v1.send_bulk_templated_email(
        Source="a@example.com", Template="welcome", DefaultTemplateData='{"name": "you"}',
        ConfigurationSetName="news",
        Destinations=[{"Destination": {"ToAddresses": ["c@gmail.com"]}}])["Status"][0]["MessageId"],
    # SESv2's calls are named as SESv2 names them (docs/decisions.md).
    "SendBulkEmail": v2.send_bulk_email(
        FromEmailAddress="a@example.com", ConfigurationSetName="news",
        DefaultContent={"Template": {"TemplateName": "welcome", "TemplateData": '{"name": "x"}'}},
        BulkEmailEntries=[{"Destination": {"ToAddresses": ["d@gmail.com"]}}])["BulkEmailEntryResults"][0]["MessageId"],
}
v2_raw = v2.send_email(FromEmailAddress="a@example.com", Destination={"ToAddresses": ["b@gmail.com"]},
                       Content={"Raw": {"Data": b"From: a@example.com\r\nTo: b@gmail.com\r\nSubject: r\r\n\r\nx"}},
                       ConfigurationSetName="news")["MessageId"]
for op, mid in list(sent.items()) + [("SendEmail", v2_raw)]:
    got = events(mid, "Send")
    check(len(got) == 1, f"{op}: one Send event: {got}")
    check(got[0]["mail"]["tags"]["ses:operation"] == [op], f"{op}: {got[0]['mail']['tags']}")
print("1 ses:operation", flush=True)

# --- 8: mail.headers as SES shows them -----------------------------------------------------
# Recorded test_ses_sns_topic_integration_send_email: Simple content's headers are From, To,
# Subject, MIME-Version, Content-Type (no Message-ID, no Date), commonHeaders without date.
send = events(sent["SendEmail"], "Send")[0]["mail"]
names = [h["name"] for h in send["headers"]]
check(names == ["From", "To", "Subject", "MIME-Version", "Content-Type"], f"SendEmail's headers: {names}")
check("date" not in send["commonHeaders"], f"{send['commonHeaders']}")
check(send["commonHeaders"] == {"from": ["a@example.com"], "to": ["b@gmail.com"],
                                "messageId": sent["SendEmail"], "subject": "s"}, f"{send['commonHeaders']}")
# Recorded …_send_templated_email: the Send event shows the message before rendering: From, To,
# MIME-Version; commonHeaders from, to, messageId; no sourceArn.
tpl = events(sent["SendTemplatedEmail"], "Send")[0]["mail"]
names = [h["name"] for h in tpl["headers"]]
check(names == ["From", "To", "MIME-Version"], f"the templated Send's headers: {names}")
check(sorted(tpl["commonHeaders"]) == ["from", "messageId", "to"], f"{tpl['commonHeaders']}")
check("sourceArn" not in tpl, f"the templated Send has no sourceArn: {tpl}")
print("8 headers", flush=True)

# --- 6: an empty RawMessage.Data ---------------------------------------------------------
# Recorded test_ses_sns_topic_integration_send_raw_email: SendRawEmail with Data b"" (and
# Source, Destinations) is accepted; its Send event has "headers": [], commonHeaders only
# messageId, and no ses:from-domain tag.
mid = v1.send_raw_email(Source="a@example.com", Destinations=["b@gmail.com"], RawMessage={"Data": b""},
                        ConfigurationSetName="news", Tags=[{"Name": "custom-tag", "Value": "tag-value"}])["MessageId"]
mail = events(mid, "Send")[0]["mail"]
check(mail["headers"] == [] and mail["commonHeaders"] == {"messageId": mid}, f"{mail}")
check("ses:from-domain" not in mail["tags"] and mail["tags"]["custom-tag"] == ["tag-value"], f"{mail['tags']}")
print("6 empty raw message", flush=True)

# --- 2 and 5: message tags ---------------------------------------------------------------
# Recorded test_special_tags_send_email: ses:feedback-id-a and -b are accepted (both APIs).
feedback = [{"Name": "ses:feedback-id-a", "Value": "this-marketing-campaign"},
            {"Name": "ses:feedback-id-b", "Value": "that-campaign"}]
v1.send_email(Source="a@example.com", Destination={"ToAddresses": ["b@gmail.com"]}, Message=V1_MESSAGE,
              Tags=feedback)
v2.send_email(FromEmailAddress="a@example.com", Destination={"ToAddresses": ["b@gmail.com"]},
              Content=SIMPLE, EmailTags=feedback)
# Values may hold '.' and '@' (the recorded answer's words say so).
v2.send_email(FromEmailAddress="a@example.com", Destination={"ToAddresses": ["b@gmail.com"]},
              Content=SIMPLE, EmailTags=[{"Name": "who", "Value": "user.name@example.com"}])
# Recorded test_invalid_tags_send_email, all nine cases: InvalidParameterValue 400 in v1 (and
# BadRequestException 400 with the same words in SESv2).
NAME_TEXT = "only alphanumeric ASCII characters, '_',  '-' are allowed."
CASES = [
    ("test_invalid_name:123", "test", f"Invalid tag name <test_invalid_name:123>: {NAME_TEXT}"),
    ("test", "test_invalid_value:123",
     "Invalid tag value <test_invalid_value:123>: only alphanumeric ASCII characters, '_',  '-' , '.', '@' are allowed."),
    ("test_invalid_name:123", "test_invalid_value:123", f"Invalid tag name <test_invalid_name:123>: {NAME_TEXT}"),
    ("test_invalid_name_len" * 100, "test", "Tag name cannot exceed 255 characters."),
    ("test", "test_invalid_value_len" * 100, "Tag value cannot exceed 255 characters."),
    ("test_invalid_name@123", "test_invalid_value_len" * 100, f"Invalid tag name <test_invalid_name@123>: {NAME_TEXT}"),
    ("", "", "The tag name must be specified."),
    ("", "test", "The tag name must be specified."),
    ("test", "", "The tag value must be specified."),
]
v1_loose, v2_loose = client("ses", validate=False), client(validate=False)
for name, value, text in CASES:
    tag = [{"Name": name, "Value": value}]
    refused(lambda: v1_loose.send_email(Source="a@example.com", Destination={"ToAddresses": ["b@gmail.com"]},
                                        Message=V1_MESSAGE, Tags=tag), "InvalidParameterValue", 400, text)
    refused(lambda: v2_loose.send_email(FromEmailAddress="a@example.com", Destination={"ToAddresses": ["b@gmail.com"]},
                                        Content=SIMPLE, EmailTags=tag), "BadRequestException", 400, text)
print("2, 5 message tags", flush=True)

# --- 3: v1 GetSendQuota counts sends at once ----------------------------------------------
# moto's test_ses_boto3 tests read SentLast24Hours right after sending; SESv2's GetAccount
# in the same account must agree.
quota = v1.get_send_quota()["SentLast24Hours"]
check(quota == v2.get_account()["SendQuota"]["SentLast24Hours"] and quota >= 10, f"quota {quota}")
v1.send_email(Source="a@example.com", Destination={"ToAddresses": ["b@gmail.com", "c@gmail.com"]}, Message=V1_MESSAGE)
check(v1.get_send_quota()["SentLast24Hours"] == quota + 2, "two recipients count two")
print("3 quota", flush=True)

# --- 7: a missing event destination -------------------------------------------------------
# Recorded test_deleting_non_existent_configuration_set_event_destination:
# EventDestinationDoesNotExist 400 "No EventDestination found for <set>" (v1); SESv2 says the
# same words with NotFoundException 404.
refused(lambda: v1.delete_configuration_set_event_destination(ConfigurationSetName="news", EventDestinationName="nope"),
        "EventDestinationDoesNotExist", 400, "No EventDestination found for news")
refused(lambda: v2.delete_configuration_set_event_destination(ConfigurationSetName="news", EventDestinationName="nope"),
        "NotFoundException", 404, "No EventDestination found for news")
print("7 missing destination", flush=True)

# --- 9: v1's answers ------------------------------------------------------------------------
# One request ID: the x-amzn-RequestId header is the body's ResponseMetadata.RequestId (boto3
# reads the body's; AWS's query API sends the same in both).
meta = v1.get_send_quota()["ResponseMetadata"]
check(meta["RequestId"] == meta["HTTPHeaders"]["x-amzn-requestid"], f"{meta}")
# ListConfigurationSets pages with MaxItems and NextToken (30 sets, MaxItems 5: 5 and a token).
for i in range(30):
    v1.create_configuration_set(ConfigurationSet={"Name": f"page{i:02}"})
names, token, pages = [], None, 0
while True:
    page = v1.list_configuration_sets(MaxItems=5, **({"NextToken": token} if token else {}))
    check(len(page["ConfigurationSets"]) <= 5, f"{page}")
    names += [c["Name"] for c in page["ConfigurationSets"]]
    pages += 1
    token = page.get("NextToken")
    if not token:
        break
check(pages == 7 and len(names) == 31 and len(set(names)) == 31, f"{pages} pages: {names}")
# An enum failure: ValidationError "1 validation error detected: …" (AWS's query APIs).
refused(lambda: v1_loose.put_configuration_set_delivery_options(
    ConfigurationSetName="news", DeliveryOptions={"TlsPolicy": "Maybe"}), "ValidationError", 400,
    "1 validation error detected: Value 'Maybe' at 'deliveryOptions.tlsPolicy' failed to satisfy constraint: "
    "Member must satisfy enum value set: [Require, Optional]")
refused(lambda: v1_loose.list_identities(IdentityType="Other"), "ValidationError", 400,
        contains="1 validation error detected: Value 'Other' at 'identityType'")
print("9 v1 answers", flush=True)

# --- 10: an address's DKIM is its domain's ------------------------------------------------
v2.create_email_identity(EmailIdentity="news@example.com")
domain = v2.get_email_identity(EmailIdentity="example.com")["DkimAttributes"]
addr = v2.get_email_identity(EmailIdentity="news@example.com")["DkimAttributes"]
check(addr["Status"] == domain["Status"] == "SUCCESS" and addr["Tokens"] == domain["Tokens"], f"{addr} {domain}")
d = v1.get_identity_dkim_attributes(Identities=["news@example.com"])["DkimAttributes"]["news@example.com"]
check(d["DkimVerificationStatus"] == "Success" and d["DkimTokens"] == domain["Tokens"], f"{d}")
# An address no domain covers: NOT_STARTED, no tokens, RSA_1024_BIT next (provider:
# TestAccSESV2EmailIdentity_basic_emailAddress).
v2.create_email_identity(EmailIdentity="solo@elsewhere.org")
alone = v2.get_email_identity(EmailIdentity="solo@elsewhere.org")["DkimAttributes"]
check(alone["Status"] == "NOT_STARTED" and alone.get("Tokens", []) == [], f"{alone}")
check(alone.get("NextSigningKeyLength") == "RSA_1024_BIT", f"{alone}")
print("10 an address's DKIM", flush=True)

# --- 11: words ------------------------------------------------------------------------------
# MessageRejected names the sender as given, display name too ("The following identities failed
# the check in region …: \"${Traveloka}\" <noreply@traveloka.com>", an answer SES gave).
refused(lambda: v2.send_email(FromEmailAddress='"Jane Doe" <jane@unverified.org>',
                              Destination={"ToAddresses": ["b@gmail.com"]}, Content=SIMPLE),
        "MessageRejected", 400, contains='"Jane Doe" <jane@unverified.org>')
# An address without '@': "Missing final '@domain'" (SES quotes the address parser's words).
refused(lambda: v1.send_email(Source="a@example.com", Destination={"ToAddresses": ["invalid_address"]},
                              Message=V1_MESSAGE), "InvalidParameterValue", 400, "Missing final '@domain'")
refused(lambda: v2.send_email(FromEmailAddress="a@example.com", Destination={"ToAddresses": ["invalid_address"]},
                              Content=SIMPLE), "BadRequestException", 400, "Missing final '@domain'")
# v1's bulk limit names v1's member, Destinations.
text = refused(lambda: v1_loose.send_bulk_templated_email(
    Source="a@example.com", Template="welcome", DefaultTemplateData="{}",
    Destinations=[{"Destination": {"ToAddresses": [f"r{i}@gmail.com"]}} for i in range(51)]),
    "InvalidParameterValue", 400)
check(text.startswith("Destinations ") and "BulkEmailEntries" not in text, text)
print("11 words", flush=True)

# --- 4: SNS notifications -------------------------------------------------------------------
RECEIVED = []
LOCK = threading.Lock()


class Subscriber(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        msg = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        with LOCK:
            RECEIVED.append(msg)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


listener = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Subscriber)
threading.Thread(target=listener.serve_forever, daemon=True).start()
TOPIC2 = f"arn:aws:sns:eu-west-1:{ACCOUNT}:validated"
sub = sesm("events", "subscribe", TOPIC2, f"http://127.0.0.1:{listener.server_address[1]}/sns")
arn = sub["SubscriptionArn"]
# Confirm it (as a subscriber fetching its SubscribeURL would).
deadline = time.time() + 20
while time.time() < deadline and not [m for m in RECEIVED if m["Type"] == "SubscriptionConfirmation"]:
    time.sleep(0.1)
conf = [m for m in RECEIVED if m["Type"] == "SubscriptionConfirmation"]
check(conf, "a SubscriptionConfirmation")
urllib.request.urlopen(conf[0]["SubscribeURL"]).read()
v2.create_configuration_set(ConfigurationSetName="validated")
v2.create_configuration_set_event_destination(
    ConfigurationSetName="validated", EventDestinationName="sns",
    EventDestination={"Enabled": True, "MatchingEventTypes": ["SEND"], "SnsDestination": {"TopicArn": TOPIC2}})
mid = v2.send_email(FromEmailAddress="a@example.com", Destination={"ToAddresses": ["b@gmail.com"]},
                    Content=SIMPLE, ConfigurationSetName="validated")["MessageId"]


def notes():
    with LOCK:
        return [m for m in RECEIVED if m["Type"] == "Notification"]


deadline = time.time() + 30
while time.time() < deadline and len(notes()) < 2:
    time.sleep(0.1)
got = notes()
check(len(got) >= 2, f"two notifications: {RECEIVED}")
# Recorded test_ses_sns_topic_integration_*: first "Successfully validated SNS topic for Amazon
# SES event publishing." without Subject, then the event with Subject "Amazon SES Email Event
# Notification"; UnsubscribeURL "…?Action=Unsubscribe&SubscriptionArn=arn:…:<topic>:<id>", the
# ARN as it is.
check(got[0]["Message"] == "Successfully validated SNS topic for Amazon SES event publishing."
      and "Subject" not in got[0], f"{got[0]}")
check(got[1]["Subject"] == "Amazon SES Email Event Notification", f"{got[1]}")
check(json.loads(got[1]["Message"])["mail"]["messageId"] == mid, f"{got[1]}")
for m in got[:2]:
    check(m["UnsubscribeURL"].endswith(f"?Action=Unsubscribe&SubscriptionArn={arn}"), m["UnsubscribeURL"])
listener.shutdown()
print("4 SNS", flush=True)

# --- 12: a set made with only a name has no delivery options --------------------------------
# provider TestAccSESConfigurationSet_basic expects `delivery_options.#` 0 after apply.
v1.create_configuration_set(ConfigurationSet={"Name": "bare"})
cs = v1.describe_configuration_set(ConfigurationSetName="bare", ConfigurationSetAttributeNames=["deliveryOptions"])
check("DeliveryOptions" not in cs, f"{cs}")
v1.put_configuration_set_delivery_options(ConfigurationSetName="bare", DeliveryOptions={"TlsPolicy": "Require"})
cs = v1.describe_configuration_set(ConfigurationSetName="bare", ConfigurationSetAttributeNames=["deliveryOptions"])
check(cs["DeliveryOptions"] == {"TlsPolicy": "Require"}, f"{cs}")
# Without DeliveryOptions the Put removes them (what Terraform sends when the block goes).
v1.put_configuration_set_delivery_options(ConfigurationSetName="bare")
cs = v1.describe_configuration_set(ConfigurationSetName="bare", ConfigurationSetAttributeNames=["deliveryOptions"])
check("DeliveryOptions" not in cs, f"{cs}")
print("12 delivery options", flush=True)

# --- 13: a CloudWatch dimension named ses:source-ip (v1) -----------------------------------
# v1 API reference, CloudWatchDimensionConfiguration: the name may contain colons; provider
# TestAccSESEventDestination_basic uses ses:source-ip.
v1.create_configuration_set_event_destination(ConfigurationSetName="bare", EventDestination={
    "Name": "cw", "Enabled": True, "MatchingEventTypes": ["send"],
    "CloudWatchDestination": {"DimensionConfigurations": [{
        "DimensionName": "ses:source-ip", "DimensionValueSource": "messageTag", "DefaultDimensionValue": "0.0.0.0"}]}})
dims = v2.get_configuration_set_event_destinations(ConfigurationSetName="bare")["EventDestinations"][0]
check(dims["CloudWatchDestination"]["DimensionConfigurations"][0]["DimensionName"] == "ses:source-ip", f"{dims}")
print("13 dimension names", flush=True)

# --- 14: an identity given as its ARN (v1 notification settings) ---------------------------
# v1 API reference, SetIdentityNotificationTopic: "You can specify an identity by using its
# name or by using its Amazon Resource Name (ARN)".
id_arn = f"arn:aws:ses:eu-west-1:{ACCOUNT}:identity/example.com"
v1.set_identity_notification_topic(Identity=id_arn, NotificationType="Bounce", SnsTopic=TOPIC)
attrs = v1.get_identity_notification_attributes(Identities=["example.com"])["NotificationAttributes"]
check(attrs["example.com"]["BounceTopic"] == TOPIC, f"{attrs}")
# Recorded test_set_identity_headers_in_notifications_enabled_failure_unknown_identity.
refused(lambda: v1.set_identity_headers_in_notifications_enabled(
    Identity="unknown@example.org", NotificationType="Bounce", Enabled=True),
    "MessageRejected", 400, "Identity unknown@example.org is not verified or does not exist.")
# Recorded …_failure_invalid_type.
refused(lambda: v1_loose.set_identity_headers_in_notifications_enabled(
    Identity="example.com", NotificationType="InvalidType", Enabled=True),
    "InvalidParameterValue", 400, "Invalid notification type: InvalidType. Valid values are: Bounce, Complaint, Delivery.")
print("14 identity ARN", flush=True)

# --- 16: BYODKIM from a PEM file; a single-label identity ----------------------------------
# provider TestAccSESV2EmailIdentity_domainSigning gives base64 of a whole PEM file; provider
# TestAccSESV2EmailIdentityDataSource_basic creates `tf-acc-test-…` (one label).
der = bytes([0x30, 0x82, 0x04, 0xA4]) + bytes([0x02]) * (1192 - 4)
body = base64.b64encode(der).decode()
pem = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(body[i:i + 64] for i in range(0, len(body), 64)) + \
      "\n-----END RSA PRIVATE KEY-----\n"
v2.create_email_identity(EmailIdentity="byodkim.example.net", DkimSigningAttributes={
    "DomainSigningSelector": "sel1", "DomainSigningPrivateKey": base64.b64encode(pem.encode()).decode()})
got = v2.get_email_identity(EmailIdentity="byodkim.example.net")["DkimAttributes"]
check(got["SigningAttributesOrigin"] == "EXTERNAL", f"{got}")
v2.create_email_identity(EmailIdentity="tf-acc-test-123")
check(v2.get_email_identity(EmailIdentity="tf-acc-test-123")["IdentityType"] == "DOMAIN", "one label")
# 15: PutEmailIdentityDkimSigningAttributes (boto3 sends it to /v2/; the Go SDK to /v1/, which
# tests/cli/parity.rs drives).
v2.put_email_identity_dkim_signing_attributes(EmailIdentity="tf-acc-test-123", SigningAttributesOrigin="AWS_SES",
                                              SigningAttributes={"NextSigningKeyLength": "RSA_2048_BIT"})
print("15, 16 DKIM signing", flush=True)

print(f"all ok ({count()} checks)", flush=True)
