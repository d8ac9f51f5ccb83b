"""Drives `sesm serve`'s stored email templates with boto3 and the AWS CLI: create, get, list
(paged), update, delete, test render, sends by name, by ARN and inline, a missing variable
accepted and recorded, and every refusal with its code, status and message, the state file
byte-identical after it.

    python templates.py ENDPOINT SESM_BINARY STATE_FILE

Run by tests/cli/templates.rs under both client environments. Prints one line per group of
checks; exits 1 on the first failure with what was expected and what came back.
"""

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request

from checks import check, client, count, refused, sesm, setup, state_bytes

ENDPOINT, SESM, STATE = sys.argv[1], sys.argv[2], sys.argv[3]
setup(ENDPOINT, SESM, STATE, "eu-west-1")
REGION = "eu-west-1"
ACCOUNT = "123456789012"


def outbox(**params):
    params["region"] = REGION
    with urllib.request.urlopen(f"{ENDPOINT}/_sesm/outbox?{urllib.parse.urlencode(params)}") as r:
        return json.load(r)["Messages"]


WELCOME = {
    "Subject": "Welcome, {{user.name}}",
    "Text": "{{#if vip}}VIP {{/if}}Hello {{user.name}}:{{#each items}} [{{this}}]{{/each}}",
    "Html": "<p>Hello {{user.name}}</p>",
}


def crud():
    c = client()
    c.create_email_template(TemplateName="welcome", TemplateContent=WELCOME,
                            Tags=[{"Key": "team", "Value": "growth"}])
    got = c.get_email_template(TemplateName="welcome")
    check(got["TemplateName"] == "welcome" and got["TemplateContent"] == WELCOME, f"get {got}")
    check(got.get("Tags") == [{"Key": "team", "Value": "growth"}], f"tags {got.get('Tags')}")
    # Another region has its own templates.
    refused(lambda: client(region="us-east-1").get_email_template(TemplateName="welcome"), "NotFoundException", 404,
            "Template welcome does not exist.")
    for i in range(23):
        c.create_email_template(TemplateName=f"bulk-{i:02}", TemplateContent={"Subject": f"s{i}", "Text": "t"})
    # Paging: 10 by default, PageSize otherwise, every name once, in order, no token at the end.
    first = c.list_email_templates()
    check(len(first["TemplatesMetadata"]) == 10 and "NextToken" in first, f"default page {first}")
    check(all(isinstance(m["CreatedTimestamp"].year, int) for m in first["TemplatesMetadata"]), "CreatedTimestamp")
    names, token = [], None
    while True:
        page = c.list_email_templates(PageSize=7, **({"NextToken": token} if token else {}))
        check(len(page["TemplatesMetadata"]) <= 7, "PageSize")
        names += [m["TemplateName"] for m in page["TemplatesMetadata"]]
        token = page.get("NextToken")
        if not token:
            break
    check(names == sorted(names) and len(names) == 24 and "welcome" in names, f"paged names {names}")
    paginated = [m["TemplateName"] for p in c.get_paginator("list_email_templates").paginate()
                 for m in p["TemplatesMetadata"]] if c.can_paginate("list_email_templates") else names
    check(paginated == names, "boto3's paginator")
    # Update replaces the content, keeps the creation time.
    created = [m for m in first["TemplatesMetadata"] if m["TemplateName"] == "bulk-00"][0]["CreatedTimestamp"]
    c.update_email_template(TemplateName="bulk-00", TemplateContent={"Subject": "new {{x}}"})
    got = c.get_email_template(TemplateName="bulk-00")["TemplateContent"]
    check(got == {"Subject": "new {{x}}"}, f"updated {got}")
    again = [m for m in c.list_email_templates(PageSize=100)["TemplatesMetadata"] if m["TemplateName"] == "bulk-00"]
    check(again[0]["CreatedTimestamp"] == created, "update keeps CreatedTimestamp")
    for i in range(23):
        c.delete_email_template(TemplateName=f"bulk-{i:02}")
    check([m["TemplateName"] for m in c.list_email_templates()["TemplatesMetadata"]] == ["welcome"], "deleted")
    check("Templates" in state_bytes().decode() and json.loads(state_bytes())["SchemaVersion"] >= 7, "stored, version 7 or later")
    print(f"crud ok ({count()} checks)", flush=True)


