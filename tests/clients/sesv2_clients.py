"""Drives `sesm serve` with real clients: boto3 (every served operation, every refusal with
its code and status, paging, CLI writes interleaved with server writes) and the AWS CLI.

    python sesv2_clients.py ENDPOINT SESM_BINARY STATE_FILE

Run by tests/cli/serve.rs under two virtual environments (botocore before and after 1.43.105,
so both list routes are driven). Prints one line per group of checks; exits 1 on the first
failure with what was expected and what came back.
"""

import json
import os
import subprocess
import sys
import threading

import botocore

from checks import check, client, count, refused, sesm, setup

ENDPOINT, SESM, STATE = sys.argv[1], sys.argv[2], sys.argv[3]
setup(ENDPOINT, SESM, STATE, "eu-west-1")
NEW_LIST_ROUTES = tuple(int(x) for x in botocore.__version__.split(".")[:3]) >= (1, 43, 105)


def pools():
    c = client()
    c.create_dedicated_ip_pool(PoolName="marketing", ScalingMode="MANAGED", Tags=[{"Key": "team", "Value": "growth"}])
    c.create_dedicated_ip_pool(PoolName="transactional")
    got = c.get_dedicated_ip_pool(PoolName="marketing")["DedicatedIpPool"]
    check(got == {"PoolName": "marketing", "ScalingMode": "MANAGED"}, f"GetDedicatedIpPool {got}")
    check(c.get_dedicated_ip_pool(PoolName="transactional")["DedicatedIpPool"]["ScalingMode"] == "STANDARD", "default STANDARD")
    # The account the command line sees is the same one.
    check(sesm("pool", "list")["DedicatedIpPools"] == ["marketing", "transactional"], "CLI sees the pools")
    check(sesm("pool", "list", region="us-east-1")["DedicatedIpPools"] == [], "region from the credential scope")
    refused(lambda: c.create_dedicated_ip_pool(PoolName="marketing"), "AlreadyExistsException", 400, contains="The pool marketing already exists.")
    refused(lambda: c.create_dedicated_ip_pool(PoolName="Bad Pool"), "BadRequestException", 400)
    refused(lambda: c.create_dedicated_ip_pool(PoolName="ses-shared-pool"), "BadRequestException", 400)
    refused(lambda: c.get_dedicated_ip_pool(PoolName="nope"), "NotFoundException", 404, contains="The requested pool nope does not exist.")
    refused(lambda: c.get_dedicated_ip_pool(PoolName="ses-default-dedicated-pool"), "BadRequestException", 400,
            contains="Pool name describes either a shared or default dedicated ip pool")
    refused(lambda: c.delete_dedicated_ip_pool(PoolName="nope"), "NotFoundException", 404)
    for i in range(4):
        c.create_dedicated_ip_pool(PoolName=f"m{i}", ScalingMode="MANAGED")
    refused(lambda: c.create_dedicated_ip_pool(PoolName="m9", ScalingMode="MANAGED"), "LimitExceededException", 400)
    refused(lambda: c.put_dedicated_ip_pool_scaling_attributes(PoolName="transactional", ScalingMode="MANAGED"),
            "LimitExceededException", 400)
    refused(lambda: c.put_dedicated_ip_pool_scaling_attributes(PoolName="marketing", ScalingMode="STANDARD"),
            "BadRequestException", 400)
    unvalidated = client(validate=False)
    refused(lambda: unvalidated.put_dedicated_ip_pool_scaling_attributes(PoolName="transactional", ScalingMode="BIG"),
            "BadRequestException", 400, contains="The ScalingMode parameter is invalid.")
    c.delete_dedicated_ip_pool(PoolName="m3")
    c.put_dedicated_ip_pool_scaling_attributes(PoolName="transactional", ScalingMode="MANAGED")
    check(c.get_dedicated_ip_pool(PoolName="transactional")["DedicatedIpPool"]["ScalingMode"] == "MANAGED", "converted")
    names, token, pages = [], None, 0
    while True:
        kw = {"PageSize": 2}
        if token:
            kw["NextToken"] = token
        page = c.list_dedicated_ip_pools(**kw)
        pages += 1
        names += page["DedicatedIpPools"]
        token = page.get("NextToken")
        check(token is None or token != "", "NextToken absent, never empty")
        if not token:
            break
    check(names == ["m0", "m1", "m2", "marketing", "transactional"] and pages == 3, f"paged pools {names} in {pages}")
    refused(lambda: c.list_dedicated_ip_pools(NextToken="garbage"), "BadRequestException", 400)
    refused(lambda: unvalidated.list_dedicated_ip_pools(PageSize=0), "BadRequestException", 400)
    for n in ["m0", "m1", "m2"]:
        c.delete_dedicated_ip_pool(PoolName=n)
    c.create_dedicated_ip_pool(PoolName="std")
    print(f"pools ok ({count()} checks)", flush=True)


