"""Custom verification email templates and SendCustomVerificationEmail through `sesm serve`
with boto3, both APIs: the templates' rules (a verified sender, the HTML SES allows, 50 per
region), the message in the outbox with its link on the server, the address pending until the
link is followed, then verified and redirected to the template's success URL (a wrong token to
its failure URL). Every refusal with its code, status and message, the state file
byte-identical after it.

    python custom_verification.py ENDPOINT SESM_BINARY STATE_FILE

Run by tests/cli/coverage.rs under both client environments.
"""

import json
import re
import sys
import urllib.error
import urllib.request

from checks import check, client, count, refused, setup

ENDPOINT, SESM, STATE = sys.argv[1], sys.argv[2], sys.argv[3]
setup(ENDPOINT, SESM, STATE, "eu-west-1")
TEMPLATE = {
    "TemplateName": "welcome", "FromEmailAddress": "no-reply@example.com", "TemplateSubject": "Please confirm",
    "TemplateContent": "<html><body><h1>Welcome!</h1><p>Confirm your address.</p></body></html>",
    "SuccessRedirectionURL": "https://example.com/verified", "FailureRedirectionURL": "https://example.com/failed",
}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def follow(url):
    """The status and Location of a link, without following the redirect."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url) as r:
            return r.status, r.headers.get("Location")
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Location")


def message(message_id):
    with urllib.request.urlopen(f"{ENDPOINT}/_sesm/outbox/{message_id}") as r:
        return json.load(r)


def templates(c, v1):
    refused(lambda: c.create_custom_verification_email_template(**TEMPLATE), "NotFoundException", 404,
            "Email address no-reply@example.com is not verified: the FromEmailAddress of a custom verification email template must be a verified identity.")
    c.create_email_identity(EmailIdentity="example.com")
    c.create_custom_verification_email_template(**TEMPLATE)
    got = c.get_custom_verification_email_template(TemplateName="welcome")
    check({k: got[k] for k in TEMPLATE} == TEMPLATE, f"get {got}")
    refused(lambda: c.create_custom_verification_email_template(**TEMPLATE), "AlreadyExistsException", 400,
            "Custom verification email template welcome already exists.")
    refused(lambda: c.create_custom_verification_email_template(**dict(TEMPLATE, TemplateName="x", TemplateContent="<a href='x'>y</a>")),
            "BadRequestException", 400, "Invalid custom verification email content: the tag <a> is not allowed.")
    refused(lambda: c.create_custom_verification_email_template(**dict(TEMPLATE, TemplateName="x", TemplateContent="<!-- c --><p>y</p>")),
            "BadRequestException", 400, "Invalid custom verification email content: comment tags are not allowed.")
    refused(lambda: c.create_custom_verification_email_template(**dict(TEMPLATE, TemplateName="x", SuccessRedirectionURL="ftp://x")),
            "BadRequestException", 400, "Invalid SuccessRedirectionURL 'ftp://x': an http:// or https:// URL.")
    for i in range(49):
        c.create_custom_verification_email_template(**dict(TEMPLATE, TemplateName=f"t{i:02}"))
    refused(lambda: c.create_custom_verification_email_template(**dict(TEMPLATE, TemplateName="last")), "LimitExceededException",
            400, "A region holds at most 50 custom verification email templates.")
    page = c.list_custom_verification_email_templates(PageSize=20)
    check(len(page["CustomVerificationEmailTemplates"]) == 20 and "NextToken" in page, "paged")
    names = [t["TemplateName"] for p in c.get_paginator("list_custom_verification_email_templates").paginate()
             for t in p["CustomVerificationEmailTemplates"]] if c.can_paginate("list_custom_verification_email_templates") else []
    check(not names or len(names) == 50, f"paginator {len(names)}")
    for i in range(49):
        c.delete_custom_verification_email_template(TemplateName=f"t{i:02}")
    c.update_custom_verification_email_template(**dict(TEMPLATE, TemplateSubject="Confirm your address"))
    check(c.get_custom_verification_email_template(TemplateName="welcome")["TemplateSubject"] == "Confirm your address", "update")
    refused(lambda: c.get_custom_verification_email_template(TemplateName="nope"), "NotFoundException", 404,
            "Custom verification email template nope does not exist.")
    # v1 reads the same templates, and takes an update of one member.
    v1.update_custom_verification_email_template(TemplateName="welcome", TemplateSubject="Please confirm")
    got = v1.list_custom_verification_email_templates()["CustomVerificationEmailTemplates"]
    check([t["TemplateName"] for t in got] == ["welcome"] and got[0]["TemplateSubject"] == "Please confirm", f"v1 {got}")
    refused(lambda: v1.get_custom_verification_email_template(TemplateName="nope"), "CustomVerificationEmailTemplateDoesNotExist",
            400, "Custom verification email template nope does not exist.")
    print(f"templates ok ({count()} checks)", flush=True)


def verification(c, v1):
    to = {"ToAddresses": ["someone@else.org"]}
    content = {"Simple": {"Subject": {"Data": "x"}, "Body": {"Text": {"Data": "y"}}}}
    refused(lambda: c.send_custom_verification_email(EmailAddress="new@signup.org", TemplateName="nope"),
            "NotFoundException", 404, "Custom verification email template nope does not exist.")
    sent = c.send_custom_verification_email(EmailAddress="new@signup.org", TemplateName="welcome")
    m = message(sent["MessageId"])
    check(m["From"] == "no-reply@example.com" and m["To"] == ["new@signup.org"] and m["Subject"] == "Please confirm", f"the message {m}")
    links = re.findall(r'href="([^"]+)"', m["Html"])
    check(len(links) == 1 and links[0].startswith(f"{ENDPOINT}/_sesm/verify?region=eu-west-1&amp;identity=new%40signup.org&amp;token="), f"link {links}")
    check("Welcome!" in m["Html"] and "aws-email-domain-verification@amazon.com" in m["Html"], "content and disclaimer")
    link = links[0].replace("&amp;", "&")
    got = c.get_email_identity(EmailIdentity="new@signup.org")
    check(got["VerificationStatus"] == "PENDING" and got["VerifiedForSendingStatus"] is False, f"pending {got}")
    refused(lambda: c.send_email(FromEmailAddress="new@signup.org", Destination=to, Content=content), "MessageRejected", 400,
            "Email address is not verified. The following identities failed the check in region EU-WEST-1: new@signup.org")
    check(follow(link.rsplit("token=", 1)[0] + "token=wrong") == (302, "https://example.com/failed"), "a wrong token: the failure URL")
    check(follow(link) == (302, "https://example.com/verified"), "the link: the success URL")
    got = c.get_email_identity(EmailIdentity="new@signup.org")
    check(got["VerificationStatus"] == "SUCCESS" and got["VerifiedForSendingStatus"] is True, f"verified {got}")
    c.send_email(FromEmailAddress="new@signup.org", Destination=to, Content=content)
    # v1: the same, pending in v1's words until its link is followed.
    sent = v1.send_custom_verification_email(EmailAddress="other@signup.org", TemplateName="welcome")
    attrs = v1.get_identity_verification_attributes(Identities=["other@signup.org"])["VerificationAttributes"]
    check(attrs["other@signup.org"]["VerificationStatus"] == "Pending", f"v1 pending {attrs}")
    link = re.findall(r'href="([^"]+)"', message(sent["MessageId"])["Html"])[0].replace("&amp;", "&")
    check(follow(link)[0] == 302, "v1's link")
    attrs = v1.get_identity_verification_attributes(Identities=["other@signup.org"])["VerificationAttributes"]
    check(attrs["other@signup.org"]["VerificationStatus"] == "Success", f"v1 verified {attrs}")
    refused(lambda: v1.send_custom_verification_email(EmailAddress="x@signup.org", TemplateName="welcome", ConfigurationSetName="nope"),
            "ConfigurationSetDoesNotExist", 400, "Configuration set <nope> does not exist.")
    c.delete_custom_verification_email_template(TemplateName="welcome")
    refused(lambda: c.delete_custom_verification_email_template(TemplateName="welcome"), "NotFoundException", 404,
            "Custom verification email template welcome does not exist.")
    v1.delete_custom_verification_email_template(TemplateName="welcome")
    print(f"verification ok ({count()} checks)", flush=True)


c = client()
v1 = client("ses")
templates(c, v1)
verification(c, v1)
print("all ok")