def refusals():
    c, raw = client(), client(validate=False)
    refused(lambda: c.create_email_template(TemplateName="welcome", TemplateContent={"Subject": "x"}),
            "AlreadyExistsException", 400, "Template welcome already exists.")
    for name in ["has space", "dot.ted", "n" * 65]:
        refused(lambda: c.create_email_template(TemplateName=name, TemplateContent={"Subject": "x"}),
                "BadRequestException", 400, contains="1 to 64 characters")
    refused(lambda: raw.create_email_template(TemplateName="", TemplateContent={"Subject": "x"}),
            "BadRequestException", 400)
    refused(lambda: raw.create_email_template(TemplateName="nocontent"), "BadRequestException", 400,
            contains="TemplateContent")
    refused(lambda: c.create_email_template(TemplateName="nosubject", TemplateContent={"Text": "x"}),
            "BadRequestException", 400, "The subject must be specified.")
    refused(lambda: c.create_email_template(TemplateName="big", TemplateContent={"Subject": "s", "Html": "x" * 512000}),
            "BadRequestException", 400, contains="500 KB")
    refused(lambda: c.create_email_template(TemplateName="broken", TemplateContent={"Subject": "{{#if x}}open"}),
            "BadRequestException", 400, contains="not valid Handlebars")
    refused(lambda: c.create_email_template(TemplateName="tagged", TemplateContent={"Subject": "s"},
                                            Tags=[{"Key": "aws:x", "Value": "1"}]), "BadRequestException", 400)
    for call in [lambda: c.get_email_template(TemplateName="nope"),
                 lambda: c.update_email_template(TemplateName="nope", TemplateContent={"Subject": "x"}),
                 lambda: c.delete_email_template(TemplateName="nope"),
                 lambda: c.test_render_email_template(TemplateName="nope", TemplateData="{}")]:
        refused(call, "NotFoundException", 404, "Template nope does not exist.")
    refused(lambda: c.update_email_template(TemplateName="welcome", TemplateContent={"Html": "x"}),
            "BadRequestException", 400, "The subject must be specified.")
    refused(lambda: raw.list_email_templates(PageSize=101), "BadRequestException", 400, contains="1 to 100")
    refused(lambda: raw.list_email_templates(PageSize=0), "BadRequestException", 400)
    refused(lambda: c.list_email_templates(NextToken="garbage"), "BadRequestException", 400, contains="NextToken")
    for data in ["not json", "[1]", ""]:
        refused(lambda: raw.test_render_email_template(TemplateName="welcome", TemplateData=data),
                "BadRequestException", 400, "Template rendering data is invalid")
    refused(lambda: c.test_render_email_template(TemplateName="welcome", TemplateData='{"vip": true, "items": []}'),
            "BadRequestException", 400, "Attribute 'user.name' is not present in the rendering data.")
    print(f"refusals ok ({count()} checks)", flush=True)


def render():
    c = client()
    data = {"user": {"name": "Ada & Co"}, "vip": True, "items": ["a", "b"]}
    mime = c.test_render_email_template(TemplateName="welcome", TemplateData=json.dumps(data))["RenderedTemplate"]
    check(mime.startswith("Subject: Welcome, Ada & Co\r\nMIME-Version: 1.0\r\n"), mime[:200])
    check("Content-Type: multipart/alternative;" in mime, mime)
    check("Content-Type: text/plain; charset=UTF-8" in mime and "Content-Type: text/html; charset=UTF-8" in mime, mime)
    check("VIP Hello Ada & Co: [a] [b]" in mime, mime)
    check("<p>Hello Ada &amp; Co</p>" in mime, mime)
    data = {"user": {"name": "Bob"}, "vip": False, "items": []}
    mime = c.test_render_email_template(TemplateName="welcome", TemplateData=json.dumps(data))["RenderedTemplate"]
    check("\r\n\r\nHello Bob:\r\n" in mime and "VIP" not in mime, mime)
    print(f"render ok ({count()} checks)", flush=True)


