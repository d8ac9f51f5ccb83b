"""Sending authorization through `sesm serve` with boto3, both APIs: identity policies (SESv2's
Create/Get/Update/DeleteEmailIdentityPolicy, v1's Put/Get/List/DeleteIdentityPolicy) with the
checks SES makes of a policy, then sends that name the identity by ARN: allowed for the owner,
allowed for a delegate account the policy names (and only for the From addresses its
condition takes), refused for everyone else. The caller is the access key ID when it is 12
digits (docs/endpoint.md). Every refusal with its code, status and message, the state file
byte-identical after it.

    python sending_authorization.py ENDPOINT SESM_BINARY STATE_FILE

Run by tests/cli/coverage.rs under both client environments.
"""

import json
import sys
import urllib.request

from checks import check, client, count, refused, setup

ENDPOINT, SESM, STATE = sys.argv[1], sys.argv[2], sys.argv[3]
setup(ENDPOINT, SESM, STATE, "eu-west-1")
ARN = "arn:aws:ses:eu-west-1:123456789012:identity/example.com"
DELEGATE = "111122223333"


def as_account(account, service="sesv2"):
    import boto3
    from botocore.config import Config

    return boto3.client(service, region_name="eu-west-1", endpoint_url=ENDPOINT, aws_access_key_id=account,
                        aws_secret_access_key="secret", config=Config(retries={"max_attempts": 1, "mode": "standard"}))


def policy(actions, condition=None, principal=DELEGATE, resource=ARN):
    statement = {"Sid": "Delegate", "Effect": "Allow", "Principal": {"AWS": [principal]}, "Action": actions,
                 "Resource": resource}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def outbox():
    with urllib.request.urlopen(f"{ENDPOINT}/_sesm/outbox?region=eu-west-1") as r:
        return json.load(r)["Messages"]


