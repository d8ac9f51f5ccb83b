"""Virtual Deliverability Manager through `sesm serve` with boto3 (issue 33, group A):
PutAccountVdmAttributes and GetAccount's VdmAttributes, a set's VdmOptions, then mail through a
cold managed pool, simulated days, and BatchGetMetricData — equal, day by day, to what
`sesm metrics` counts of the same events (SEND, DELIVERY, bounces, complaints) while every
message has one recipient; mail VDM leaves out (two recipients, the mailbox simulator) then
changes `sesm metrics` and not VDM. GetMessageInsights, GetEmailAddressInsights, export jobs of
metrics (CSV, equal to BatchGetMetricData) and message insights (JSON, filtered) read back from
the local S3 folder. Then mail deferred past the retry window, whose bounces VDM and `sesm
metrics` count alike. Every refusal with its code, status and message, the state file
byte-identical after it.

    python vdm.py ENDPOINT SESM_BINARY STATE_FILE

Run by tests/cli/coverage.rs under both client environments. Prints one line per group of
checks and "all ok"; exits 1 on the first failure.
"""

import csv
import datetime
import io
import json
import sys

from checks import check, client, count, refused, sesm, setup, state_bytes

ENDPOINT, SESM, STATE = sys.argv[1], sys.argv[2], sys.argv[3]
setup(ENDPOINT, SESM, STATE, "eu-west-1")
TOPIC = "arn:aws:sns:eu-west-1:123456789012:vdm"
START = datetime.datetime(2026, 11, 1, tzinfo=datetime.timezone.utc)
END = datetime.datetime(2026, 12, 31, tzinfo=datetime.timezone.utc)
RECIPIENTS = ["a@gmail.com", "b@yahoo.com", "c@outlook.com", "d@gmail.com", "e@icloud.com", "f@gmail.com"]


def send(c, to, subject="Weekly news", config_set="news"):
    return c.send_email(
        FromEmailAddress="news@example.com",
        Destination={"ToAddresses": to},
        ConfigurationSetName=config_set,
        Content={"Simple": {"Subject": {"Data": subject}, "Body": {"Text": {"Data": "Hello"}}}},
    )["MessageId"]


def attributes(c):
    got = c.get_account()["VdmAttributes"]
    check(got == {"VdmEnabled": "DISABLED"}, f"VDM is off until enabled: {got}")
    c.put_account_vdm_attributes(VdmAttributes={
        "VdmEnabled": "ENABLED",
        "DashboardAttributes": {"EngagementMetrics": "ENABLED"},
        "GuardianAttributes": {"OptimizedSharedDelivery": "ENABLED"},
    })
    got = c.get_account()["VdmAttributes"]
    check(got == {"VdmEnabled": "ENABLED", "DashboardAttributes": {"EngagementMetrics": "ENABLED"},
                  "GuardianAttributes": {"OptimizedSharedDelivery": "ENABLED"}}, f"read back {got}")
    c.put_configuration_set_vdm_options(ConfigurationSetName="news", VdmOptions={
        "DashboardOptions": {"EngagementMetrics": "DISABLED"}})
    got = c.get_configuration_set(ConfigurationSetName="news")["VdmOptions"]
    check(got == {"DashboardOptions": {"EngagementMetrics": "DISABLED"}}, f"the set's VdmOptions {got}")
    raw = client(validate=False)
    refused(lambda: raw.put_account_vdm_attributes(VdmAttributes={"VdmEnabled": "YES"}),
            "BadRequestException", 400,
            "1 validation error detected: Value 'YES' at 'vdmAttributes.vdmEnabled' failed to satisfy "
            "constraint: Member must satisfy enum value set: [ENABLED, DISABLED]")
    refused(lambda: raw.put_account_vdm_attributes(VdmAttributes={}), "BadRequestException", 400,
            "VdmAttributes.VdmEnabled is required.")
    print(f"attributes ok ({count()} checks)", flush=True)


