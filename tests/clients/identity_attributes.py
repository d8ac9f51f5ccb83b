"""Drives the identity attributes Terraform applies through `sesm serve` with boto3:
PutEmailIdentityFeedbackAttributes, PutEmailIdentityMailFromAttributes,
PutEmailIdentityDkimAttributes, PutEmailIdentityDkimSigningAttributes (and BYODKIM at
CreateEmailIdentity), GetEmailIdentity reading them back, the command line showing the same,
and every refusal with its code, status and message, leaving the state file byte-identical.

    python identity_attributes.py ENDPOINT SESM_BINARY STATE_FILE

Run by tests/cli/serve.rs. Prints one line per group of checks and "all ok"; exits 1 on the
first failure with what was expected and what came back.
"""

import base64
import sys

from checks import check, client, count, refused, sesm, setup

ENDPOINT, SESM, STATE = sys.argv[1], sys.argv[2], sys.argv[3]
setup(ENDPOINT, SESM, STATE, "eu-west-1")


def key(size):
    """A base64 DER SEQUENCE of `size` bytes: the shape sesm checks of an RSA private key."""
    body = size - 4
    return base64.b64encode(bytes([0x30, 0x82, body >> 8, body & 0xFF]) + b"\x02" * body).decode()


def feedback_and_mail_from(c, raw):
    c.create_email_identity(EmailIdentity="example.com")
    c.create_email_identity(EmailIdentity="jane@example.org")
    got = c.get_email_identity(EmailIdentity="example.com")
    check(got["FeedbackForwardingStatus"] is True, "forwarding is on by default")
    check(got["MailFromAttributes"] == {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"}, f"no MAIL FROM: {got['MailFromAttributes']}")
    c.put_email_identity_feedback_attributes(EmailIdentity="example.com", EmailForwardingEnabled=False)
    check(c.get_email_identity(EmailIdentity="example.com")["FeedbackForwardingStatus"] is False, "forwarding off")
    c.put_email_identity_mail_from_attributes(EmailIdentity="example.com", MailFromDomain="Bounce.Example.com",
                                              BehaviorOnMxFailure="REJECT_MESSAGE")
    want = {"MailFromDomain": "bounce.example.com", "MailFromDomainStatus": "SUCCESS", "BehaviorOnMxFailure": "REJECT_MESSAGE"}
    got = c.get_email_identity(EmailIdentity="example.com")
    check(got["MailFromAttributes"] == want, f"MailFromAttributes {got['MailFromAttributes']}")
    cli = sesm("identity", "get", "example.com")
    check(cli["MailFromAttributes"] == want and cli["FeedbackForwardingStatus"] is False, f"the command line: {cli}")
    # An address's MAIL FROM domain is under the address's domain.
    c.put_email_identity_mail_from_attributes(EmailIdentity="jane@example.org", MailFromDomain="mail.example.org")
    # A Put without a domain removes it; the behaviour goes back to its default.
    c.put_email_identity_mail_from_attributes(EmailIdentity="jane@example.org")
    got = c.get_email_identity(EmailIdentity="jane@example.org")["MailFromAttributes"]
    check(got == {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"}, f"cleared: {got}")
    for identity, domain in [("example.com", "example.com"), ("example.com", "mail.example.org"),
                             ("example.com", "mailexample.com"), ("jane@example.org", "mail.example.com")]:
        refused(lambda: c.put_email_identity_mail_from_attributes(EmailIdentity=identity, MailFromDomain=domain),
                "BadRequestException", 400,
                f"Provided MAIL-FROM domain <{domain}> is not subdomain of the domain of the identity <{identity}>.")
    refused(lambda: c.put_email_identity_mail_from_attributes(EmailIdentity="example.com", MailFromDomain="bad_name.example.com"),
            "BadRequestException", 400, "Invalid MAIL FROM domain 'bad_name.example.com': …")
    refused(lambda: raw.put_email_identity_mail_from_attributes(EmailIdentity="example.com", MailFromDomain="m.example.com",
                                                                BehaviorOnMxFailure="BOUNCE"),
            "BadRequestException", 400,
            "1 validation error detected: Value 'BOUNCE' at 'behaviorOnMxFailure' failed to satisfy constraint: "
            "Member must satisfy enum value set: [USE_DEFAULT_VALUE, REJECT_MESSAGE]")
    for call in [
        lambda: c.put_email_identity_mail_from_attributes(EmailIdentity="nope.com", MailFromDomain="m.nope.com"),
        lambda: c.put_email_identity_feedback_attributes(EmailIdentity="nope.com", EmailForwardingEnabled=True),
        lambda: c.put_email_identity_dkim_attributes(EmailIdentity="nope.com", SigningEnabled=True),
        lambda: c.put_email_identity_dkim_signing_attributes(EmailIdentity="nope.com", SigningAttributesOrigin="AWS_SES"),
    ]:
        refused(call, "NotFoundException", 404, "Email identity nope.com does not exist.")
    print(f"feedback and MAIL FROM ok ({count()} checks)", flush=True)


def dkim(c, raw):
    c.put_email_identity_dkim_attributes(EmailIdentity="example.com", SigningEnabled=False)
    got = c.get_email_identity(EmailIdentity="example.com")["DkimAttributes"]
    check(got["SigningEnabled"] is False and got["SigningAttributesOrigin"] == "AWS_SES", f"signing off: {got}")
    c.put_email_identity_dkim_attributes(EmailIdentity="example.com", SigningEnabled=True)
    easy_tokens = got["Tokens"]
    # Easy DKIM's next key length.
    out = c.put_email_identity_dkim_signing_attributes(
        EmailIdentity="example.com", SigningAttributesOrigin="AWS_SES",
        SigningAttributes={"NextSigningKeyLength": "RSA_1024_BIT"})
    check(out["DkimStatus"] == "SUCCESS" and out["DkimTokens"] == easy_tokens, f"Easy DKIM answer {out}")
    got = c.get_email_identity(EmailIdentity="example.com")["DkimAttributes"]
    check(got["NextSigningKeyLength"] == "RSA_1024_BIT" and got["SigningEnabled"] is True, f"next length: {got}")
    # BYODKIM by Put, then back to Easy DKIM.
    out = c.put_email_identity_dkim_signing_attributes(
        EmailIdentity="example.com", SigningAttributesOrigin="EXTERNAL",
        SigningAttributes={"DomainSigningSelector": "sel1", "DomainSigningPrivateKey": key(1192)})
    check(out == {"DkimStatus": "SUCCESS", "DkimTokens": ["sel1"], "ResponseMetadata": out["ResponseMetadata"]}, f"BYODKIM answer {out}")
    got = c.get_email_identity(EmailIdentity="example.com")["DkimAttributes"]
    check(got["SigningAttributesOrigin"] == "EXTERNAL" and got["Tokens"] == ["sel1"], f"BYODKIM: {got}")
    check("DomainSigningPrivateKey" not in open(STATE).read() and key(1192) not in open(STATE).read(), "the key is not kept")
    c.put_email_identity_dkim_signing_attributes(EmailIdentity="example.com", SigningAttributesOrigin="AWS_SES")
    got = c.get_email_identity(EmailIdentity="example.com")["DkimAttributes"]
    check(got["SigningAttributesOrigin"] == "AWS_SES" and got["Tokens"] == easy_tokens, f"back to Easy DKIM: {got}")
    # BYODKIM at creation.
    c.create_email_identity(EmailIdentity="byo.example.com",
                            DkimSigningAttributes={"DomainSigningSelector": "s2", "DomainSigningPrivateKey": key(610)})
    got = c.get_email_identity(EmailIdentity="byo.example.com")["DkimAttributes"]
    check(got["SigningAttributesOrigin"] == "EXTERNAL" and got["Tokens"] == ["s2"], f"BYODKIM at creation: {got}")
    check(sesm("identity", "get", "byo.example.com")["DkimAttributes"] == got, "the command line shows the same DKIM")
    byo = lambda **attrs: c.put_email_identity_dkim_signing_attributes(
        EmailIdentity="example.com", SigningAttributesOrigin="EXTERNAL", SigningAttributes=attrs)
    refused(lambda: byo(DomainSigningSelector="sel1", DomainSigningPrivateKey="bm90IGEga2V5"),
            "BadRequestException", 400, "Invalid DomainSigningPrivateKey: it is not a DER-encoded key; …")
    refused(lambda: byo(DomainSigningSelector="sel1", DomainSigningPrivateKey=key(200)),
            "BadRequestException", 400, "Invalid DomainSigningPrivateKey: a 200-byte key is not the size of a 1024- or 2048-bit RSA key; …")
    refused(lambda: raw.put_email_identity_dkim_signing_attributes(
                EmailIdentity="example.com", SigningAttributesOrigin="EXTERNAL",
                SigningAttributes={"DomainSigningSelector": "sel1", "DomainSigningPrivateKey": "-----BEGIN"}),
            "BadRequestException", 400, "Invalid DomainSigningPrivateKey: it is not base64; …")
    refused(lambda: byo(DomainSigningSelector="sel1"), "BadRequestException", 400,
            "BYODKIM (EXTERNAL) needs both DomainSigningSelector and DomainSigningPrivateKey.")
    refused(lambda: raw.put_email_identity_dkim_signing_attributes(
                EmailIdentity="example.com", SigningAttributesOrigin="EXTERNAL",
                SigningAttributes={"DomainSigningSelector": "-sel", "DomainSigningPrivateKey": key(1192)}),
            "BadRequestException", 400, "Invalid DomainSigningSelector '-sel': …")
    refused(lambda: c.put_email_identity_dkim_signing_attributes(
                EmailIdentity="jane@example.org", SigningAttributesOrigin="AWS_SES"),
            "BadRequestException", 400,
            "jane@example.org is an email address: DKIM signing attributes can only be set for a domain identity.")
    refused(lambda: raw.put_email_identity_dkim_signing_attributes(EmailIdentity="example.com", SigningAttributesOrigin="MINE"),
            "BadRequestException", 400,
            "1 validation error detected: Value 'MINE' at 'signingAttributesOrigin' failed to satisfy constraint: "
            "Member must satisfy enum value set: [AWS_SES, EXTERNAL, AWS_SES_<REGION>]")
    refused(lambda: raw.put_email_identity_dkim_signing_attributes(
                EmailIdentity="example.com", SigningAttributesOrigin="AWS_SES", SigningAttributes={"NextSigningKeyLength": "RSA_4096_BIT"}),
            "BadRequestException", 400,
            "1 validation error detected: Value 'RSA_4096_BIT' at 'signingAttributes.nextSigningKeyLength' failed to satisfy constraint: "
            "Member must satisfy enum value set: [RSA_1024_BIT, RSA_2048_BIT]")
    refused(lambda: c.put_email_identity_dkim_signing_attributes(EmailIdentity="example.com", SigningAttributesOrigin="AWS_SES_US_WEST_2"),
            "BadRequestException", 400,
            "The parent identity example.com does not exist in us-west-2, so AWS_SES_US_WEST_2 can't replicate it.")
    refused(lambda: c.create_email_identity(EmailIdentity="bad.example.com",
                                            DkimSigningAttributes={"DomainSigningSelector": "s", "DomainSigningPrivateKey": key(100)}),
            "BadRequestException", 400, "Invalid DomainSigningPrivateKey: …")
    print(f"dkim ok ({count()} checks)", flush=True)


def main():
    c, raw = client(), client(validate=False)
    feedback_and_mail_from(c, raw)
    dkim(c, raw)
    print(f"all ok ({count()} checks)", flush=True)


main()