def policies(c, v1):
    doc = policy(["ses:SendEmail"], {"StringLike": {"ses:FromAddress": "billing*@example.com"}})
    refused(lambda: c.create_email_identity_policy(EmailIdentity="example.com", PolicyName="billing", Policy=doc),
            "NotFoundException", 404, "Email identity example.com does not exist.")
    c.create_email_identity(EmailIdentity="example.com")
    c.create_email_identity_policy(EmailIdentity="example.com", PolicyName="billing", Policy=doc)
    got = c.get_email_identity_policies(EmailIdentity="example.com")["Policies"]
    check(json.loads(got["billing"]) == json.loads(doc), f"get {got}")
    check(c.get_email_identity(EmailIdentity="example.com")["Policies"] == got, "GetEmailIdentity shows them")
    refused(lambda: c.create_email_identity_policy(EmailIdentity="example.com", PolicyName="billing", Policy=doc),
            "AlreadyExistsException", 400, "Policy billing already exists for identity example.com.")
    refused(lambda: c.update_email_identity_policy(EmailIdentity="example.com", PolicyName="nope", Policy=doc),
            "NotFoundException", 404, "Policy nope does not exist for identity example.com.")
    bad = [
        ("not json", "Policy is not valid: it is not JSON (…"),
        (json.dumps({"Version": "2012-10-17", "Statement": []}), "Policy is not valid: it needs at least one statement (Statement)."),
        (policy(["ses:SendEmail"], resource="arn:aws:ses:eu-west-1:123456789012:identity/other.com"),
         "Policy is not valid: statement 1: Resource must be the ARN of the identity the policy is attached to, " + ARN + "."),
        (policy(["s3:GetObject"]), "Policy is not valid: statement 1: Action s3:GetObject is not an SES action (ses:SendEmail, ses:Send*, …)."),
        (policy(["ses:SendEmail"], principal="somebody"), "Policy is not valid: statement 1: Principal must be …"),
        (json.dumps({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ses:*", "Resource": ARN}], "Pad": "x" * 4096}),
         "Policy is not valid: it has …"),
    ]
    for text, message in bad:
        refused(lambda: c.create_email_identity_policy(EmailIdentity="example.com", PolicyName="bad", Policy=text),
                "BadRequestException", 400, message)
    refused(lambda: c.create_email_identity_policy(EmailIdentity="example.com", PolicyName="a.b", Policy=doc),
            "BadRequestException", 400, "Invalid policy name 'a.b': a policy name has 1 to 64 characters from A-Z, a-z, 0-9, - and _.")
    for i in range(19):
        c.create_email_identity_policy(EmailIdentity="example.com", PolicyName=f"p{i}", Policy=doc)
    refused(lambda: c.create_email_identity_policy(EmailIdentity="example.com", PolicyName="p20", Policy=doc),
            "LimitExceededException", 400, "Identity example.com has 20 policies, the most an identity may have.")
    for i in range(19):
        c.delete_email_identity_policy(EmailIdentity="example.com", PolicyName=f"p{i}")
    refused(lambda: c.delete_email_identity_policy(EmailIdentity="example.com", PolicyName="p0"),
            "NotFoundException", 404, "Policy p0 does not exist for identity example.com.")
    # v1 sees and changes the same policies.
    check(v1.list_identity_policies(Identity="example.com")["PolicyNames"] == ["billing"], "v1 list")
    v1.put_identity_policy(Identity=ARN, PolicyName="raw", Policy=policy(["ses:SendRawEmail"]))
    got = v1.get_identity_policies(Identity="example.com", PolicyNames=["raw", "nope"])["Policies"]
    check(list(got) == ["raw"], f"v1 get {got}")
    refused(lambda: v1.put_identity_policy(Identity="example.com", PolicyName="x", Policy="{}"), "InvalidPolicy", 400,
            "Policy is not valid: it needs at least one statement (Statement).")
    refused(lambda: v1.put_identity_policy(Identity="other.com", PolicyName="x", Policy=doc), "InvalidParameterValue", 400,
            "Email identity other.com does not exist.")
    v1.delete_identity_policy(Identity="example.com", PolicyName="nope")
    print(f"policies ok ({count()} checks)", flush=True)


def sends(c):
    content = {"Simple": {"Subject": {"Data": "Invoice"}, "Body": {"Text": {"Data": "Your invoice"}}}}
    to = {"ToAddresses": ["customer@else.org"]}
    delegate = as_account(DELEGATE)
    sent = delegate.send_email(FromEmailAddress="billing@example.com", FromEmailAddressIdentityArn=ARN,
                               Destination=to, Content=content)
    check(any(m["MessageId"] == sent["MessageId"] for m in outbox()), "the delegate's message is in the outbox")
    denied = lambda who, action: (f"User `arn:aws:iam::{who}:root' is not authorized to perform `{action}' on resource `{ARN}'")
    refused(lambda: delegate.send_email(FromEmailAddress="admin@example.com", FromEmailAddressIdentityArn=ARN,
                                        Destination=to, Content=content),
            "AccessDeniedException", 403, denied(DELEGATE, "ses:SendEmail"))
    stranger = as_account("999999999999")
    refused(lambda: stranger.send_email(FromEmailAddress="billing@example.com", FromEmailAddressIdentityArn=ARN,
                                        Destination=to, Content=content),
            "AccessDeniedException", 403, denied("999999999999", "ses:SendEmail"))
    # The owner needs no policy; an identity of another account is nobody's here.
    c.send_email(FromEmailAddress="admin@example.com", FromEmailAddressIdentityArn=ARN, Destination=to, Content=content)
    other = "arn:aws:ses:eu-west-1:444455556666:identity/example.com"
    refused(lambda: c.send_email(FromEmailAddress="admin@example.com", FromEmailAddressIdentityArn=other,
                                 Destination=to, Content=content),
            "AccessDeniedException", 403, f"User `arn:aws:iam::123456789012:root' is not authorized to perform `ses:SendEmail' on resource `{other}'")
    missing = "arn:aws:ses:eu-west-1:123456789012:identity/missing.org"
    refused(lambda: c.send_email(FromEmailAddress="a@missing.org", FromEmailAddressIdentityArn=missing,
                                 Destination=to, Content=content),
            "MessageRejected", 400, "Email address is not verified. The following identities failed the check in region EU-WEST-1: missing.org")
    refused(lambda: c.send_email(FromEmailAddress="a@example.com", FromEmailAddressIdentityArn="example.com",
                                 Destination=to, Content=content), "BadRequestException", 400, "Invalid ARN <example.com>.")
    # v1: SendRawEmail is allowed by the "raw" policy, SendEmail from admin@ is not.
    v1d = as_account(DELEGATE, "ses")
    raw = b"From: admin@example.com\r\nTo: customer@else.org\r\nSubject: Raw\r\n\r\nbody\r\n"
    v1d.send_raw_email(Source="admin@example.com", SourceArn=ARN, Destinations=["customer@else.org"], RawMessage={"Data": raw})
    refused(lambda: v1d.send_email(Source="admin@example.com", SourceArn=ARN, Destination=to,
                                   Message={"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "y"}}}),
            "AccessDenied", 403, denied(DELEGATE, "ses:SendEmail"))
    print(f"sends ok ({count()} checks)", flush=True)


c = client()
policies(c, client("ses"))
sends(c)
print("all ok")
