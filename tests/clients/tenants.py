"""Issue 33, group C, through `sesm serve` with boto3: tenants and their resource associations
(a send through a tenant uses only its resources and is attributed to it in the outbox),
multi-region endpoints (a send through one is routed to one of its two regions and recorded
there), identities' S/MIME certificates, the account's details (a production access request
reviewed when the account clock moves on), delivery mode and pricing plan, and
UpdateConfigurationSet. Every refusal with its code, status and message, the state file
byte-identical after it.

    python tenants.py ENDPOINT SESM_BINARY STATE_FILE

Run by tests/cli/coverage.rs under the client environment whose botocore has these
operations (1.44; 1.43.11 lacks most of them). Prints one line per group of checks and
"all ok"; exits 1 on the first failure.
"""

import json
import sys

from checks import check, client, count, refused, sesm, setup

ENDPOINT, SESM, STATE = sys.argv[1], sys.argv[2], sys.argv[3]
setup(ENDPOINT, SESM, STATE, "eu-west-1")
ACCOUNT = "123456789012"
IDENTITY_ARN = f"arn:aws:ses:eu-west-1:{ACCOUNT}:identity/example.com"
SET_ARN = f"arn:aws:ses:eu-west-1:{ACCOUNT}:configuration-set/news"
CERT = f"arn:aws:acm:eu-west-1:{ACCOUNT}:certificate/0f1e2d3c-aaaa-bbbb-cccc-000000000001"


def simple(subject):
    return {"Simple": {"Subject": {"Data": subject}, "Body": {"Text": {"Data": "hello"}}}}


def outbox(region="eu-west-1"):
    return sesm("outbox", "list", region=region)["Messages"]


def tenants(c):
    made = c.create_tenant(TenantName="acme", Tags=[{"Key": "team", "Value": "growth"}],
                           SuppressionAttributes={"SuppressedReasons": ["BOUNCE"], "SuppressionScope": "TENANT"})
    tid = made["TenantId"]
    check(made["TenantArn"] == f"arn:aws:ses:eu-west-1:{ACCOUNT}:tenant/acme/{tid}", f"arn {made}")
    check(made["SendingStatus"] == "ENABLED" and made["CreatedTimestamp"].year >= 2026, f"created {made}")
    got = c.get_tenant(TenantName="acme")["Tenant"]
    check(got["TenantId"] == tid and got["Tags"] == [{"Key": "team", "Value": "growth"}], f"get {got}")
    check(got["SuppressionAttributes"] == {"SuppressedReasons": ["BOUNCE"], "SuppressionScope": "TENANT"}, f"sup {got}")
    c.put_tenant_suppression_attributes(TenantName="acme", SuppressedReasons=["BOUNCE", "COMPLAINT"],
                                        SuppressionScope="ACCOUNT")
    got = c.get_tenant(TenantName="acme")["Tenant"]["SuppressionAttributes"]
    check(got == {"SuppressedReasons": ["BOUNCE", "COMPLAINT"], "SuppressionScope": "ACCOUNT"}, f"put sup {got}")
    c.create_tenant(TenantName="globex")
    listed = c.list_tenants(PageSize=1)
    check([t["TenantName"] for t in listed["Tenants"]] == ["acme"] and "NextToken" in listed, f"page {listed}")
    rest = c.list_tenants(PageSize=1, NextToken=listed["NextToken"])["Tenants"]
    check([t["TenantName"] for t in rest] == ["globex"], f"next page {rest}")
    refused(lambda: c.create_tenant(TenantName="acme"), "AlreadyExistsException", 400, "Tenant acme already exists.")
    refused(lambda: c.create_tenant(TenantName="acme corp"), "BadRequestException", 400,
            "Invalid TenantName 'acme corp': use 1 to 64 letters, digits, hyphens (-) and underscores (_).")
    refused(lambda: c.get_tenant(TenantName="nope"), "NotFoundException", 404, "Tenant nope does not exist.")
    refused(lambda: c.put_tenant_suppression_attributes(TenantName="acme", SuppressionScope="GLOBAL"),
            "BadRequestException", 400, "1 validation error detected: Value 'GLOBAL' at 'suppressionScope' "
            "failed to satisfy constraint: Member must satisfy enum value set: [ACCOUNT, TENANT]")
    # Tagged by its ARN (NAME/ID), as any taggable resource; an ID not the tenant's names nothing.
    arn = made["TenantArn"]
    c.tag_resource(ResourceArn=arn, Tags=[{"Key": "tier", "Value": "gold"}])
    c.untag_resource(ResourceArn=arn, TagKeys=["team"])
    tags = c.list_tags_for_resource(ResourceArn=arn)["Tags"]
    check(tags == [{"Key": "tier", "Value": "gold"}], f"tenant tags {tags}")
    check(c.get_tenant(TenantName="acme")["Tenant"]["Tags"] == tags, "GetTenant shows the tags")
    stale = f"arn:aws:ses:eu-west-1:{ACCOUNT}:tenant/acme/tn-0000"
    refused(lambda: c.tag_resource(ResourceArn=stale, Tags=[{"Key": "k", "Value": "v"}]),
            "NotFoundException", 404, "Tenant acme/tn-0000 does not exist.")
    c.delete_tenant(TenantName="globex")
    refused(lambda: c.delete_tenant(TenantName="globex"), "NotFoundException", 404, "Tenant globex does not exist.")
    print(f"tenants ok ({count()} checks)", flush=True)
    return tid