def ips():
    c = client()
    leased = sesm("ip", "lease", "--count", "3", "--pool", "std")["DedicatedIps"]
    addrs = [ip["Ip"] for ip in leased]
    seen, token = [], None
    while True:
        kw = {"PoolName": "std", "PageSize": 2}
        if token:
            kw["NextToken"] = token
        page = c.get_dedicated_ips(**kw)
        seen += [ip["Ip"] for ip in page["DedicatedIps"]]
        token = page.get("NextToken")
        if not token:
            break
    check(seen == addrs, f"GetDedicatedIps paged {seen} vs {addrs}")
    ip = c.get_dedicated_ip(Ip=addrs[0])["DedicatedIp"]
    check(ip == {"Ip": addrs[0], "WarmupStatus": "IN_PROGRESS", "WarmupPercentage": 0, "PoolName": "std"}, f"GetDedicatedIp {ip}")
    c.put_dedicated_ip_warmup_attributes(Ip=addrs[0], WarmupPercentage=100)
    check(c.get_dedicated_ip(Ip=addrs[0])["DedicatedIp"]["WarmupStatus"] == "DONE", "warm-up 100 is DONE")
    refused(lambda: c.put_dedicated_ip_warmup_attributes(Ip=addrs[0], WarmupPercentage=101), "BadRequestException", 400)
    c.put_dedicated_ip_in_pool(Ip=addrs[1], DestinationPoolName="ses-default-dedicated-pool")
    check(sesm("ip", "get", addrs[1])["DedicatedIp"]["PoolName"] == "ses-default-dedicated-pool", "moved, as the CLI sees")
    refused(lambda: c.put_dedicated_ip_in_pool(Ip=addrs[2], DestinationPoolName="marketing"), "BadRequestException", 400)
    refused(lambda: c.put_dedicated_ip_in_pool(Ip=addrs[2], DestinationPoolName="nope"), "NotFoundException", 404)
    refused(lambda: c.get_dedicated_ip(Ip="198.51.100.7"), "NotFoundException", 404,
            contains="Could not find dedicated IP 198.51.100.7 under this account.")
    refused(lambda: c.get_dedicated_ips(PoolName="nope"), "NotFoundException", 404)
    print(f"ips ok ({count()} checks)", flush=True)