def vdm_series(c, metric, dims=None):
    """A metric's daily points over the window: {date: value}."""
    q = {"Id": "q", "Namespace": "VDM", "Metric": metric, "StartDate": START, "EndDate": END}
    if dims:
        q["Dimensions"] = dims
    got = c.batch_get_metric_data(Queries=[q])
    check(got["Errors"] == [], f"{metric}: {got['Errors']}")
    r = got["Results"][0]
    check(len(r["Timestamps"]) == len(r["Values"]), f"{metric}: points")
    return {t.date().isoformat(): v for t, v in zip(r["Timestamps"], r["Values"])}


def sesm_series(metric):
    """`sesm metrics --metric METRIC` summed over pools: {date: value}."""
    out = {}
    for r in sesm("metrics", "--metric", metric)["MetricDataResults"]:
        for t, v in zip(r["Timestamps"], r["Values"]):
            out[t] = out.get(t, 0) + int(v)
    return out


PAIRS = [("SEND", ["SendEvents"]), ("DELIVERY", ["DeliveryEvents"]),
         ("PERMANENT_BOUNCE", ["BounceEvents"]), ("COMPLAINT", ["ComplaintEvents"])]


def equal_to_sesm_metrics(c, pairs=PAIRS):
    """VDM's counts equal `sesm metrics`' on every day either has a point for (bounces:
    PERMANENT and TRANSIENT together)."""
    for vdm_name, ours in pairs:
        v = vdm_series(c, vdm_name)
        if vdm_name == "PERMANENT_BOUNCE":
            t = vdm_series(c, "TRANSIENT_BOUNCE")
            v = {d: v.get(d, 0) + t.get(d, 0) for d in set(v) | set(t)}
        s = sesm_series(ours[0])
        for day in sorted(set(v) | set(s)):
            check(v.get(day, 0) == s.get(day, 0),
                  f"{vdm_name} on {day}: BatchGetMetricData {v.get(day, 0)}, sesm metrics {ours[0]} {s.get(day, 0)}")
    return vdm_series(c, "SEND"), sesm_series("SendEvents")


def metrics(c):
    ids = [send(c, [to]) for to in RECIPIENTS]
    sesm("simulate", "--days", "3")
    ids.append(send(c, ["g@gmail.com"]))
    vdm_send, sesm_send = equal_to_sesm_metrics(c)
    check(sum(vdm_send.values()) == len(RECIPIENTS) + 1, f"every message counted once: {vdm_send}")
    delivered = sum(vdm_series(c, "DELIVERY").values())
    check(delivered > 0, "some mail was delivered")
    gmail = sum(vdm_series(c, "SEND", {"ISP": "Gmail"}).values())
    check(gmail == 4, f"four to Gmail: {gmail}")
    by_set = sum(vdm_series(c, "SEND", {"CONFIGURATION_SET": "news", "EMAIL_IDENTITY": "example.com"}).values())
    check(by_set == len(RECIPIENTS) + 1, f"by set and identity: {by_set}")
    check(sum(vdm_series(c, "SEND", {"CONFIGURATION_SET": "other"}).values()) == 0, "another set has none")
    # The set turned engagement off: no opens or deliveries with open trackers counted.
    check(sum(vdm_series(c, "DELIVERY_OPEN").values()) == 0, "engagement off for the set")
    # Mail VDM leaves out: sesm metrics counts it, VDM does not.
    send(c, ["h@gmail.com", "i@yahoo.com"])
    send(c, ["success@simulator.amazonses.com"])
    after_vdm, after_sesm = vdm_series(c, "SEND"), sesm_series("SendEvents")
    check(after_vdm == vdm_send, f"VDM leaves out multi-recipient and simulator mail: {after_vdm}")
    check(sum(after_sesm.values()) == sum(sesm_send.values()) + 2, f"sesm metrics counts it: {after_sesm}")
    raw = client(validate=False)
    q = {"Id": "q", "Namespace": "VDM", "Metric": "SEND", "StartDate": START, "EndDate": END}
    refused(lambda: raw.batch_get_metric_data(Queries=[dict(q, Id=f"q{i}") for i in range(11)]),
            "BadRequestException", 400,
            "1 validation error detected: Value at 'queries' failed to satisfy constraint: Member must have length between 1 and 10")
    refused(lambda: raw.batch_get_metric_data(Queries=[dict(q, Metric="OPENS")]), "BadRequestException", 400,
            contains="Member must satisfy enum value set: [SEND, COMPLAINT")
    refused(lambda: raw.batch_get_metric_data(Queries=[dict(q, StartDate=END, EndDate=START)]),
            "BadRequestException", 400, "StartDate 2026-12-31 is after EndDate 2026-11-01.")
    refused(lambda: raw.batch_get_metric_data(Queries=[q, q]), "BadRequestException", 400,
            "Query Id 'q' is used more than once in the batch.")
    print(f"metrics ok ({count()} checks)", flush=True)
    return ids