def associations(c, tid):
    refused(lambda: c.create_tenant_resource_association(TenantName="acme", ResourceArn=IDENTITY_ARN),
            "NotFoundException", 404, f"Resource {IDENTITY_ARN} does not exist.")
    c.create_email_identity(EmailIdentity="example.com")
    c.create_configuration_set(ConfigurationSetName="news")
    c.create_tenant_resource_association(TenantName="acme", ResourceArn=IDENTITY_ARN)
    refused(lambda: c.create_tenant_resource_association(TenantName="acme", ResourceArn=IDENTITY_ARN),
            "AlreadyExistsException", 400, f"Resource {IDENTITY_ARN} is already associated with tenant acme.")
    refused(lambda: c.create_tenant_resource_association(
        TenantName="acme", ResourceArn=f"arn:aws:ses:eu-west-1:{ACCOUNT}:dedicated-ip-pool/p"),
        "BadRequestException", 400, contains="expected the ARN of an email identity, a configuration set or an email template")
    res = c.list_tenant_resources(TenantName="acme")["TenantResources"]
    check(res == [{"ResourceType": "EMAIL_IDENTITY", "ResourceArn": IDENTITY_ARN}], f"resources {res}")
    res = c.list_tenant_resources(TenantName="acme", Filter={"RESOURCE_TYPE": "CONFIGURATION_SET"})["TenantResources"]
    check(res == [], f"filtered {res}")
    owners = c.list_resource_tenants(ResourceArn=IDENTITY_ARN)["ResourceTenants"]
    check([(o["TenantName"], o["TenantId"], o["ResourceArn"]) for o in owners] == [("acme", tid, IDENTITY_ARN)], f"owners {owners}")
    check(owners[0]["AssociatedTimestamp"].year >= 2026, f"associated {owners}")

    # N7: a send through the tenant uses only its resources; the set is not associated yet.
    send = dict(FromEmailAddress="ann@example.com", Destination={"ToAddresses": ["bob@gmail.com"]},
                Content=simple("for acme"), ConfigurationSetName="news", TenantName="acme")
    refused(lambda: c.send_email(**send), "MessageRejected", 400,
            f"Resource {SET_ARN} is not associated with tenant acme: a send through a tenant uses only the "
            "identities, configuration sets and templates associated with it.")
    check(outbox() == [], "a refused tenant send kept nothing")
    c.create_tenant_resource_association(TenantName="acme", ResourceArn=SET_ARN)
    sent = c.send_email(**send)["MessageId"]
    plain = c.send_email(FromEmailAddress="ann@example.com", Destination={"ToAddresses": ["bob@gmail.com"]},
                         Content=simple("no tenant"))["MessageId"]
    kept = {m["MessageId"]: m for m in outbox()}
    check(kept[sent].get("TenantName") == "acme", f"attributed {kept[sent]}")
    check("TenantName" not in kept[plain], f"not attributed {kept[plain]}")
    refused(lambda: c.send_email(**dict(send, TenantName="nope")), "NotFoundException", 404, "Tenant nope does not exist.")
    c.delete_tenant_resource_association(TenantName="acme", ResourceArn=SET_ARN)
    refused(lambda: c.delete_tenant_resource_association(TenantName="acme", ResourceArn=SET_ARN),
            "NotFoundException", 404, f"Resource {SET_ARN} is not associated with tenant acme.")
    # A deleted resource takes its associations and reputation settings with it: the set made
    # again under the same name is neither the tenant's nor paused.
    c.update_reputation_entity_customer_managed_status(ReputationEntityType="RESOURCE",
                                                       ReputationEntityReference=SET_ARN, SendingStatus="DISABLED")
    c.create_tenant_resource_association(TenantName="acme", ResourceArn=SET_ARN)
    c.delete_configuration_set(ConfigurationSetName="news")
    c.create_configuration_set(ConfigurationSetName="news")
    owners = c.list_resource_tenants(ResourceArn=SET_ARN)["ResourceTenants"]
    check(owners == [], f"a deleted set's associations went with it: {owners}")
    entity = c.get_reputation_entity(ReputationEntityType="RESOURCE", ReputationEntityReference=SET_ARN)["ReputationEntity"]
    check(entity["SendingStatusAggregate"] == "ENABLED", f"a deleted set's status went with it: {entity}")
    c.send_email(FromEmailAddress="ann@example.com", Destination={"ToAddresses": ["bob@gmail.com"]},
                 Content=simple("through the new set"), ConfigurationSetName="news")
    print(f"associations and tenant sends ok ({count()} checks)", flush=True)


