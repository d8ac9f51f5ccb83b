"""List management through `sesm serve` with boto3: contact lists and their topics, contacts
and their preferences, ListContacts' filter, import jobs reading the local S3 folder, then a
send with ListManagementOptions: SES's List-Unsubscribe headers and the placeholder replaced by
a link on the server; following it (GET, then RFC 8058's one-click POST) unsubscribes the
contact and publishes a Subscription event; mail to the contact then is not delivered. Every
refusal with its code, status and message, the state file byte-identical after it.

    python contact_lists.py ENDPOINT SESM_BINARY STATE_FILE

Then the AWS CLI on the same operations (a contact list, a contact, the quota's refusal, a v1
receipt rule set). Run by tests/cli/coverage.rs under both client environments. Prints one line per group of
checks and "all ok"; exits 1 on the first failure.
"""

import json
import os
import sys
import urllib.parse
import urllib.request

from checks import check, client, count, refused, sesm, setup, state_bytes

ENDPOINT, SESM, STATE = sys.argv[1], sys.argv[2], sys.argv[3]
setup(ENDPOINT, SESM, STATE, "eu-west-1")
TOPICS = [
    {"TopicName": "sports", "DisplayName": "Sports", "Description": "Match reports", "DefaultSubscriptionStatus": "OPT_IN"},
    {"TopicName": "cycling", "DisplayName": "Cycling", "DefaultSubscriptionStatus": "OPT_OUT"},
]


def get(path):
    with urllib.request.urlopen(f"{ENDPOINT}{path}") as r:
        return json.load(r)


def lists(c):
    c.create_contact_list(ContactListName="news", Description="weekly", Topics=TOPICS,
                          Tags=[{"Key": "team", "Value": "growth"}])
    got = c.get_contact_list(ContactListName="news")
    check(got["Topics"] == TOPICS and got["Description"] == "weekly", f"get {got}")
    check(got["Tags"] == [{"Key": "team", "Value": "growth"}], f"tags {got['Tags']}")
    check(got["CreatedTimestamp"].year >= 2026 and got["LastUpdatedTimestamp"] >= got["CreatedTimestamp"], "times")
    arn = "arn:aws:ses:eu-west-1:123456789012:contact-list/news"
    c.tag_resource(ResourceArn=arn, Tags=[{"Key": "tier", "Value": "gold"}])
    check(len(c.list_tags_for_resource(ResourceArn=arn)["Tags"]) == 2, "a contact list is taggable")
    listed = c.list_contact_lists()["ContactLists"]
    check([l["ContactListName"] for l in listed] == ["news"], f"list {listed}")
    refused(lambda: c.create_contact_list(ContactListName="other"), "LimitExceededException", 400,
            "You can have at most 1 contact list in a region (SES allows one per account); news exists.")
    refused(lambda: c.create_contact_list(ContactListName="news"), "AlreadyExistsException", 400,
            "List with name: news already exists.")
    refused(lambda: c.get_contact_list(ContactListName="nope"), "NotFoundException", 404,
            "List with name: nope doesn't exist.")
    many = [{"TopicName": f"t{i}", "DisplayName": "T", "DefaultSubscriptionStatus": "OPT_IN"} for i in range(21)]
    refused(lambda: c.update_contact_list(ContactListName="news", Topics=many), "BadRequestException", 400,
            "A contact list can have at most 20 topics; this one has 21.")
    refused(lambda: c.update_contact_list(ContactListName="news", Topics=[dict(TOPICS[0], DefaultSubscriptionStatus="MAYBE")]),
            "BadRequestException", 400, "1 validation error detected: Value 'MAYBE' at 'topics.member.defaultSubscriptionStatus' "
            "failed to satisfy constraint: Member must satisfy enum value set: [OPT_IN, OPT_OUT]")
    print(f"lists ok ({count()} checks)", flush=True)