def config_sets():
    c = client()
    c.create_configuration_set(
        ConfigurationSetName="news",
        DeliveryOptions={"SendingPoolName": "marketing", "TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 3600},
        Tags=[{"Key": "env", "Value": "prod"}],
        ReputationOptions={"ReputationMetricsEnabled": True},
        SendingOptions={"SendingEnabled": True},
    )
    got = c.get_configuration_set(ConfigurationSetName="news")
    check(got["DeliveryOptions"] == {"SendingPoolName": "marketing", "TlsPolicy": "REQUIRE", "MaxDeliverySeconds": 3600},
          f"DeliveryOptions {got['DeliveryOptions']}")
    check(got["Tags"] == [{"Key": "env", "Value": "prod"}], "Tags")
    check(got["ReputationOptions"]["ReputationMetricsEnabled"] is True, "ReputationOptions kept")
    check(sesm("config-set", "get", "news")["DeliveryOptions"]["SendingPoolName"] == "marketing", "CLI sees the set")
    c.create_configuration_set(ConfigurationSetName="plain")
    plain = c.get_configuration_set(ConfigurationSetName="plain")
    # SES leaves an empty block out (hashicorp/aws reads `{}` as a block to remove).
    check("DeliveryOptions" not in plain, f"an empty DeliveryOptions is left out {plain.get('DeliveryOptions')}")
    check(plain["SendingOptions"] == {"SendingEnabled": True}, "SendingOptions default")
    refused(lambda: c.create_configuration_set(ConfigurationSetName="news"), "AlreadyExistsException", 400)
    refused(lambda: c.create_configuration_set(ConfigurationSetName="bad name"), "BadRequestException", 400)
    refused(lambda: c.create_configuration_set(ConfigurationSetName="x", DeliveryOptions={"SendingPoolName": "nope"}),
            "BadRequestException", 400, contains="SendingPool nope doesn't exist")
    unvalidated = client(validate=False)
    refused(lambda: unvalidated.create_configuration_set(ConfigurationSetName="x", DeliveryOptions={"MaxDeliverySeconds": 100}),
            "BadRequestException", 400)
    refused(lambda: c.get_configuration_set(ConfigurationSetName="nope"), "NotFoundException", 404,
            contains="Configuration set <nope> does not exist.")
    # A name with a slash reaches the operation (and is refused as a name), not a missing route.
    refused(lambda: c.get_configuration_set(ConfigurationSetName="cs/1"), "BadRequestException", 400)
    c.put_configuration_set_delivery_options(ConfigurationSetName="plain", SendingPoolName="std", MaxDeliverySeconds=600)
    check(c.get_configuration_set(ConfigurationSetName="plain")["DeliveryOptions"]
          == {"SendingPoolName": "std", "MaxDeliverySeconds": 600}, "put delivery options")
    c.put_configuration_set_delivery_options(ConfigurationSetName="plain", TlsPolicy="OPTIONAL")
    check(c.get_configuration_set(ConfigurationSetName="plain")["DeliveryOptions"] == {"TlsPolicy": "OPTIONAL"},
          "a Put replaces the whole block")
    c.put_configuration_set_delivery_options(ConfigurationSetName="plain")
    check("DeliveryOptions" not in c.get_configuration_set(ConfigurationSetName="plain"),
          "an empty PutConfigurationSetDeliveryOptions clears the block (left out, as SES does)")
    refused(lambda: c.put_configuration_set_delivery_options(ConfigurationSetName="nope"), "NotFoundException", 404)
    c.put_configuration_set_sending_options(ConfigurationSetName="plain", SendingEnabled=False)
    c.put_configuration_set_suppression_options(ConfigurationSetName="plain", SuppressedReasons=["BOUNCE"])
    c.put_configuration_set_tracking_options(ConfigurationSetName="plain", CustomRedirectDomain="click.example.com")
    c.put_configuration_set_reputation_options(ConfigurationSetName="plain", ReputationMetricsEnabled=True)
    c.put_configuration_set_vdm_options(ConfigurationSetName="plain", VdmOptions={"DashboardOptions": {"EngagementMetrics": "ENABLED"}})
    got = c.get_configuration_set(ConfigurationSetName="plain")
    check(got["SendingOptions"] == {"SendingEnabled": False}, f"SendingOptions {got.get('SendingOptions')}")
    check(got["SuppressionOptions"] == {"SuppressedReasons": ["BOUNCE"]}, "SuppressionOptions")
    check(got["TrackingOptions"] == {"CustomRedirectDomain": "click.example.com"}, "TrackingOptions")
    check(got["ReputationOptions"] == {"ReputationMetricsEnabled": True}, "ReputationOptions")
    check(got["VdmOptions"] == {"DashboardOptions": {"EngagementMetrics": "ENABLED"}}, "VdmOptions")
    for i in range(5):
        sesm("config-set", "create", f"bulk-{i}")
    names, token = [], None
    while True:
        kw = {"PageSize": 3}
        if token:
            kw["NextToken"] = token
        page = c.list_configuration_sets(**kw)
        names += page["ConfigurationSets"]
        token = page.get("NextToken")
        if not token:
            break
    check(names == ["bulk-0", "bulk-1", "bulk-2", "bulk-3", "bulk-4", "news", "plain"], f"paged sets {names}")
    c.delete_configuration_set(ConfigurationSetName="bulk-4")
    refused(lambda: c.delete_configuration_set(ConfigurationSetName="bulk-4"), "NotFoundException", 404)
    print(f"configuration sets ok ({count()} checks)", flush=True)


def identities():
    c = client()
    made = c.create_email_identity(EmailIdentity="example.com", ConfigurationSetName="news",
                                   Tags=[{"Key": "owner", "Value": "mail team"}])
    check(made["IdentityType"] == "DOMAIN" and made["VerifiedForSendingStatus"] is True, f"CreateEmailIdentity {made}")
    check(len(made["DkimAttributes"]["Tokens"]) == 3, "DKIM tokens")
    c.create_email_identity(EmailIdentity="News+x@Example.com")
    got = c.get_email_identity(EmailIdentity="News+x@example.com")
    check(got["IdentityType"] == "EMAIL_ADDRESS" and got["VerificationStatus"] == "SUCCESS", f"GetEmailIdentity {got}")
    check(sesm("identity", "get", "News+x@example.com")["IdentityName"] == "News+x@example.com", "+ and @ survive the path")
    got = c.get_email_identity(EmailIdentity="example.com")
    check(got["ConfigurationSetName"] == "news" and got["Tags"] == [{"Key": "owner", "Value": "mail team"}], f"{got}")
    check(isinstance(got["DkimAttributes"]["LastKeyGenerationTimestamp"], object), "timestamp parses")
    refused(lambda: c.create_email_identity(EmailIdentity="example.com"), "AlreadyExistsException", 400)
    refused(lambda: c.create_email_identity(EmailIdentity="not a domain"), "BadRequestException", 400)
    refused(lambda: c.create_email_identity(EmailIdentity="b.example.com", ConfigurationSetName="nope"), "NotFoundException", 404)
    refused(lambda: c.get_email_identity(EmailIdentity="nope.example.com"), "NotFoundException", 404)
    c.put_email_identity_configuration_set_attributes(EmailIdentity="example.com", ConfigurationSetName="plain")
    check(c.get_email_identity(EmailIdentity="example.com")["ConfigurationSetName"] == "plain", "default set changed")
    c.put_email_identity_configuration_set_attributes(EmailIdentity="example.com", ConfigurationSetName="")
    check("ConfigurationSetName" not in c.get_email_identity(EmailIdentity="example.com"), "'' clears the default set")
    c.put_email_identity_configuration_set_attributes(EmailIdentity="example.com", ConfigurationSetName="news")
    c.put_email_identity_configuration_set_attributes(EmailIdentity="example.com")
    check("ConfigurationSetName" not in c.get_email_identity(EmailIdentity="example.com"), "no name clears the default set")
    refused(lambda: c.put_email_identity_configuration_set_attributes(EmailIdentity="example.com", ConfigurationSetName="nope"),
            "NotFoundException", 404)
    # Paging over 10,000 identities (the quota), imported through the command line.
    lines = "\n".join(f"id{i:05}.example.org" for i in range(10_000 - 2))
    imported = subprocess.run([SESM, "--state", STATE, "--region", "eu-west-1", "-q", "identity", "import", "-"],
                              input=lines, capture_output=True, text=True)
    check(imported.returncode == 0, f"import: {imported.stderr}")
    names, token, pages = [], None, 0
    while True:
        kw = {"PageSize": 1000}
        if token:
            kw["NextToken"] = token
        page = c.list_email_identities(**kw)
        pages += 1
        names += [i["IdentityName"] for i in page["EmailIdentities"]]
        check(all(i["VerificationStatus"] == "SUCCESS" and i["SendingEnabled"] for i in page["EmailIdentities"]), "IdentityInfo")
        token = page.get("NextToken")
        if not token:
            break
    check(len(names) == 10_000 and len(set(names)) == 10_000 and pages == 10, f"10,000 identities in {pages} pages")
    check(names == sorted(names), "sorted")
    refused(lambda: c.create_email_identity(EmailIdentity="one-more.example.com"), "LimitExceededException", 400)
    if NEW_LIST_ROUTES:
        page = c.list_email_identities(Filter={"IDENTITY_TYPE": "EMAIL_ADDRESS"})
        check([i["IdentityName"] for i in page["EmailIdentities"]] == ["News+x@example.com"], "identity filter")
        page = c.list_configuration_sets(Filter={"CONFIGURATION_SET_NAME_CONTAINS": "ulk"})
        check(page["ConfigurationSets"] == ["bulk-0", "bulk-1", "bulk-2", "bulk-3"], "configuration set filter")
    c.delete_email_identity(EmailIdentity="News+x@example.com")
    refused(lambda: c.delete_email_identity(EmailIdentity="News+x@example.com"), "NotFoundException", 404)
    print(f"identities ok ({count()} checks)", flush=True)


def tags():
    c = client()
    pool = "arn:aws:ses:eu-west-1:123456789012:dedicated-ip-pool/marketing"
    c.tag_resource(ResourceArn=pool, Tags=[{"Key": "cost center", "Value": "42"}, {"Key": "team", "Value": "mail"}])
    got = c.list_tags_for_resource(ResourceArn=pool)["Tags"]
    check(got == [{"Key": "cost center", "Value": "42"}, {"Key": "team", "Value": "mail"}], f"tags {got}")
    c.untag_resource(ResourceArn=pool, TagKeys=["cost center", "absent"])
    check(c.list_tags_for_resource(ResourceArn=pool)["Tags"] == [{"Key": "team", "Value": "mail"}], "untagged")
    check(sesm("tag", "list", "pool/marketing")["Tags"] == [{"Key": "team", "Value": "mail"}], "CLI sees the tags")
    # Terraform with skip_requesting_account_id sends an empty account: this account.
    empty_account = "arn:aws:ses:eu-west-1::configuration-set/news"
    check(c.list_tags_for_resource(ResourceArn=empty_account)["Tags"] == [{"Key": "env", "Value": "prod"}], "empty account")
    refused(lambda: c.list_tags_for_resource(ResourceArn="arn:aws:ses:eu-west-1:999999999999:dedicated-ip-pool/marketing"),
            "NotFoundException", 404)
    refused(lambda: c.list_tags_for_resource(ResourceArn="not-an-arn"), "BadRequestException", 400)
    refused(lambda: c.tag_resource(ResourceArn=pool, Tags=[{"Key": "aws:x", "Value": "1"}]), "BadRequestException", 400)
    refused(lambda: c.tag_resource(ResourceArn=pool, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)]),
            "BadRequestException", 400)
    refused(lambda: c.tag_resource(ResourceArn="arn:aws:ses:eu-west-1:123456789012:identity/nope.example.com",
                                   Tags=[{"Key": "a", "Value": "b"}]), "NotFoundException", 404)
    print(f"tags ok ({count()} checks)", flush=True)


