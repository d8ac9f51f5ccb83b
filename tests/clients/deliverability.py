"""The Deliverability dashboard, recommendations and reputation entities through `sesm serve`
with boto3 (issue 33, group B): the dashboard's subscription to the month's end, a domain's
statistics over simulated days, campaigns of the kept mail, a predictive inbox placement test
that completes when its day is simulated, blacklist reports, recommendations from the
account's gaps, and reputation entities whose disabled status stops sends. Every figure is the
model's estimate (docs/warmup-model.md, "Deliverability estimates"); the checks hold it to its
own arithmetic. Every refusal with its code, status and message, the state file byte-identical
after it.

    python deliverability.py ENDPOINT SESM_BINARY STATE_FILE

Run by tests/cli/coverage.rs under both client environments. Prints one line per group of
checks and "all ok"; exits 1 on the first failure.
"""

import datetime
import sys

from checks import check, client, count, refused, sesm, setup

ENDPOINT, SESM, STATE = sys.argv[1], sys.argv[2], sys.argv[3]
setup(ENDPOINT, SESM, STATE, "eu-west-1")
UTC = datetime.timezone.utc
START = datetime.datetime(2026, 11, 20, tzinfo=UTC)
END = datetime.datetime(2026, 12, 15, tzinfo=UTC)
SIMPLE = {"Simple": {"Subject": {"Data": "Winter sale"}, "Body": {"Text": {"Data": "Hello"}}}}


def account(c):
    """example.com sends through managed pool `m` (its default set `cs`); five days of
    standing mail to gmail and yahoo simulated (the clock starts on 2026-11-26)."""
    c.create_email_identity(EmailIdentity="example.com")
    c.create_dedicated_ip_pool(PoolName="m", ScalingMode="MANAGED")
    c.create_configuration_set(ConfigurationSetName="cs", DeliveryOptions={"SendingPoolName": "m"})
    c.put_email_identity_configuration_set_attributes(EmailIdentity="example.com", ConfigurationSetName="cs")
    sesm("traffic", "set", "cs", "gmail=60000", "yahoo=3000")
    sesm("simulate", "--days", "5")


def dashboard(c):
    got = c.get_deliverability_dashboard_options()
    check((got["DashboardEnabled"], got["AccountStatus"]) == (False, "DISABLED"), f"before {got}")
    refused(lambda: c.get_domain_statistics_report(Domain="example.com", StartDate=START, EndDate=END),
            "NotFoundException", 404,
            "The Deliverability dashboard is not enabled for this account in this region: "
            "enable it with PutDeliverabilityDashboardOption.")
    refused(lambda: c.put_deliverability_dashboard_option(DashboardEnabled=True, SubscribedDomains=[{"Domain": "other.com"}]),
            "NotFoundException", 404, "Domain other.com is not a verified identity of this account in region eu-west-1.")
    refused(lambda: c.put_deliverability_dashboard_option(
        DashboardEnabled=True,
        SubscribedDomains=[{"Domain": "example.com", "InboxPlacementTrackingOption": {"TrackedIsps": ["aol"]}}]),
        "BadRequestException", 400, "TrackedIsps: 'aol' is not an ISP sesm models; use …")
    c.put_deliverability_dashboard_option(
        DashboardEnabled=True,
        SubscribedDomains=[{"Domain": "example.com", "InboxPlacementTrackingOption": {"Global": True, "TrackedIsps": ["gmail", "yahoo"]}}])
    got = c.get_deliverability_dashboard_options()
    active = got["ActiveSubscribedDomains"]
    check(got["AccountStatus"] == "ACTIVE" and [d["Domain"] for d in active] == ["example.com"], f"active {got}")
    check(active[0]["InboxPlacementTrackingOption"] == {"Global": True, "TrackedIsps": ["gmail", "yahoo"]}, f"tracking {active}")
    check(isinstance(active[0]["SubscriptionStartDate"], datetime.datetime), f"start {active}")
    print(f"dashboard ok ({count()} checks)", flush=True)