def contacts(c):
    c.create_contact(ContactListName="news", EmailAddress="ann@example.org",
                     TopicPreferences=[{"TopicName": "cycling", "SubscriptionStatus": "OPT_IN"}],
                     AttributesData=json.dumps({"name": "Ann"}))
    c.create_contact(ContactListName="news", EmailAddress="bob@example.org", UnsubscribeAll=True)
    got = c.get_contact(ContactListName="news", EmailAddress="ann@example.org")
    check(got["TopicPreferences"] == [{"TopicName": "cycling", "SubscriptionStatus": "OPT_IN"}], f"own {got}")
    check(got["TopicDefaultPreferences"] == [{"TopicName": "sports", "SubscriptionStatus": "OPT_IN"},
                                             {"TopicName": "cycling", "SubscriptionStatus": "OPT_OUT"}], f"defaults {got}")
    check(json.loads(got["AttributesData"]) == {"name": "Ann"} and got["UnsubscribeAll"] is False, f"data {got}")
    refused(lambda: c.create_contact(ContactListName="news", EmailAddress="ann@example.org"), "AlreadyExistsException", 400,
            "Contact ann@example.org already exists in List news.")
    refused(lambda: c.create_contact(ContactListName="news", EmailAddress="x@example.org",
                                     TopicPreferences=[{"TopicName": "golf", "SubscriptionStatus": "OPT_IN"}]),
            "BadRequestException", 400, "Topic golf is not a topic of List news: a preference names a topic of the list.")
    refused(lambda: c.create_contact(ContactListName="news", EmailAddress="x@example.org", AttributesData="[1]"),
            "BadRequestException", 400, "AttributesData must be a valid JSON object.")
    refused(lambda: c.create_contact(ContactListName="news", EmailAddress="not an address"), "BadRequestException", 400,
            "Invalid contact address 'not an address': expected local@domain.")
    refused(lambda: c.get_contact(ContactListName="news", EmailAddress="zed@example.org"), "NotFoundException", 404,
            "Contact zed@example.org doesn't exist in List news.")
    opted_in = lambda topic, default: [x["EmailAddress"] for x in c.list_contacts(ContactListName="news", Filter={
        "FilteredStatus": "OPT_IN", "TopicFilter": {"TopicName": topic, "UseDefaultIfPreferenceUnavailable": default}})["Contacts"]]
    check(opted_in("cycling", False) == ["ann@example.org"], "explicit preferences only")
    check(opted_in("sports", True) == ["ann@example.org"], "the default fills in; UnsubscribeAll wins")
    check(opted_in("sports", False) == [], "no explicit sports preference")
    everyone = c.list_contacts(ContactListName="news", PageSize=1)
    check(len(everyone["Contacts"]) == 1 and "NextToken" in everyone, f"paged {everyone}")
    c.update_contact(ContactListName="news", EmailAddress="bob@example.org", UnsubscribeAll=False)
    check(opted_in("sports", True) == ["ann@example.org", "bob@example.org"], "update")
    c.delete_contact(ContactListName="news", EmailAddress="bob@example.org")
    refused(lambda: c.delete_contact(ContactListName="news", EmailAddress="bob@example.org"), "NotFoundException", 404,
            "Contact bob@example.org doesn't exist in List news.")
    print(f"contacts ok ({count()} checks)", flush=True)


def imports(c):
    folder = f"{STATE}.inbound/imports"
    os.makedirs(folder, exist_ok=True)
    with open(f"{folder}/contacts.csv", "w") as f:
        f.write("emailAddress,unsubscribeAll,attributesData,topicPreferences.sports\n"
                "cat@example.org,false,,OPT_OUT\ndan@example.org,false,\"{\"\"n\"\":1}\",OPT_IN\nnot-an-address,,,\n")
    with open(f"{folder}/suppressed.jsonl", "w") as f:
        f.write(json.dumps({"emailAddress": "gone@example.org", "reason": "BOUNCE"}) + "\n")
    job = c.create_import_job(
        ImportDestination={"ContactListDestination": {"ContactListName": "news", "ContactListImportAction": "PUT"}},
        ImportDataSource={"S3Url": "s3://imports/contacts.csv", "DataFormat": "CSV"})
    got = c.get_import_job(JobId=job["JobId"])
    check(got["JobStatus"] == "COMPLETED" and got["ProcessedRecordsCount"] == 2 and got["FailedRecordsCount"] == 1, f"job {got}")
    check(c.get_contact(ContactListName="news", EmailAddress="cat@example.org")["TopicPreferences"]
          == [{"TopicName": "sports", "SubscriptionStatus": "OPT_OUT"}], "imported preferences")
    c.create_import_job(ImportDestination={"SuppressionListDestination": {"SuppressionListImportAction": "PUT"}},
                        ImportDataSource={"S3Url": "s3://imports/suppressed.jsonl", "DataFormat": "JSON"})
    check(c.get_suppressed_destination(EmailAddress="gone@example.org")["SuppressedDestination"]["Reason"] == "BOUNCE", "suppressed")
    failed = c.create_import_job(ImportDestination={"SuppressionListDestination": {"SuppressionListImportAction": "PUT"}},
                                 ImportDataSource={"S3Url": "s3://imports/missing.csv", "DataFormat": "CSV"})
    got = c.get_import_job(JobId=failed["JobId"])
    check(got["JobStatus"] == "FAILED" and "does not exist" in got["FailureInfo"]["ErrorMessage"], f"failed job {got}")
    jobs = c.list_import_jobs(ImportDestinationType="SUPPRESSION_LIST")["ImportJobs"]
    check(len(jobs) == 2 and jobs[0]["JobStatus"] == "COMPLETED", f"list {jobs}")
    refused(lambda: c.create_import_job(ImportDestination={"SuppressionListDestination": {"SuppressionListImportAction": "PUT"}},
                                        ImportDataSource={"S3Url": "s3://imports/../../secret", "DataFormat": "CSV"}),
            "BadRequestException", 400, "Invalid S3Url 's3://imports/../../secret': expected s3://BUCKET/KEY.")
    refused(lambda: c.create_import_job(
        ImportDestination={"ContactListDestination": {"ContactListName": "nope", "ContactListImportAction": "PUT"}},
        ImportDataSource={"S3Url": "s3://imports/contacts.csv", "DataFormat": "CSV"}),
        "NotFoundException", 404, "List with name: nope doesn't exist.")
    refused(lambda: c.get_import_job(JobId="nope"), "NotFoundException", 404, "Import job nope does not exist.")
    print(f"import jobs ok ({count()} checks)", flush=True)