def account_and_unserved():
    c = client()
    a = c.get_account()
    check(a["DedicatedIpAutoWarmupEnabled"] is True and a["ProductionAccessEnabled"] is True, f"GetAccount {a}")
    c.put_account_dedicated_ip_warmup_attributes(AutoWarmupEnabled=False)
    check(c.get_account()["DedicatedIpAutoWarmupEnabled"] is False, "auto warm-up off")
    check(sesm("account")["DedicatedIpAutoWarmupEnabled"] is False, "CLI sees it")
    check(client(region="us-east-1").get_account()["DedicatedIpAutoWarmupEnabled"] is True, "per region")
    c.put_account_dedicated_ip_warmup_attributes(AutoWarmupEnabled=True)
    check(c.get_deliverability_dashboard_options()["DashboardEnabled"] is False,
          "the Deliverability dashboard is served: off until subscribed")
    check(c.list_export_jobs()["ExportJobs"] == [], "export jobs are served: none yet")
    refused(lambda: client(region="mars-central-9x").get_account(), "BadRequestException", 400)
    print(f"account ok ({count()} checks)", flush=True)


def interleaved():
    """Server writes and command-line writes at the same time lose nothing."""
    c = client()
    errors = []

    def server_writer(t):
        try:
            for i in range(20):
                c.create_configuration_set(ConfigurationSetName=f"srv-{t}-{i}")
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    def cli_writer(t):
        for i in range(10):
            out = subprocess.run([SESM, "--state", STATE, "--region", "eu-west-1", "-q", "config-set", "create", f"cli-{t}-{i}"],
                                 capture_output=True, text=True)
            if out.returncode != 0:
                errors.append(out.stderr)

    threads = [threading.Thread(target=server_writer, args=(t,)) for t in range(3)]
    threads += [threading.Thread(target=cli_writer, args=(t,)) for t in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    check(not errors, f"writers failed: {errors[:3]}")
    names = set(sesm("config-set", "list")["ConfigurationSets"])
    want = {f"srv-{t}-{i}" for t in range(3) for i in range(20)} | {f"cli-{t}-{i}" for t in range(2) for i in range(10)}
    check(want <= names, f"lost updates: {sorted(want - names)[:5]}")
    listed = set()
    token = None
    while True:
        kw = {"NextToken": token} if token else {}
        page = c.list_configuration_sets(**kw)
        listed |= set(page["ConfigurationSets"])
        token = page.get("NextToken")
        if not token:
            break
    check(want <= listed, "the server sees the command line's writes")
    print(f"interleaved writers ok ({count()} checks)", flush=True)


def aws_cli():
    env = dict(os.environ)
    env.update({"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_DEFAULT_REGION": "eu-west-1",
                "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
                "AWS_EC2_METADATA_DISABLED": "true", "AWS_MAX_ATTEMPTS": "1", "AWS_PAGER": ""})
    aws = os.path.join(os.path.dirname(sys.executable), "aws")

    def run(*args):
        return subprocess.run([aws, "sesv2", *args, "--endpoint-url", ENDPOINT, "--output", "json"],
                              capture_output=True, text=True, env=env)

    out = run("create-dedicated-ip-pool", "--pool-name", "from-cli", "--scaling-mode", "STANDARD")
    check(out.returncode == 0, f"aws create-dedicated-ip-pool: {out.stderr}")
    out = run("get-dedicated-ip-pool", "--pool-name", "from-cli")
    check(out.returncode == 0 and json.loads(out.stdout)["DedicatedIpPool"]["PoolName"] == "from-cli", out.stdout + out.stderr)
    out = run("list-configuration-sets")
    check(out.returncode == 0 and "news" in json.loads(out.stdout)["ConfigurationSets"], out.stdout[:200] + out.stderr)
    out = run("get-dedicated-ip-pool", "--pool-name", "nope")
    # AWS CLI v1 (the one on PyPI) exits 255 on a service error; v2 exits 254.
    check(out.returncode in (254, 255), f"aws exit code {out.returncode}")
    check("An error occurred (NotFoundException) when calling the GetDedicatedIpPool operation: "
          "The requested pool nope does not exist." in out.stderr, out.stderr)
    mine = subprocess.run([SESM, "--state", STATE, "--region", "eu-west-1", "pool", "get", "nope"], capture_output=True, text=True)
    check(mine.returncode == 254 and mine.stderr.splitlines()[0] == out.stderr.strip().splitlines()[-1],
          f"the same line as sesm's own:\n{mine.stderr}\n{out.stderr}")
    out = run("put-configuration-set-delivery-options", "--configuration-set-name", "plain", "--sending-pool-name", "from-cli")
    check(out.returncode == 0, out.stderr)
    check(sesm("config-set", "get", "plain")["DeliveryOptions"].get("SendingPoolName") == "from-cli", "aws CLI write")
    out = run("tag-resource", "--resource-arn", "arn:aws:ses:eu-west-1:123456789012:dedicated-ip-pool/from-cli",
              "--tags", "Key=a,Value=b")
    check(out.returncode == 0, out.stderr)
    out = run("delete-dedicated-ip-pool", "--pool-name", "from-cli")
    check(out.returncode == 0, out.stderr)
    env["AWS_DEFAULT_REGION"] = "us-west-2"
    out = run("send-email", "--from-email-address", "news@shop.example.com", "--destination", "ToAddresses=cli@gmail.com",
              "--content", "Simple={Subject={Data=From the AWS CLI},Body={Text={Data=hi}}}")
    check(out.returncode == 0 and json.loads(out.stdout)["MessageId"], out.stdout + out.stderr)
    check([m["Subject"] for m in outbox("us-west-2", to="cli@gmail.com")] == ["From the AWS CLI"], "aws sesv2 send-email")
    print(f"aws cli ok ({count()} checks)", flush=True)


def outbox(region="us-west-2", **params):
    import urllib.parse
    import urllib.request
    params["region"] = region
    with urllib.request.urlopen(f"{ENDPOINT}/_sesm/outbox?{urllib.parse.urlencode(params)}") as r:
        return json.load(r)["Messages"]


def sending():
    region = "us-west-2"
    c = client(region=region)
    sesm("pool", "create", "bulk", "--managed", region=region)
    sesm("config-set", "create", "explicit", "--pool", "bulk", region=region)
    sesm("config-set", "create", "by-address", region=region)
    sesm("config-set", "create", "by-domain", "--pool", "ses-shared-pool", region=region)
    sesm("identity", "create", "shop.example.com", "--config-set", "by-domain", region=region)
    sesm("identity", "create", "vip@shop.example.com", "--config-set", "by-address", region=region)
    sesm("identity", "create", "plain@nodefault.org", region=region)
    simple = {"Simple": {"Subject": {"Data": "Hello"}, "Body": {"Text": {"Data": "Hi there"}}}}
    # Routing: an explicit set, an address identity's default, a domain identity's default, none.
    cases = [
        ("news@shop.example.com", "explicit", "explicit", "REQUEST", "bulk"),
        ("vip@shop.example.com", None, "by-address", "ADDRESS_IDENTITY", "ses-shared-pool"),
        ("news@shop.example.com", None, "by-domain", "DOMAIN_IDENTITY", "ses-shared-pool"),
        ("plain@nodefault.org", None, None, "NONE", "ses-shared-pool"),
    ]
    ids = set()
    for sender, named, want_set, source, pool in cases:
        kw = {"ConfigurationSetName": named} if named else {}
        mid = c.send_email(FromEmailAddress=sender, Destination={"ToAddresses": ["jane@gmail.com"]},
                           Content=simple, **kw)["MessageId"]
        check(mid and mid not in ids, f"unique MessageId {mid}")
        ids.add(mid)
        m = [m for m in outbox(region) if m["MessageId"] == mid]
        check(len(m) == 1, f"{mid} in the outbox")
        m = m[0]
        check(m.get("ConfigurationSetName") == want_set and m["ConfigurationSetSource"] == source and m["PoolName"] == pool,
              f"route of {sender} with {named}: {m}")
        check(m["Subject"] == "Hello" and m["To"] == ["jane@gmail.com"], f"outbox record {m}")
    # Recipients at each ISP of the table.
    to = ["a@gmail.com", "b@googlemail.com", "c@outlook.com", "d@hotmail.co.uk", "e@yahoo.com", "f@aol.com",
          "g@icloud.com", "h@me.com", "i@comcast.net", "j@att.net", "k@sbcglobal.net", "l@gmx.de", "m@web.de",
          "n@orange.fr", "o@wanadoo.fr", "p@example.net"]
    mid = c.send_email(FromEmailAddress="news@shop.example.com", Destination={"ToAddresses": to[:8], "CcAddresses": to[8:12],
                       "BccAddresses": to[12:]}, Content=simple, ConfigurationSetName="explicit")["MessageId"]
    m = [m for m in outbox(region) if m["MessageId"] == mid][0]
    check(m["Isps"] == {"gmail": 2, "microsoft": 2, "yahoo": 2, "apple": 2, "comcast": 1, "att": 2, "gmx": 2,
                        "orange": 2, "other": 1}, f"ISPs {m['Isps']}")
    # Raw content: sender and recipients from the MIME headers, unless given.
    raw = (b"From: \"Shop\" <news@shop.example.com>\r\nTo: x@gmail.com, \"Y\" <y@yahoo.com>\r\n"
           b"Cc: z@outlook.com\r\nSubject: =?UTF-8?Q?Caf=C3=A9?=\r\n\r\nBody\r\n")
    mid = c.send_email(Content={"Raw": {"Data": raw}}, ConfigurationSetName="explicit")["MessageId"]
    m = [m for m in outbox(region) if m["MessageId"] == mid][0]
    check(m["From"] == "news@shop.example.com" and m["To"] == ["x@gmail.com", "y@yahoo.com"] and m["Cc"] == ["z@outlook.com"],
          f"raw {m}")
    check(m["Subject"] == "Café", f"raw subject {m['Subject']!r}")
    mid = c.send_email(Content={"Raw": {"Data": raw}}, Destination={"ToAddresses": ["only@gmx.de"]})["MessageId"]
    m = [m for m in outbox(region) if m["MessageId"] == mid][0]
    # An envelope recipient the headers do not address is a Bcc (recorded as the message addressed it).
    check(m["To"] == [] and m["Bcc"] == ["only@gmx.de"] and m["ConfigurationSetName"] == "by-domain",
          f"raw with Destination {m}")
    # SendBulkEmail (its content is a template; inline TemplateContent is served).
    r = c.send_bulk_email(FromEmailAddress="news@shop.example.com", ConfigurationSetName="explicit",
                          DefaultContent={"Template": {"TemplateContent": {"Subject": "Bulk", "Text": "Hi"}}},
                          BulkEmailEntries=[{"Destination": {"ToAddresses": ["a1@gmail.com"]}},
                                            {"Destination": {"ToAddresses": ["not an address"]}},
                                            {"Destination": {"ToAddresses": ["a3@outlook.com"], "CcAddresses": ["a4@yahoo.com"]}}])
    statuses = [e["Status"] for e in r["BulkEmailEntryResults"]]
    check(statuses == ["SUCCESS", "INVALID_PARAMETER", "SUCCESS"], f"bulk statuses {statuses}")
    bulk_ids = [e["MessageId"] for e in r["BulkEmailEntryResults"] if e["Status"] == "SUCCESS"]
    check(all(any(m["MessageId"] == i and m["Subject"] == "Bulk" for m in outbox(region)) for i in bulk_ids), "bulk outbox")
    # Refusals, with SES's codes.
    refused(lambda: c.send_email(FromEmailAddress="a@unknown.org", Destination={"ToAddresses": ["x@gmail.com"]}, Content=simple),
            "MessageRejected", 400,
            contains="Email address is not verified. The following identities failed the check in region US-WEST-2: a@unknown.org")
    refused(lambda: c.send_email(FromEmailAddress="news@shop.example.com", Destination={"ToAddresses": ["x@gmail.com"]},
                                 Content=simple, ConfigurationSetName="nope"), "NotFoundException", 404, contains="<nope>")
    refused(lambda: c.send_email(FromEmailAddress="news@shop.example.com",
                                 Destination={"ToAddresses": [f"r{i}@gmail.com" for i in range(51)]}, Content=simple),
            "BadRequestException", 400, contains="at most 50")
    refused(lambda: c.send_email(FromEmailAddress="news@shop.example.com", Destination={"ToAddresses": ["bad@@x"]},
                                 Content=simple), "BadRequestException", 400)
    refused(lambda: c.send_email(FromEmailAddress="news@shop.example.com", Destination={"ToAddresses": ["a@b.com"]},
                                 Content={"Template": {"TemplateName": "welcome"}}), "NotFoundException", 404,
            contains="Template welcome does not exist.")
    refused(lambda: c.send_bulk_email(FromEmailAddress="a@unknown.org", DefaultContent={"Template": {"TemplateContent": {"Subject": "s"}}},
                                      BulkEmailEntries=[{"Destination": {"ToAddresses": ["x@gmail.com"]}}]), "MessageRejected", 400)
    # --to and --since filters; the account's sent count.
    check([m["Bcc"] for m in outbox(region, to="only@gmx.de")] == [["only@gmx.de"]], "outbox ?to=")
    check(outbox(region, since="2999-01-01") == [], "outbox ?since=")
    check(c.get_account()["SendQuota"]["SentLast24Hours"] > 0, "SentLast24Hours")
    # The next simulated day sends them: demand per (pool, ISP).
    day = sesm("simulate", "--days", "1", region=region)
    bulk_gmail = [i for d in day["Days"] if d["PoolName"] == "bulk" for i in d["Isps"] if i["Isp"] == "gmail"]
    # explicit: 1 (routing) + 2 (ISP table) + 1 (raw) + 1 (bulk)
    check(bulk_gmail and bulk_gmail[0]["Demand"] == 5, f"the day's demand of bulk/gmail: {bulk_gmail}")
    again = sesm("simulate", "--days", "1", region=region)["Days"]
    check([d for d in again if d["Region"] == region] == [], "sent once, not twice")
    # The outbox outlives the simulation; clearing it keeps nothing.
    # 4 routed, 1 to every ISP, 2 raw, 2 of the bulk send.
    check(len(outbox(region)) == 9, f"outbox size {len(outbox(region))}")
    import urllib.request
    urllib.request.urlopen(urllib.request.Request(f"{ENDPOINT}/_sesm/outbox", method="DELETE"))
    check(outbox(region) == [], "cleared")
    print(f"sending ok ({count()} checks)", flush=True)


for step in [pools, ips, config_sets, identities, tags, account_and_unserved, interleaved, sending, aws_cli]:
    step()
print(f"all ok: botocore {botocore.__version__}, {'POST' if NEW_LIST_ROUTES else 'GET'} list routes, {count()} checks")