def insights(c, ids):
    got = c.get_message_insights(MessageId=ids[0])
    check(got["MessageId"] == ids[0] and got["FromEmailAddress"] == "news@example.com", f"insights {got}")
    check(got["Subject"] == "Weekly news", f"subject {got}")
    [one] = got["Insights"]
    check(one["Destination"] == "a@gmail.com" and one["Isp"] == "gmail", f"recipient {one}")
    kinds = [e["Type"] for e in one["Events"]]
    check(kinds[0] == "SEND" and len(kinds) >= 2, f"events {kinds}")
    tags = {t["Name"]: t["Value"] for t in got["EmailTags"]}
    check(tags.get("ses:configuration-set") == "news", f"tags {tags}")
    check("ses:outgoing-ip" in tags, f"the outgoing IP is tagged: {tags}")
    refused(lambda: c.get_message_insights(MessageId="nope"), "NotFoundException", 404,
            "No insights exist for message nope: sesm knows a message's events when its configuration set publishes them.")
    v = c.get_email_address_insights(EmailAddress="someone@gmail.com")["MailboxValidation"]
    check(v["IsValid"]["ConfidenceVerdict"] == "HIGH", f"a Gmail address {v}")
    v = c.get_email_address_insights(EmailAddress="bounce@simulator.amazonses.com")["MailboxValidation"]
    check(v["Evaluations"]["MailboxExists"]["ConfidenceVerdict"] == "LOW", f"the simulator's bounce {v}")
    v = c.get_email_address_insights(EmailAddress="not-an-address")["MailboxValidation"]
    check(v["Evaluations"]["HasValidSyntax"]["ConfidenceVerdict"] == "LOW", f"bad syntax {v}")
    print(f"insights ok ({count()} checks)", flush=True)


def local_file(url):
    bucket, key = url[len("s3://"):].split("/", 1)
    with open(f"{STATE}.inbound/{bucket}/{key}", encoding="utf-8") as f:
        return f.read()


def exports(c):
    job = c.create_export_job(
        ExportDataSource={"MetricsDataSource": {
            "Dimensions": {"ISP": ["gmail", "yahoo"]}, "Namespace": "VDM",
            "Metrics": [{"Name": "SEND", "Aggregation": "VOLUME"}, {"Name": "DELIVERY", "Aggregation": "RATE"}],
            "StartDate": START, "EndDate": END}},
        ExportDestination={"DataFormat": "CSV"})["JobId"]
    got = c.get_export_job(JobId=job)
    check(got["JobStatus"] == "COMPLETED" and got["ExportSourceType"] == "METRICS_DATA", f"job {got}")
    rows = list(csv.DictReader(io.StringIO(local_file(got["ExportDestination"]["S3Url"]))))
    check(got["Statistics"]["ExportedRecordsCount"] == len(rows) > 0, f"statistics {got['Statistics']}")
    gmail = vdm_series(c, "SEND", {"ISP": "gmail"})
    for r in rows:
        if r["ISP"] == "gmail" and r["Metric"] == "SEND":
            check(int(r["Value"]) == gmail.get(r["Date"], 0), f"row {r} against {gmail}")
    job2 = c.create_export_job(
        ExportDataSource={"MessageInsightsDataSource": {
            "StartDate": START, "EndDate": datetime.datetime(2100, 1, 1, tzinfo=datetime.timezone.utc),
            "Include": {"Isp": ["gmail"]}, "Exclude": {"Destination": ["d@gmail.com"]}, "MaxResults": 100}},
        ExportDestination={"DataFormat": "JSON"})["JobId"]
    got = c.get_export_job(JobId=job2)
    lines = [json.loads(l) for l in local_file(got["ExportDestination"]["S3Url"]).splitlines()]
    check(lines and all(l["Isp"] == "gmail" for l in lines), f"only Gmail: {lines}")
    check(all(l["Destination"] != "d@gmail.com" for l in lines), "excluded")
    check(got["Statistics"]["ExportedRecordsCount"] == len(lines), f"statistics {got['Statistics']}")
    listed = [j["JobId"] for j in c.list_export_jobs()["ExportJobs"]]
    check(listed == [job, job2], f"listed {listed}")
    only = [j["JobId"] for j in c.list_export_jobs(ExportSourceType="MESSAGE_INSIGHTS")["ExportJobs"]]
    check(only == [job2], f"by type {only}")
    refused(lambda: c.cancel_export_job(JobId=job), "BadRequestException", 400,
            f"Export job {job} is COMPLETED and can no longer be cancelled.")
    refused(lambda: c.get_export_job(JobId="nope"), "NotFoundException", 404, "Export job nope does not exist.")
    raw = client(validate=False)
    refused(lambda: raw.create_export_job(ExportDataSource={"MessageInsightsDataSource": {
        "StartDate": START, "EndDate": END}}, ExportDestination={"DataFormat": "XML"}),
        "BadRequestException", 400, contains="[CSV, JSON]")
    print(f"exports ok ({count()} checks)", flush=True)