def signed(method, path, body):
    """A SESv2 request signed with SigV4 by botocore's own signer, for what the installed
    boto3 cannot send itself: its answer's status and JSON."""
    import urllib.error
    import urllib.request
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    req = AWSRequest(method=method, url=f"{ENDPOINT}{path}", data=b"" if body is None else json.dumps(body),
                     headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials("AKIDEXAMPLE", "secret"), "ses", "eu-west-1").add_auth(req)
    data = req.body if isinstance(req.body, bytes) else (req.body or "").encode()
    r = urllib.request.Request(req.url, data=data or None, headers=dict(req.headers), method=method)
    try:
        with urllib.request.urlopen(r) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as e:
        return e.code, json.load(e)


def send_through_endpoint(c, endpoint_id, subject):
    """SendEmail naming the endpoint, through boto3 itself: it signs with SigV4a (through
    awscrt, which .ci/clients installs in this environment), whose scope names no region."""
    sent = c.send_email(FromEmailAddress="ann@example.com", Destination={"ToAddresses": ["bob@gmail.com"]},
                        Content=simple(subject), EndpointId=endpoint_id)
    return sent["MessageId"]


def endpoints(c):
    central = client(region="eu-central-1")
    central.create_email_identity(EmailIdentity="example.com")
    made = c.create_multi_region_endpoint(EndpointName="global", Details={"RoutesDetails": [{"Region": "eu-central-1"}]},
                                          Tags=[{"Key": "k", "Value": "v"}])
    check(made["Status"] == "CREATING" and "." in made["EndpointId"], f"created {made}")
    eid = made["EndpointId"]
    got = c.get_multi_region_endpoint(EndpointName="global")
    check(got["EndpointId"] == eid and got["Status"] == "READY", f"get {got}")
    check(got["Routes"] == [{"Region": "eu-west-1"}, {"Region": "eu-central-1"}], f"routes {got}")
    listed = c.list_multi_region_endpoints()["MultiRegionEndpoints"]
    check([(e["EndpointName"], e["Regions"]) for e in listed] == [("global", ["eu-west-1", "eu-central-1"])], f"list {listed}")
    refused(lambda: c.create_multi_region_endpoint(EndpointName="global", Details={"RoutesDetails": [{"Region": "eu-central-1"}]}),
            "AlreadyExistsException", 400, "Multi-region endpoint global already exists.")
    refused(lambda: c.create_multi_region_endpoint(EndpointName="other", Details={"RoutesDetails": [{"Region": "eu-west-1"}]}),
            "BadRequestException", 400,
            "The secondary region eu-west-1 is the primary region: a multi-region endpoint routes to two regions.")
    refused(lambda: c.get_multi_region_endpoint(EndpointName="nope"), "NotFoundException", 404,
            "Multi-region endpoint nope does not exist.")
    before = len(outbox()) + len(outbox("eu-central-1"))
    first = send_through_endpoint(c, eid, "through the endpoint 1")
    second = send_through_endpoint(c, eid, "through the endpoint 2")
    here = {m["MessageId"]: m for m in outbox()}
    there = {m["MessageId"]: m for m in outbox("eu-central-1")}
    check(len(here) + len(there) == before + 2, "two routed sends kept")
    check((first in here) != (second in here), f"the two sends went to different regions: {first} {second}")
    for mid in (first, second):
        m = here.get(mid) or there.get(mid)
        check(m["EndpointId"] == eid and m["Region"] in ("eu-west-1", "eu-central-1"), f"recorded {m}")
    arn = f"arn:aws:ses:eu-west-1:{ACCOUNT}:multi-region-endpoint/global"
    c.tag_resource(ResourceArn=arn, Tags=[{"Key": "k", "Value": "w"}, {"Key": "team", "Value": "mail"}])
    tags = c.list_tags_for_resource(ResourceArn=arn)["Tags"]
    check(tags == [{"Key": "k", "Value": "w"}, {"Key": "team", "Value": "mail"}], f"endpoint tags {tags}")
    refused(lambda: c.list_tags_for_resource(ResourceArn=arn.replace("/global", "/nope")), "NotFoundException", 404,
            "Multi-region endpoint nope does not exist.")
    c.delete_multi_region_endpoint(EndpointName="global")
    refused(lambda: c.delete_multi_region_endpoint(EndpointName="global"), "NotFoundException", 404,
            "Multi-region endpoint global does not exist.")
    print(f"multi-region endpoints ok ({count()} checks)", flush=True)