def statistics(c):
    got = c.get_domain_statistics_report(Domain="example.com", StartDate=START, EndDate=END)
    days = got["DailyVolumes"]
    check([d["StartDate"].date().isoformat() for d in days] == [f"2026-11-{n}" for n in range(26, 31)], f"days {days}")
    overall = got["OverallVolume"]["VolumeStatistics"]
    for key in ("InboxRawCount", "SpamRawCount"):
        check(overall[key] == sum(d["VolumeStatistics"][key] for d in days), f"{key} sums the days")
    check(overall["InboxRawCount"] > 0 and overall["SpamRawCount"] > 0, f"overall {overall}")
    isps = got["OverallVolume"]["DomainIspPlacements"]
    check([p["IspName"] for p in isps] == ["gmail", "yahoo"], f"isps {isps}")
    for p in isps:
        check(abs(p["InboxPercentage"] + p["SpamPercentage"] - 100.0) < 1e-6, f"percentages {p}")
    # The new managed pool holds no IP on its first day: its mail goes through SES's shared
    # IPs (5 % spam); once it holds cold dedicated IPs, more of it lands in spam.
    share = lambda d: d["DomainIspPlacements"][0]["SpamPercentage"]
    check(share(days[0]) == 5.0 and share(days[-1]) > 5.0, f"spam share {share(days[0])} -> {share(days[-1])}")
    refused(lambda: c.get_domain_statistics_report(Domain="example.com", StartDate=START, EndDate=START + datetime.timedelta(days=31)),
            "BadRequestException", 400,
            "The EndDate that you specify has to be less than or equal to 30 days after the StartDate.")
    refused(lambda: c.get_domain_statistics_report(Domain="example.com", StartDate=END, EndDate=START),
            "BadRequestException", 400, "EndDate must be on or after StartDate.")
    print(f"statistics ok ({count()} checks)", flush=True)


def campaigns(c):
    for _ in range(2):
        c.send_email(FromEmailAddress="news@example.com",
                     Destination={"ToAddresses": ["ann@gmail.com", "bob@yahoo.com"]}, Content=SIMPLE)
    got = c.list_domain_deliverability_campaigns(SubscribedDomain="example.com", StartDate=START, EndDate=END)
    camps = got["DomainDeliverabilityCampaigns"]
    check(len(camps) == 1, f"campaigns {got}")
    camp = camps[0]
    check((camp["Subject"], camp["FromAddress"], camp["ProjectedVolume"]) == ("Winter sale", "news@example.com", 4), f"campaign {camp}")
    check(camp["InboxCount"] + camp["SpamCount"] == 4 and camp["Esps"] == ["gmail", "yahoo"], f"placed {camp}")
    ips = [ip["Ip"] for ip in c.get_dedicated_ips(PoolName="m")["DedicatedIps"]]
    check(sorted(camp["SendingIps"]) == sorted(ips) and ips, f"sending IPs {camp['SendingIps']} {ips}")
    again = c.get_domain_deliverability_campaign(CampaignId=camp["CampaignId"])["DomainDeliverabilityCampaign"]
    check(again == camp, f"get {again}")
    refused(lambda: c.get_domain_deliverability_campaign(CampaignId="nope"), "NotFoundException", 404,
            "Campaign nope does not exist.")
    refused(lambda: c.list_domain_deliverability_campaigns(SubscribedDomain="other.com", StartDate=START, EndDate=END),
            "NotFoundException", 404, "Domain other.com is not subscribed to the Deliverability dashboard.")
    print(f"campaigns ok ({count()} checks)", flush=True)