def bounces(c):
    """Mail deferred past SES's retry window bounces: a managed pool in its later phase (three
    days of 200 a day to Gmail), sent 40 more tracked messages than its Gmail rate, defers them;
    those whose retry window ends as the day closes bounce. VDM's bounces equal `sesm metrics`' day by day."""
    sesm("traffic", "clear")
    sesm("pool", "create", "late", "--managed")
    sesm("config-set", "create", "late", "--pool", "late")
    c.create_configuration_set_event_destination(
        ConfigurationSetName="late", EventDestinationName="to-sns",
        EventDestination={"Enabled": True, "MatchingEventTypes": ["SEND", "DELIVERY", "DELIVERY_DELAY", "BOUNCE"],
                          "SnsDestination": {"TopicArn": TOPIC}})
    sesm("traffic", "set", "late", "gmail=200")
    sesm("simulate", "--days", "3")
    sesm("traffic", "clear")
    rate = sesm("pool", "get", "late")["IspWarmup"][0]["EffectiveDailyRate"]
    check(0 < rate < 1000, f"the late pool's Gmail rate {rate}")
    for i in range(rate + 40):
        send(c, [f"r{i}@gmail.com"], config_set="late")
    sesm("simulate", "--days", "2")
    # Bounces only: the days of metrics() hold mail VDM leaves out and sesm metrics counts.
    equal_to_sesm_metrics(c, [("PERMANENT_BOUNCE", ["BounceEvents"])])
    bounced = sum(vdm_series(c, "PERMANENT_BOUNCE").values()) + sum(vdm_series(c, "TRANSIENT_BOUNCE").values())
    # Those whose retry window ends as the first day closes bounce; the rest are retried.
    check(0 < bounced <= 40, f"the deferred past the retry window bounced: {bounced}")
    print(f"bounces ok ({bounced} bounced; {count()} checks)", flush=True)


def main():
    sesm("pool", "create", "marketing", "--managed")
    sesm("config-set", "create", "news", "--pool", "marketing")
    sesm("identity", "create", "example.com")
    c = client()
    c.create_configuration_set_event_destination(
        ConfigurationSetName="news", EventDestinationName="to-sns",
        EventDestination={"Enabled": True,
                          "MatchingEventTypes": ["SEND", "DELIVERY", "DELIVERY_DELAY", "BOUNCE", "COMPLAINT"],
                          "SnsDestination": {"TopicArn": TOPIC}})
    # A cold managed pool under a large standing volume: SES defers part of each day's mail.
    sesm("traffic", "set", "news", "gmail=50000", "yahoo=20000")
    attributes(c)
    ids = metrics(c)
    insights(c, ids)
    exports(c)
    bounces(c)
    check(state_bytes() is not None, "the state exists")
    print("all ok", flush=True)


main()
