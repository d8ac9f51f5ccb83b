"""Drives event destinations and the account-level suppression list through `sesm serve` with
boto3: CreateConfigurationSetEventDestination, GetConfigurationSetEventDestinations,
UpdateConfigurationSetEventDestination, DeleteConfigurationSetEventDestination,
PutSuppressedDestination, GetSuppressedDestination, ListSuppressedDestinations (filters and
paging), DeleteSuppressedDestination, PutAccountSuppressionAttributes and GetAccount's
SuppressionAttributes, a set's SuppressionOptions; the command line reading back the same; every
refusal with its code, status and message, leaving the state file byte-identical.

    python events.py ENDPOINT SESM_BINARY STATE_FILE

Run by tests/cli/events.rs. Prints one line per group of checks and "all ok"; exits 1 on the
first failure with what was expected and what came back.
"""

import datetime
import sys

from checks import check, client, count, refused, sesm, setup

ENDPOINT, SESM, STATE = sys.argv[1], sys.argv[2], sys.argv[3]
setup(ENDPOINT, SESM, STATE, "eu-west-1")
ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:eu-west-1:{ACCOUNT}:ses-events"
TYPES = "SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK, RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION"


def sns(types=("SEND", "BOUNCE"), enabled=True, topic=TOPIC):
    return {"Enabled": enabled, "MatchingEventTypes": list(types), "SnsDestination": {"TopicArn": topic}}