def unsubscribe(c):
    c.create_email_identity(EmailIdentity="example.com")
    c.create_configuration_set(ConfigurationSetName="news-set")
    c.create_configuration_set_event_destination(
        ConfigurationSetName="news-set", EventDestinationName="subs",
        EventDestination={"Enabled": True, "MatchingEventTypes": ["SUBSCRIPTION", "SEND"],
                          "SnsDestination": {"TopicArn": "arn:aws:sns:eu-west-1:123456789012:subs"}})
    body = {"Simple": {"Subject": {"Data": "Sports news"}, "Body": {
        "Text": {"Data": "Hi! Leave: {{amazonSESUnsubscribeUrl}}"},
        "Html": {"Data": "<p>Hi</p><a href=\"{{amazonSESUnsubscribeUrl}}\">leave</a> {{amazonSESUnsubscribeUrl}} {{amazonSESUnsubscribeUrl}}"}}}}
    send = lambda to, topic="sports": c.send_email(
        FromEmailAddress="news@example.com", Destination={"ToAddresses": [to]}, Content=body,
        ConfigurationSetName="news-set", ListManagementOptions={"ContactListName": "news", "TopicName": topic})
    refused(lambda: c.send_email(FromEmailAddress="news@example.com", Destination={"ToAddresses": ["ann@example.org"]},
                                 Content=body, ListManagementOptions={"ContactListName": "weekly"}),
            "NotFoundException", 404, "List with name: weekly doesn't exist.")
    refused(lambda: send("ann@example.org", "golf"), "NotFoundException", 404, "Topic golf doesn't exist in List news.")
    sent = send("ann@example.org")
    message = get(f"/_sesm/outbox/{sent['MessageId']}")
    headers = {h["Name"]: h["Value"] for h in message["Headers"]}
    link = headers.get("List-Unsubscribe", "")[1:-1]
    check(link.startswith(f"{ENDPOINT}/_sesm/unsubscribe?region=eu-west-1&list=news&topic=sports&contact=ann%40example.org"), f"header {headers}")
    check(headers.get("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click", f"one-click {headers}")
    check(message["Text"].strip() == f"Hi! Leave: {link}", f"text {message['Text']!r}")
    check(message["Html"].count(link) == 2 and message["Html"].count("{{amazonSESUnsubscribeUrl}}") == 1, f"two replaced {message['Html']}")
    # A new recipient is added to the list.
    send("eve@example.org")
    check(c.get_contact(ContactListName="news", EmailAddress="eve@example.org")["UnsubscribeAll"] is False, "added by the send")
    # Following the link (GET) unsubscribes Ann from sports, and publishes a Subscription event.
    with urllib.request.urlopen(link) as r:
        check(r.status == 200 and b"unsubscribed from topic sports of list news" in r.read(), "the link's page")
    got = c.get_contact(ContactListName="news", EmailAddress="ann@example.org")
    check({"TopicName": "sports", "SubscriptionStatus": "OPT_OUT"} in got["TopicPreferences"], f"opted out {got}")
    events = get("/_sesm/events?type=Subscription")["Events"]
    check(len(events) == 1, f"one Subscription event {events}")
    ev = events[0]["Event"]
    check(ev["subscription"]["contactList"] == "news" and ev["subscription"]["source"] == "UnsubscribeLink", f"event {ev}")
    check({"topicName": "sports", "subscriptionStatus": "OptOut"} in ev["subscription"]["newTopicPreferences"]["topicSubscriptionStatus"], f"new {ev}")
    check(ev["mail"]["messageId"] == sent["MessageId"], f"the message's mail object {ev['mail']}")
    # An edited link is refused, and changes nothing.
    before = state_bytes()
    try:
        urllib.request.urlopen(link.replace("ann%40", "eve%40"))
        check(False, "an edited link was followed")
    except urllib.error.HTTPError as e:
        check(e.code == 404 and state_bytes() == before, f"edited link {e.code}")
    # Mail to Ann on sports is accepted and not delivered.
    again = send("ann@example.org")
    kept = [m for m in get("/_sesm/outbox?region=eu-west-1")["Messages"] if m["MessageId"] == again["MessageId"]][0]
    check(kept["Unsubscribed"] == ["ann@example.org"], f"not delivered {kept}")
    # The one-click POST (what a mail provider sends) unsubscribes Eve.
    eve = get(f"/_sesm/outbox/{send('eve@example.org')['MessageId']}")
    eve_link = {h["Name"]: h["Value"] for h in eve["Headers"]}["List-Unsubscribe"][1:-1]
    req = urllib.request.Request(eve_link, data=b"List-Unsubscribe=One-Click", method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(req) as r:
        check(r.status == 200, "one-click")
    events = get("/_sesm/events?type=Subscription")["Events"]
    check(events[-1]["Event"]["subscription"]["source"] == "UnsubscribeHeader", f"one-click event {events[-1]}")
    c.delete_contact_list(ContactListName="news")
    refused(lambda: c.delete_contact_list(ContactListName="news"), "NotFoundException", 404, "List with name: news doesn't exist.")
    print(f"unsubscribe ok ({count()} checks)", flush=True)


def aws_cli():
    """The AWS CLI (`aws sesv2`, `aws ses`) on the same operations: a contact list and its
    contact, the one-list quota's refusal in SES's words, and a v1 receipt rule set."""
    import subprocess
    aws = os.path.join(os.path.dirname(sys.executable), "aws")
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret",
               AWS_DEFAULT_REGION="eu-west-1", AWS_CONFIG_FILE="/nonexistent",
               AWS_SHARED_CREDENTIALS_FILE="/nonexistent", AWS_EC2_METADATA_DISABLED="true",
               AWS_MAX_ATTEMPTS="1", AWS_PAGER="")

    def run(service, *args):
        return subprocess.run([aws, "--endpoint-url", ENDPOINT, service, *args, "--output", "json"],
                              env=env, capture_output=True, text=True)

    def ok(service, *args):
        out = run(service, *args)
        check(out.returncode == 0, f"aws {service} {args}: {out.stderr}")
        return json.loads(out.stdout) if out.stdout.strip() else {}

    ok("sesv2", "create-contact-list", "--contact-list-name", "cli-list",
       "--topics", "TopicName=news,DisplayName=News,DefaultSubscriptionStatus=OPT_OUT")
    ok("sesv2", "create-contact", "--contact-list-name", "cli-list", "--email-address", "cli@gmail.com",
       "--topic-preferences", "TopicName=news,SubscriptionStatus=OPT_IN")
    contacts = ok("sesv2", "list-contacts", "--contact-list-name", "cli-list")["Contacts"]
    check([x["EmailAddress"] for x in contacts] == ["cli@gmail.com"], f"aws list-contacts {contacts}")
    before = state_bytes()
    out = run("sesv2", "create-contact-list", "--contact-list-name", "second")
    # AWS CLI v1 (the one on PyPI) exits 255 on a service error.
    check(out.returncode in (254, 255), f"aws exit code {out.returncode}")
    check("An error occurred (LimitExceededException) when calling the CreateContactList operation: "
          "You can have at most 1 contact list in a region (SES allows one per account); cli-list exists."
          in out.stderr, out.stderr)
    check(state_bytes() == before, "a refused create-contact-list changed the state")
    ok("sesv2", "delete-contact-list", "--contact-list-name", "cli-list")
    ok("ses", "create-receipt-rule-set", "--rule-set-name", "cli-set")
    sets = ok("ses", "list-receipt-rule-sets")["RuleSets"]
    check("cli-set" in [s["Name"] for s in sets], f"aws ses list-receipt-rule-sets {sets}")
    ok("ses", "delete-receipt-rule-set", "--rule-set-name", "cli-set")
    print(f"aws cli ok ({count()} checks)", flush=True)


c = client()
lists(c)
contacts(c)
imports(c)
unsubscribe(c)
aws_cli()
print("all ok")