def placement_tests(c):
    made = c.create_deliverability_test_report(ReportName="winter", FromEmailAddress="news@example.com",
                                               Content=SIMPLE, Tags=[{"Key": "team", "Value": "crm"}])
    check(made["DeliverabilityTestStatus"] == "IN_PROGRESS", f"create {made}")
    rid = made["ReportId"]
    got = c.get_deliverability_test_report(ReportId=rid)
    check(got["DeliverabilityTestReport"]["DeliverabilityTestStatus"] == "IN_PROGRESS" and got["IspPlacements"] == [], f"in progress {got}")
    sesm("simulate", "--days", "1")
    got = c.get_deliverability_test_report(ReportId=rid)
    report = got["DeliverabilityTestReport"]
    check((report["DeliverabilityTestStatus"], report["ReportName"], report["Subject"]) == ("COMPLETED", "winter", "Winter sale"), f"done {report}")
    isps = {p["IspName"]: p["PlacementStatistics"] for p in got["IspPlacements"]}
    check(sorted(isps) == ["apple", "att", "comcast", "gmail", "gmx", "microsoft", "orange", "yahoo"], f"panel {sorted(isps)}")
    # gmail and yahoo had the pool's mail that day; the other ISPs are placed as a cold IP's.
    check(isps["gmail"]["SpamPercentage"] < isps["apple"]["SpamPercentage"] == 25.0, f"gmail {isps['gmail']} apple {isps['apple']}")
    overall = got["OverallPlacement"]
    check(abs(overall["InboxPercentage"] + overall["SpamPercentage"] + overall["MissingPercentage"] - 100.0) < 1e-6, f"overall {overall}")
    check((overall["DkimPercentage"], overall["SpfPercentage"]) == (100.0, 100.0), f"auth {overall}")
    check(got["Message"] == "Hello" and got["Tags"] == [{"Key": "team", "Value": "crm"}], f"message {got}")
    listed = c.list_deliverability_test_reports()["DeliverabilityTestReports"]
    check([r["ReportId"] for r in listed] == [rid], f"list {listed}")
    refused(lambda: c.create_deliverability_test_report(FromEmailAddress="x@unverified.com", Content=SIMPLE),
            "MessageRejected", 400,
            "Email address is not verified. The following identities failed the check in region EU-WEST-1: x@unverified.com")
    refused(lambda: c.get_deliverability_test_report(ReportId="nope"), "NotFoundException", 404,
            "Deliverability test report nope does not exist.")
    print(f"placement tests ok ({count()} checks)", flush=True)


def blacklists(c):
    ip = c.get_dedicated_ips(PoolName="m")["DedicatedIps"][0]["Ip"]
    got = c.get_blacklist_reports(BlacklistItemNames=[ip])["BlacklistReport"]
    check(list(got) == [ip], f"report {got}")
    for entry in got[ip]:
        check(entry["RblName"].startswith("sesm-estimate-") and entry["Description"].startswith("Estimate: "), f"entry {entry}")
    refused(lambda: c.get_blacklist_reports(BlacklistItemNames=["10.9.9.9"]), "NotFoundException", 404,
            "10.9.9.9 is not a dedicated IP address of this account in region eu-west-1.")
    refused(lambda: c.get_blacklist_reports(BlacklistItemNames=["example.com"]), "BadRequestException", 400,
            "BlacklistItemNames: 'example.com' is not an IPv4 address.")
    print(f"blacklists ok ({count()} checks)", flush=True)


def recommendations(c):
    c.put_email_identity_dkim_attributes(EmailIdentity="example.com", SigningEnabled=False)
    got = c.list_recommendations()["Recommendations"]
    found = [(r["ResourceArn"], r["Type"], r["Impact"], r["Status"]) for r in got]
    arn = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
    for want in [(arn, "DKIM", "HIGH", "OPEN"), (arn, "SPF", "LOW", "OPEN"), (arn, "DMARC", "HIGH", "OPEN")]:
        check(want in found, f"{want} in {found}")
    high = c.list_recommendations(Filter={"STATUS": "OPEN", "IMPACT": "HIGH"})["Recommendations"]
    check(all(r["Impact"] == "HIGH" for r in high) and len(high) >= 2, f"filtered {high}")
    refused(lambda: c.list_recommendations(Filter={"TYPE": "DKIM", "IMPACT": "HIGH"}), "BadRequestException", 400,
            "Filter takes one key, or STATUS with IMPACT, or STATUS with TYPE.")
    print(f"recommendations ok ({count()} checks)", flush=True)