def destinations(c, raw):
    c.create_configuration_set(ConfigurationSetName="news")
    c.create_configuration_set_event_destination(ConfigurationSetName="news", EventDestinationName="to-sns",
                                                 EventDestination=sns())
    cw = {"MatchingEventTypes": ["SEND", "DELIVERY"], "CloudWatchDestination": {"DimensionConfigurations": [
        {"DimensionName": "campaign", "DimensionValueSource": "MESSAGE_TAG", "DefaultDimensionValue": "none@x.y"}]}}
    c.create_configuration_set_event_destination(ConfigurationSetName="news", EventDestinationName="cw",
                                                 EventDestination=cw)
    fh = {"Enabled": True, "MatchingEventTypes": ["BOUNCE"], "KinesisFirehoseDestination": {
        "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:role/ses", "DeliveryStreamArn": f"arn:aws:firehose:eu-west-1:{ACCOUNT}:deliverystream/s"}}
    c.create_configuration_set_event_destination(ConfigurationSetName="news", EventDestinationName="fh", EventDestination=fh)
    eb = {"Enabled": True, "MatchingEventTypes": ["COMPLAINT"], "EventBridgeDestination": {
        "EventBusArn": f"arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/default"}}
    c.create_configuration_set_event_destination(ConfigurationSetName="news", EventDestinationName="eb", EventDestination=eb)
    pp = {"Enabled": True, "MatchingEventTypes": ["OPEN", "CLICK"], "PinpointDestination": {
        "ApplicationArn": f"arn:aws:mobiletargeting:eu-west-1:{ACCOUNT}:apps/0123456789abcdef"}}
    c.create_configuration_set_event_destination(ConfigurationSetName="news", EventDestinationName="pp", EventDestination=pp)
    got = c.get_configuration_set_event_destinations(ConfigurationSetName="news")["EventDestinations"]
    check([d["Name"] for d in got] == ["cw", "eb", "fh", "pp", "to-sns"], f"sorted by name: {got}")
    by = {d.pop("Name"): d for d in got}
    check(by["to-sns"] == sns(), f"SNS as given: {by['to-sns']}")
    check(by["cw"] == dict(cw, Enabled=False), f"Enabled absent is false: {by['cw']}")
    check(by["fh"] == fh and by["eb"] == eb and by["pp"] == pp, f"each kind as given: {by}")
    cli = sesm("config-set", "event-destination", "list", "news")
    check([d["Name"] for d in cli["EventDestinations"]] == ["cw", "eb", "fh", "pp", "to-sns"], f"the command line: {cli}")
    check(cli["EventDestinations"][4]["SnsDestination"]["TopicArn"] == TOPIC, f"the command line: {cli}")

    # Update replaces the definition.
    c.update_configuration_set_event_destination(ConfigurationSetName="news", EventDestinationName="to-sns",
                                                 EventDestination=sns(("DELIVERY_DELAY", "RENDERING_FAILURE"), False))
    got = c.get_configuration_set_event_destinations(ConfigurationSetName="news")["EventDestinations"][4]
    check(got == dict(sns(("DELIVERY_DELAY", "RENDERING_FAILURE"), False), Name="to-sns"), f"updated: {got}")

    create = lambda name, d, cs="news": c.create_configuration_set_event_destination(
        ConfigurationSetName=cs, EventDestinationName=name, EventDestination=d)
    refused(lambda: create("to-sns", sns()), "AlreadyExistsException", 400,
            "Event destination to-sns already exists in configuration set news.")
    refused(lambda: create("x", sns(), "nope"), "NotFoundException", 404, "Configuration set <nope> does not exist.")
    refused(lambda: create("bad name", sns()), "BadRequestException", 400,
            "Invalid event destination name 'bad name': a name has 1 to 64 characters from A-Z, a-z, 0-9, _ and -.")
    refused(lambda: create("x" * 65, sns()), "BadRequestException", 400, "Invalid event destination name 'xxx…")
    refused(lambda: create("x", sns(("SEND", "OPENED"))), "BadRequestException", 400,
            "1 validation error detected: Value '[SEND, OPENED]' at 'eventDestination.matchingEventTypes' failed to satisfy "
            f"constraint: Member must satisfy constraint: [Member must satisfy enum value set: [{TYPES}]]")
    refused(lambda: create("x", sns(())), "BadRequestException", 400,
            "MatchingEventTypes is required: name at least one event type.")
    one = "An event destination needs exactly one of SnsDestination, KinesisFirehoseDestination, CloudWatchDestination, EventBridgeDestination and PinpointDestination."
    refused(lambda: create("x", {"MatchingEventTypes": ["SEND"]}), "BadRequestException", 400, one)
    refused(lambda: create("x", dict(sns(), **{"EventBridgeDestination": eb["EventBridgeDestination"]})),
            "BadRequestException", 400, one)
    for arn in ["arn:aws:sns:eu-west-1:1234:t", "arn:aws:sqs:eu-west-1:123456789012:t", "topic", "arn:aws:sns:eu-west-1:123456789012:"]:
        refused(lambda: create("x", sns(topic=arn)), "BadRequestException", 400,
                f"Invalid TopicArn '{arn}': expected an ARN like arn:aws:sns:us-east-1:123456789012:my-topic.")
    refused(lambda: create("x", {"MatchingEventTypes": ["SEND"], "EventBridgeDestination": {
        "EventBusArn": f"arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/mine"}}), "BadRequestException", 400,
            f"Invalid EventBusArn 'arn:aws:events:eu-west-1:{ACCOUNT}:event-bus/mine': expected an ARN like "
            "arn:aws:events:us-east-1:123456789012:event-bus/default.")
    refused(lambda: create("x", {"MatchingEventTypes": ["SEND"], "KinesisFirehoseDestination": {
        "IamRoleArn": f"arn:aws:iam::{ACCOUNT}:user/u", "DeliveryStreamArn": fh["KinesisFirehoseDestination"]["DeliveryStreamArn"]}}),
            "BadRequestException", 400, f"Invalid IamRoleArn 'arn:aws:iam::{ACCOUNT}:user/u': …")
    dim = lambda **kw: {"MatchingEventTypes": ["SEND"], "CloudWatchDestination": {"DimensionConfigurations": [
        dict({"DimensionName": "c", "DimensionValueSource": "MESSAGE_TAG", "DefaultDimensionValue": "v"}, **kw)]}}
    refused(lambda: create("x", dim(DimensionName="c c")), "BadRequestException", 400, "Invalid DimensionName 'c c': …")
    refused(lambda: create("x", dim(DefaultDimensionValue="a/b")), "BadRequestException", 400, "Invalid DefaultDimensionValue 'a/b': …")
    refused(lambda: create("x", dim(DimensionValueSource="HEADER")), "BadRequestException", 400,
            "Invalid DimensionValueSource 'HEADER': use MESSAGE_TAG, EMAIL_HEADER, LINK_TAG.")
    eleven = [{"DimensionName": f"d{i}", "DimensionValueSource": "EMAIL_HEADER", "DefaultDimensionValue": "v"} for i in range(11)]
    refused(lambda: create("x", {"MatchingEventTypes": ["SEND"], "CloudWatchDestination": {"DimensionConfigurations": eleven}}),
            "LimitExceededException", 400, "A CloudWatch destination has at most 10 dimensions, not 11.")
    create("ten", {"MatchingEventTypes": ["SEND"], "CloudWatchDestination": {"DimensionConfigurations": eleven[:10]}})
    c.delete_configuration_set_event_destination(ConfigurationSetName="news", EventDestinationName="ten")
    refused(lambda: create("x", {"MatchingEventTypes": ["SEND"], "CloudWatchDestination": {"DimensionConfigurations": []}}),
            "BadRequestException", 400, "CloudWatchDestination needs at least one DimensionConfigurations entry.")
    refused(lambda: raw.create_configuration_set_event_destination(ConfigurationSetName="news", EventDestinationName="x"),
            "BadRequestException", 400, "EventDestination is required.")
    refused(lambda: raw.create_configuration_set_event_destination(ConfigurationSetName="news", EventDestinationName="x",
                                                                   EventDestination={"MatchingEventTypes": ["SEND"], "SnsDestination": {}}),
            "BadRequestException", 400, "EventDestination.SnsDestination.TopicArn is required.")
    update = lambda name, d, cs="news": c.update_configuration_set_event_destination(
        ConfigurationSetName=cs, EventDestinationName=name, EventDestination=d)
    refused(lambda: update("nope", sns()), "NotFoundException", 404, "No EventDestination found for news")
    refused(lambda: update("to-sns", sns(), "nope"), "NotFoundException", 404, "Configuration set <nope> does not exist.")
    refused(lambda: update("to-sns", sns(topic="nope")), "BadRequestException", 400, "Invalid TopicArn 'nope': …")
    refused(lambda: c.delete_configuration_set_event_destination(ConfigurationSetName="news", EventDestinationName="nope"),
            "NotFoundException", 404, "No EventDestination found for news")
    refused(lambda: c.get_configuration_set_event_destinations(ConfigurationSetName="nope"),
            "NotFoundException", 404, "Configuration set <nope> does not exist.")

    # The quota: 10 per set (5 exist).
    for i in range(5):
        create(f"more{i}", sns())
    refused(lambda: create("eleventh", sns()), "LimitExceededException", 400,
            "Configuration set news already has the maximum of 10 event destinations.")
    c.delete_configuration_set_event_destination(ConfigurationSetName="news", EventDestinationName="more0")
    create("eleventh", sns())
    # Deleting the set deletes its destinations.
    c.delete_configuration_set(ConfigurationSetName="news")
    c.create_configuration_set(ConfigurationSetName="news")
    check(c.get_configuration_set_event_destinations(ConfigurationSetName="news")["EventDestinations"] == [], "gone with the set")
    print(f"event destinations ok ({count()} checks)", flush=True)