def sending():
    c = client()
    sesm("identity", "create", "shop.example.com")
    arn = f"arn:aws:ses:{REGION}:{ACCOUNT}:template/welcome"
    data = json.dumps({"user": {"name": "Ann"}, "vip": False, "items": []})
    by_name = c.send_email(FromEmailAddress="news@shop.example.com", Destination={"ToAddresses": ["n@gmail.com"]},
                           Content={"Template": {"TemplateName": "welcome", "TemplateData": data}})
    by_arn = c.send_email(FromEmailAddress="news@shop.example.com", Destination={"ToAddresses": ["a@gmail.com"]},
                          Content={"Template": {"TemplateArn": arn, "TemplateData": data}})
    inline = c.send_email(FromEmailAddress="news@shop.example.com", Destination={"ToAddresses": ["i@gmail.com"]},
                          Content={"Template": {"TemplateContent": {"Subject": "Inline {{n}}", "Text": "x"},
                                                "TemplateData": '{"n": 7}'}})
    check(all(r["MessageId"] for r in [by_name, by_arn, inline]), "message ids")
    sent = {m["To"][0]: m for m in outbox()}
    check(sent["n@gmail.com"]["Subject"] == "Welcome, Ann" and "RenderingFailure" not in sent["n@gmail.com"], sent)
    check(sent["a@gmail.com"]["Subject"] == "Welcome, Ann", "by ARN")
    check(sent["i@gmail.com"]["Subject"] == "Inline 7", "inline")
    # A variable the data lacks: accepted, recorded as a rendering failure.
    missing = c.send_email(FromEmailAddress="news@shop.example.com", Destination={"ToAddresses": ["m@gmail.com"]},
                           Content={"Template": {"TemplateName": "welcome", "TemplateData": "{}"}})
    m = [x for x in outbox(to="m@gmail.com") if x["MessageId"] == missing["MessageId"]][0]
    check(m.get("RenderingFailure") == "Attribute 'user.name' is not present in the rendering data.", m)
    # Bulk: each entry's replacement data over the default data.
    bulk = c.send_bulk_email(
        FromEmailAddress="news@shop.example.com",
        DefaultContent={"Template": {"TemplateName": "welcome",
                                     "TemplateData": json.dumps({"user": {"name": "Default"}, "items": []})}},
        BulkEmailEntries=[
            {"Destination": {"ToAddresses": ["b1@gmail.com"]}},
            {"Destination": {"ToAddresses": ["b2@gmail.com"]},
             "ReplacementEmailContent": {"ReplacementTemplate": {"ReplacementTemplateData": '{"user": {"name": "Two"}}'}}},
        ])
    check([r["Status"] for r in bulk["BulkEmailEntryResults"]] == ["SUCCESS", "SUCCESS"], bulk)
    sent = {m["To"][0]: m["Subject"] for m in outbox()}
    check(sent["b1@gmail.com"] == "Welcome, Default" and sent["b2@gmail.com"] == "Welcome, Two", sent)
    # Refusals of a templated send.
    dest = {"ToAddresses": ["r@gmail.com"]}
    send = lambda t: c.send_email(FromEmailAddress="news@shop.example.com", Destination=dest, Content={"Template": t})
    refused(lambda: send({"TemplateName": "nope"}), "NotFoundException", 404, "Template nope does not exist.")
    refused(lambda: send({"TemplateArn": f"arn:aws:ses:{REGION}:{ACCOUNT}:template/nope"}), "NotFoundException", 404,
            "Template nope does not exist.")
    refused(lambda: send({"TemplateArn": f"arn:aws:ses:us-east-1:{ACCOUNT}:template/welcome"}), "NotFoundException", 404)
    refused(lambda: send({"TemplateArn": "not-an-arn"}), "BadRequestException", 400, contains="Invalid TemplateArn")
    refused(lambda: send({"TemplateName": "welcome", "TemplateData": "not json"}), "BadRequestException", 400,
            "Template rendering data is invalid")
    refused(lambda: send({"TemplateContent": {"Subject": "s"}, "TemplateData": "[]"}), "BadRequestException", 400,
            "Template rendering data is invalid")
    refused(lambda: send({"TemplateName": "welcome", "TemplateContent": {"Subject": "s"}}), "BadRequestException", 400)
    print(f"sending ok ({count()} checks)", flush=True)


def aws_cli():
    env = dict(os.environ)
    env.update({"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_DEFAULT_REGION": REGION,
                "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
                "AWS_EC2_METADATA_DISABLED": "true", "AWS_MAX_ATTEMPTS": "1", "AWS_PAGER": ""})
    aws = os.path.join(os.path.dirname(sys.executable), "aws")

    def run(*args):
        return subprocess.run([aws, "sesv2", *args, "--endpoint-url", ENDPOINT, "--output", "json"],
                              capture_output=True, text=True, env=env)

    out = run("create-email-template", "--template-name", "from-cli",
              "--template-content", json.dumps({"Subject": "Hi {{n}}", "Text": "t"}))
    check(out.returncode == 0, f"aws create-email-template: {out.stderr}")
    out = run("list-email-templates")
    check(out.returncode == 0, out.stderr)
    names = [m["TemplateName"] for m in json.loads(out.stdout)["TemplatesMetadata"]]
    check(names == ["from-cli", "welcome"], f"aws list-email-templates {names}")
    out = run("create-email-template", "--template-name", "from-cli", "--template-content", '{"Subject": "x"}')
    check(out.returncode in (254, 255) and "An error occurred (AlreadyExistsException) when calling the "
          "CreateEmailTemplate operation: Template from-cli already exists." in out.stderr, out.stderr)
    print(f"aws cli ok ({count()} checks)", flush=True)


crud()
refusals()
render()
sending()
aws_cli()
print(f"all ok ({count()} checks)", flush=True)