def entities(c):
    arn = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
    got = c.get_reputation_entity(ReputationEntityType="RESOURCE", ReputationEntityReference=arn)["ReputationEntity"]
    check(got["ReputationManagementPolicy"] == "arn:aws:ses:eu-west-1:aws:reputation-policy/standard", f"policy {got}")
    check((got["SendingStatusAggregate"], got["ReputationImpact"]) == ("ENABLED", "HIGH"), f"entity {got}")
    refs = [e["ReputationEntityReference"] for e in c.list_reputation_entities()["ReputationEntities"]]
    check(refs == [arn, "arn:aws:ses:eu-west-1:123456789012:configuration-set/cs"], f"entities {refs}")
    c.update_reputation_entity_customer_managed_status(ReputationEntityType="RESOURCE", ReputationEntityReference=arn,
                                                       SendingStatus="DISABLED")
    got = c.get_reputation_entity(ReputationEntityType="RESOURCE", ReputationEntityReference=arn)["ReputationEntity"]
    check(got["CustomerManagedStatus"]["Status"] == "DISABLED" and got["SendingStatusAggregate"] == "DISABLED", f"disabled {got}")
    send = lambda: c.send_email(FromEmailAddress="news@example.com", Destination={"ToAddresses": ["ann@gmail.com"]}, Content=SIMPLE)
    refused(send, "SendingPausedException", 400, "Sending is paused for reputation entity identity/example.com.")
    c.update_reputation_entity_customer_managed_status(ReputationEntityType="RESOURCE", ReputationEntityReference=arn,
                                                       SendingStatus="ENABLED")
    send()
    c.update_reputation_entity_policy(ReputationEntityType="RESOURCE", ReputationEntityReference=arn,
                                      ReputationEntityPolicy="arn:aws:ses:eu-west-1:aws:reputation-policy/strict")
    got = c.get_reputation_entity(ReputationEntityType="RESOURCE", ReputationEntityReference=arn)["ReputationEntity"]
    check(got["AwsSesManagedStatus"]["Status"] == "DISABLED" and got["SendingStatusAggregate"] == "DISABLED", f"strict {got}")
    refused(send, "SendingPausedException", 400, "Sending is paused for reputation entity identity/example.com.")
    refused(lambda: c.update_reputation_entity_policy(ReputationEntityType="RESOURCE", ReputationEntityReference=arn,
                                                      ReputationEntityPolicy="lenient"), "BadRequestException", 400,
            "Invalid reputation entity policy 'lenient': use arn:aws:ses:REGION:aws:reputation-policy/none, standard or strict.")
    refused(lambda: c.get_reputation_entity(ReputationEntityType="RESOURCE",
                                            ReputationEntityReference="arn:aws:ses:eu-west-1:123456789012:identity/nope.com"),
            "NotFoundException", 404, "Reputation entity arn:aws:ses:eu-west-1:123456789012:identity/nope.com does not exist: …")
    print(f"reputation entities ok ({count()} checks)", flush=True)


c = client()
account(c)
dashboard(c)
statistics(c)
campaigns(c)
placement_tests(c)
blacklists(c)
recommendations(c)
entities(c)
c.put_deliverability_dashboard_option(DashboardEnabled=False)
got = c.get_deliverability_dashboard_options()
check(got["AccountStatus"] == "PENDING_EXPIRATION" and got["SubscriptionExpiryDate"].isoformat() == "2027-01-01T00:00:00+00:00", f"cancelled {got}")
check([d["Domain"] for d in got["PendingExpirationSubscribedDomains"]] == ["example.com"], f"pending {got}")
print("all ok")