def suppression(c, raw):
    check(c.get_account()["SuppressionAttributes"] == {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]}, "both reasons by default")
    t0 = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=1)
    c.put_suppressed_destination(EmailAddress="jane@Example.com", Reason="BOUNCE")
    c.put_suppressed_destination(EmailAddress="bob@example.com", Reason="COMPLAINT")
    c.put_suppressed_destination(EmailAddress="ann@example.com", Reason="BOUNCE")
    got = c.get_suppressed_destination(EmailAddress="jane@example.com")["SuppressedDestination"]
    check(got["EmailAddress"] == "jane@example.com" and got["Reason"] == "BOUNCE", f"get: {got}")
    check(got["LastUpdateTime"] >= t0, f"a timestamp of now: {got}")
    everyone = c.list_suppressed_destinations()["SuppressedDestinationSummaries"]
    check([s["EmailAddress"] for s in everyone] == ["ann@example.com", "bob@example.com", "jane@example.com"], f"sorted: {everyone}")
    bounces = c.list_suppressed_destinations(Reasons=["BOUNCE"])["SuppressedDestinationSummaries"]
    check([s["EmailAddress"] for s in bounces] == ["ann@example.com", "jane@example.com"], f"bounces: {bounces}")
    both = c.list_suppressed_destinations(Reasons=["BOUNCE", "COMPLAINT"])["SuppressedDestinationSummaries"]
    check(len(both) == 3, f"both reasons: {both}")
    later = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
    check(c.list_suppressed_destinations(StartDate=later)["SuppressedDestinationSummaries"] == [], "none after an hour from now")
    check(len(c.list_suppressed_destinations(StartDate=t0, EndDate=later)["SuppressedDestinationSummaries"]) == 3, "all in the window")
    check(c.list_suppressed_destinations(EndDate=t0)["SuppressedDestinationSummaries"] == [], "none before")
    page = c.list_suppressed_destinations(PageSize=2)
    check(len(page["SuppressedDestinationSummaries"]) == 2 and "NextToken" in page, f"page 1: {page}")
    rest = c.list_suppressed_destinations(PageSize=2, NextToken=page["NextToken"])
    check([s["EmailAddress"] for s in rest["SuppressedDestinationSummaries"]] == ["jane@example.com"] and "NextToken" not in rest,
          f"page 2: {rest}")
    cli = sesm("suppression", "list", "--reason", "COMPLAINT")
    check([s["EmailAddress"] for s in cli["SuppressedDestinationSummaries"]] == ["bob@example.com"], f"the command line: {cli}")
    # Put again: the reason changes.
    c.put_suppressed_destination(EmailAddress="bob@example.com", Reason="BOUNCE")
    check(sesm("suppression", "get", "bob@example.com")["Reason"] == "BOUNCE", "reason replaced")

    refused(lambda: c.put_suppressed_destination(EmailAddress="jane@example.com", Reason="SPAM"), "BadRequestException", 400,
            "1 validation error detected: Value 'SPAM' at 'reason' failed to satisfy constraint: "
            "Member must satisfy enum value set: [BOUNCE, COMPLAINT]")
    refused(lambda: c.put_suppressed_destination(EmailAddress="not an address", Reason="BOUNCE"), "BadRequestException", 400,
            "Invalid email address 'not an address': expected local@domain.")
    refused(lambda: raw.put_suppressed_destination(EmailAddress="jane@example.com"), "BadRequestException", 400, "Reason is required.")
    refused(lambda: c.get_suppressed_destination(EmailAddress="zed@example.com"), "NotFoundException", 404,
            "Email address zed@example.com does not exist on your suppression list.")
    refused(lambda: c.delete_suppressed_destination(EmailAddress="zed@example.com"), "NotFoundException", 404,
            "Email address zed@example.com does not exist on your suppression list.")
    refused(lambda: c.list_suppressed_destinations(Reasons=["SPAM"]), "BadRequestException", 400,
            "1 validation error detected: Value '[SPAM]' at 'reasons' failed to satisfy constraint: "
            "Member must satisfy constraint: [Member must satisfy enum value set: [BOUNCE, COMPLAINT]]")
    refused(lambda: c.list_suppressed_destinations(PageSize=0), "BadRequestException", 400, "Invalid PageSize 0: …")
    refused(lambda: c.list_suppressed_destinations(NextToken="garbage!"), "BadRequestException", 400, "Invalid NextToken: …")
    c.delete_suppressed_destination(EmailAddress="jane@example.com")
    check(len(c.list_suppressed_destinations()["SuppressedDestinationSummaries"]) == 2, "deleted")

    # The account's reasons, and a set's options.
    c.put_account_suppression_attributes(SuppressedReasons=["COMPLAINT"])
    check(c.get_account()["SuppressionAttributes"] == {"SuppressedReasons": ["COMPLAINT"]}, "account reasons")
    c.put_account_suppression_attributes(SuppressedReasons=[])
    check(c.get_account()["SuppressionAttributes"] == {"SuppressedReasons": []}, "no reasons")
    refused(lambda: c.put_account_suppression_attributes(SuppressedReasons=["BOUNCE", "SPAM"]), "BadRequestException", 400,
            "1 validation error detected: Value '[BOUNCE, SPAM]' at 'suppressedReasons' failed to satisfy constraint: "
            "Member must satisfy constraint: [Member must satisfy enum value set: [BOUNCE, COMPLAINT]]")
    c.create_configuration_set(ConfigurationSetName="quiet", SuppressionOptions={"SuppressedReasons": ["BOUNCE"]})
    check(c.get_configuration_set(ConfigurationSetName="quiet")["SuppressionOptions"] == {"SuppressedReasons": ["BOUNCE"]}, "set options")
    refused(lambda: c.put_configuration_set_suppression_options(ConfigurationSetName="quiet", SuppressedReasons=["SPAM"]),
            "BadRequestException", 400, "1 validation error detected: Value '[SPAM]' at 'suppressionOptions.suppressedReasons' …")
    refused(lambda: c.create_configuration_set(ConfigurationSetName="loud", SuppressionOptions={"SuppressedReasons": ["X"]}),
            "BadRequestException", 400, "1 validation error detected: Value '[X]' at 'suppressionOptions.suppressedReasons' …")
    print(f"suppression ok ({count()} checks)", flush=True)


def main():
    c, raw = client(), client(validate=False)
    destinations(c, raw)
    suppression(c, raw)
    print(f"all ok ({count()} checks)", flush=True)


main()