def certificates(c):
    c.associate_email_identity_certificate(EmailIdentity="example.com", FromAddress="ann@example.com", CertificateArn=CERT)
    certs = c.list_email_identity_certificates(EmailIdentity="example.com")["Certificates"]
    check(certs == [{"FromAddress": "ann@example.com", "Status": "PROVISIONING", "CertificateArn": CERT}], f"certs {certs}")
    refused(lambda: c.associate_email_identity_certificate(EmailIdentity="example.com", FromAddress="ann@example.com",
                                                           CertificateArn=CERT),
            "AlreadyExistsException", 400, f"Address ann@example.com already has a certificate association ({CERT}); disassociate it first.")
    refused(lambda: c.associate_email_identity_certificate(EmailIdentity="example.com", FromAddress="ann@example.org",
                                                           CertificateArn=CERT),
            "BadRequestException", 400, "FromAddress ann@example.org is not an address of the domain example.com or one of its subdomains.")
    refused(lambda: c.list_email_identity_certificates(EmailIdentity="nope.example"), "NotFoundException", 404, contains="nope.example")
    c.update_configuration_set(ConfigurationSetName="news",
                               MessageSecurityOptions={"SigningScheme": {"SmimeScheme": {"SignatureFormat": "DETACHED"}}})
    got = c.get_configuration_set(ConfigurationSetName="news")["MessageSecurityOptions"]
    check(got == {"SigningScheme": {"SmimeScheme": {"SignatureFormat": "DETACHED"}}}, f"security {got}")
    refused(lambda: c.update_configuration_set(ConfigurationSetName="nope",
                                               MessageSecurityOptions={"SigningScheme": {"DefaultScheme": {}}}),
            "NotFoundException", 404, contains="nope")
    sesm("simulate", "--days", "1")
    certs = c.list_email_identity_certificates(EmailIdentity="example.com")["Certificates"]
    check(certs[0]["Status"] == "ACTIVE", f"provisioned the next day {certs}")
    c.disassociate_email_identity_certificate(EmailIdentity="example.com", FromAddress="ann@example.com")
    check(c.list_email_identity_certificates(EmailIdentity="example.com")["Certificates"] == [], "disassociated")
    print(f"certificates and UpdateConfigurationSet ok ({count()} checks)", flush=True)


def account(c):
    c.put_account_details(MailType="TRANSACTIONAL", WebsiteURL="https://example.com", ContactLanguage="EN",
                          UseCaseDescription="Receipts for orders.", AdditionalContactEmailAddresses=["ops@example.com"],
                          ProductionAccessEnabled=True)
    a = c.get_account()
    review = a["Details"]["ReviewDetails"]
    check(a["Details"]["MailType"] == "TRANSACTIONAL" and review["Status"] == "PENDING" and len(review["CaseId"]) == 10, f"{a}")
    check(a["ProductionAccessEnabled"] is True, "sesm accounts have production access")
    refused(lambda: c.put_account_details(MailType="NEWSLETTER", WebsiteURL="https://example.com"),
            "BadRequestException", 400, "1 validation error detected: Value 'NEWSLETTER' at 'mailType' failed to satisfy "
            "constraint: Member must satisfy enum value set: [MARKETING, TRANSACTIONAL]")
    # botocore 1.44.3 predates PutAccountDeliveryAttributes (1.44.18's model has it).
    if hasattr(c, "put_account_delivery_attributes"):
        c.put_account_delivery_attributes(SharedPoolDeliveryMode="GLOBAL")
    else:
        status, answer = signed("POST", "/v2/email/account/delivery", {"SharedPoolDeliveryMode": "GLOBAL"})
        check(status == 200 and answer == {}, f"delivery {status} {answer}")
        before = open(STATE, "rb").read()
        status, answer = signed("POST", "/v2/email/account/delivery", {"SharedPoolDeliveryMode": "LOCAL"})
        check((status, answer.get("__type")) == (400, "BadRequestException"), f"refused {status} {answer}")
        check(open(STATE, "rb").read() == before, "a refused delivery mode changed the state")
    c.put_account_pricing_attributes(Plan="ESSENTIALS")
    refused(lambda: c.put_account_pricing_attributes(Plan="GOLD"), "BadRequestException", 400, contains="[NONE, ESSENTIALS, PRO, ENTERPRISE]")
    a = c.get_account()
    raw = signed("GET", "/v2/email/account", None)[1]
    check(raw["DeliveryAttributes"] == {"SharedPoolDeliveryMode": "GLOBAL"}, f"delivery {raw}")
    check(a["PricingAttributes"] == {"CurrentPlan": "NONE", "NextPlan": "ESSENTIALS"}, f"pricing {a}")
    sesm("simulate", "--days", "1")
    check(c.get_account()["Details"]["ReviewDetails"]["Status"] == "GRANTED", "reviewed the next day")
    print(f"account ok ({count()} checks)", flush=True)


c = client()
tid = tenants(c)
associations(c, tid)
endpoints(c)
certificates(c)
account(c)
print("all ok")
