#!/usr/bin/env python3
"""Generates the wire types of sesm's two AWS doors from botocore's service models.

    python3 scripts/gen_api.py [--out DIR]

It reads the models committed under scripts/models/ (gzip, as botocore ships them):

- `sesv2-2019-09-27.old.json.gz` (botocore 1.43.11: the GET list routes) and
  `sesv2-2019-09-27.json.gz` (botocore 1.44.18: the POST list routes, `SharedPoolDeliveryMode`);
- `sesv2-2019-09-27.1.40.json.gz` (botocore 1.40.0), for its routes only: it has
  PutEmailIdentityDkimSigningAttributes at `/v1/email/identities/{EmailIdentity}/dkim/signing`,
  where the Go SDK (so Terraform) still sends it;
- `ses-2010-12-01.json.gz` (botocore 1.44.18: SES v1, the query protocol).

and writes, under DIR (default: the repository's `src`):

- `ops/operation.rs`: the `Operation` enum (every operation of either SESv2 model), which
  the command line names its SES operations by;
- `server/sesv2/routes.rs`: the route table (every `(method, URI)` of the three models);
- `server/sesv2/shapes.rs`: for each operation in `SESV2` below, its request body (`…Body`:
  body members only; path labels and query members are read from the URI) and its output
  (`…Response`), with every shape they reach;
- `server/sesv1/actions.rs`: the `Action` enum (every SES v1 action);
- `server/sesv1/shapes.rs`: for each action in `SESV1` below, its request (read from the
  form as botocore's query serializer flattens it) and its result (written as XML).

A new operation is an entry in `SESV2` or `SESV1` (then run this script) plus one handler:
the door's exhaustive `match` on `Operation` / `Action` does not compile until the handler is
named there. `tests/architecture.rs` runs this script into a temp folder and fails when the
committed files differ from what it writes.
"""
import gzip
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "models")

# The SESv2 operations sesm serves: each gets typed request and response structs.
SESV2 = [
    "CreateConfigurationSet", "CreateConfigurationSetEventDestination",
    "CreateDedicatedIpPool", "CreateEmailIdentity", "CreateEmailTemplate",
    "DeleteConfigurationSet", "DeleteConfigurationSetEventDestination",
    "DeleteDedicatedIpPool", "DeleteEmailIdentity", "DeleteEmailTemplate",
    "DeleteSuppressedDestination",
    "GetAccount", "GetConfigurationSet", "GetConfigurationSetEventDestinations",
    "GetDedicatedIp", "GetDedicatedIpPool", "GetDedicatedIps", "GetEmailIdentity",
    "GetEmailTemplate", "GetSuppressedDestination",
    "ListConfigurationSets", "ListDedicatedIpPools", "ListEmailIdentities",
    "ListEmailTemplates", "ListSuppressedDestinations", "ListTagsForResource",
    "PutAccountDedicatedIpWarmupAttributes", "PutAccountSendingAttributes",
    "PutAccountSuppressionAttributes",
    "PutConfigurationSetArchivingOptions", "PutConfigurationSetDeliveryOptions",
    "PutConfigurationSetReputationOptions", "PutConfigurationSetSendingOptions",
    "PutConfigurationSetSuppressionOptions", "PutConfigurationSetTrackingOptions",
    "PutConfigurationSetVdmOptions",
    "PutDedicatedIpInPool", "PutDedicatedIpPoolScalingAttributes",
    "PutDedicatedIpWarmupAttributes",
    "PutEmailIdentityConfigurationSetAttributes", "PutEmailIdentityDkimAttributes",
    "PutEmailIdentityDkimSigningAttributes", "PutEmailIdentityFeedbackAttributes",
    "PutEmailIdentityMailFromAttributes",
    "PutSuppressedDestination",
    "SendBulkEmail", "SendEmail",
    "TagResource", "TestRenderEmailTemplate", "UntagResource",
    "UpdateConfigurationSetEventDestination", "UpdateEmailTemplate",
    # List management, sending authorization, custom verification (issue 32).
    "CreateContact", "CreateContactList", "CreateCustomVerificationEmailTemplate",
    "CreateEmailIdentityPolicy", "CreateImportJob",
    "DeleteContact", "DeleteContactList", "DeleteCustomVerificationEmailTemplate",
    "DeleteEmailIdentityPolicy",
    "GetContact", "GetContactList", "GetCustomVerificationEmailTemplate",
    "GetEmailIdentityPolicies", "GetImportJob",
    "ListContactLists", "ListContacts", "ListCustomVerificationEmailTemplates", "ListImportJobs",
    "SendCustomVerificationEmail",
    "UpdateContact", "UpdateContactList", "UpdateCustomVerificationEmailTemplate",
    "UpdateEmailIdentityPolicy",
    # VDM and insights (issue 33, group A).
    "BatchGetMetricData", "CancelExportJob", "CreateExportJob", "GetEmailAddressInsights",
    "GetExportJob", "GetMessageInsights", "ListExportJobs", "PutAccountVdmAttributes",
    # Tenants, multi-region endpoints, identity certificates, the account (issue 33, group C).
    "AssociateEmailIdentityCertificate", "CreateMultiRegionEndpoint", "CreateTenant",
    "CreateTenantResourceAssociation", "DeleteMultiRegionEndpoint", "DeleteTenant",
    "DeleteTenantResourceAssociation", "DisassociateEmailIdentityCertificate",
    "GetMultiRegionEndpoint", "GetTenant", "ListEmailIdentityCertificates",
    "ListMultiRegionEndpoints", "ListResourceTenants", "ListTenantResources", "ListTenants",
    "PutAccountDeliveryAttributes", "PutAccountDetails", "PutAccountPricingAttributes",
    "PutTenantSuppressionAttributes", "UpdateConfigurationSet",
    # Deliverability dashboard, recommendations, reputation entities (issue 33, group B).
    "CreateDeliverabilityTestReport", "GetBlacklistReports",
    "GetDeliverabilityDashboardOptions", "GetDeliverabilityTestReport",
    "GetDomainDeliverabilityCampaign", "GetDomainStatisticsReport", "GetReputationEntity",
    "ListDeliverabilityTestReports", "ListDomainDeliverabilityCampaigns", "ListRecommendations",
    "ListReputationEntities", "PutDeliverabilityDashboardOption",
    "UpdateReputationEntityCustomerManagedStatus", "UpdateReputationEntityPolicy",
]

# The SES v1 actions sesm serves.
SESV1 = [
    "CreateConfigurationSet", "CreateConfigurationSetEventDestination",
    "CreateConfigurationSetTrackingOptions", "CreateTemplate",
    "DeleteConfigurationSet", "DeleteConfigurationSetEventDestination",
    "DeleteConfigurationSetTrackingOptions", "DeleteIdentity",
    "DeleteTemplate", "DeleteVerifiedEmailAddress",
    "DescribeConfigurationSet",
    "GetAccountSendingEnabled", "GetIdentityDkimAttributes",
    "GetIdentityMailFromDomainAttributes", "GetIdentityNotificationAttributes",
    "GetIdentityVerificationAttributes", "GetSendQuota", "GetSendStatistics", "GetTemplate",
    "ListConfigurationSets", "ListIdentities", "ListTemplates", "ListVerifiedEmailAddresses",
    "PutConfigurationSetDeliveryOptions",
    "SendBulkTemplatedEmail", "SendEmail", "SendRawEmail", "SendTemplatedEmail",
    "SetIdentityDkimEnabled", "SetIdentityFeedbackForwardingEnabled",
    "SetIdentityHeadersInNotificationsEnabled", "SetIdentityMailFromDomain",
    "SetIdentityNotificationTopic",
    "TestRenderTemplate",
    "UpdateAccountSendingEnabled", "UpdateConfigurationSetEventDestination",
    "UpdateConfigurationSetReputationMetricsEnabled", "UpdateConfigurationSetSendingEnabled",
    "UpdateConfigurationSetTrackingOptions",
    "UpdateTemplate",
    "VerifyDomainDkim", "VerifyDomainIdentity", "VerifyEmailAddress", "VerifyEmailIdentity",
    # Sending authorization, custom verification, SendBounce, email receiving (issue 32).
    "CloneReceiptRuleSet", "CreateCustomVerificationEmailTemplate", "CreateReceiptFilter",
    "CreateReceiptRule", "CreateReceiptRuleSet",
    "DeleteCustomVerificationEmailTemplate", "DeleteIdentityPolicy", "DeleteReceiptFilter",
    "DeleteReceiptRule", "DeleteReceiptRuleSet",
    "DescribeActiveReceiptRuleSet", "DescribeReceiptRule", "DescribeReceiptRuleSet",
    "GetCustomVerificationEmailTemplate", "GetIdentityPolicies",
    "ListCustomVerificationEmailTemplates", "ListIdentityPolicies", "ListReceiptFilters",
    "ListReceiptRuleSets",
    "PutIdentityPolicy", "ReorderReceiptRuleSet", "SendBounce", "SendCustomVerificationEmail",
    "SetActiveReceiptRuleSet", "SetReceiptRulePosition",
    "UpdateCustomVerificationEmailTemplate", "UpdateReceiptRule",
]

HEADER = "// Generated by `scripts/gen_api.py` from botocore's models; do not edit by hand.\n"


def load(name):
    with gzip.open(os.path.join(MODELS, name), "rt") as f:
        return json.load(f)


def snake(name):
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", s).lower()
    return {"type": "r#type", "match": "r#match"}.get(s, s)


class Shapes:
    """Rust types for a model's shapes. Every member is an `Option`: a request's, so that a
    missing one is named as SES names it; a response's, because SES leaves out members its
    model calls required (`MailFromAttributes` without a custom MAIL FROM domain has only
    `BehaviorOnMxFailure`), and clients read what it sends."""

    def __init__(self, shapes, timestamp):
        self.shapes = shapes
        self.timestamp = timestamp
        self.input_structs = set()
        self.output_structs = set()

    def reach(self, name, into):
        s = self.shapes[name]
        t = s["type"]
        if t == "structure":
            if name in into:
                return
            into.add(name)
            for ref in s.get("members", {}).values():
                self.reach(ref["shape"], into)
        elif t == "list":
            self.reach(s["member"]["shape"], into)
        elif t == "map":
            self.reach(s["value"]["shape"], into)

    def rust(self, name):
        s = self.shapes[name]
        t = s["type"]
        if t in ("string", "blob"):
            return "String"
        if t in ("integer", "long"):
            return "i64"
        if t == "boolean":
            return "bool"
        if t in ("double", "float"):
            return "f64"
        if t == "timestamp":
            return self.timestamp
        if t == "list":
            return f"Vec<{self.rust(s['member']['shape'])}>"
        if t == "map":
            return f"BTreeMap<String, {self.rust(s['value']['shape'])}>"
        if t == "structure":
            return name
        raise SystemExit(f"unknown shape type {t} of {name}")

def enum(name, variants, served, doc, served_list):
    """A Rust enum of `variants`, with `ALL`, `name()` and `served()`."""
    lines = [doc, "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]",
             f"pub enum {name} {{"]
    lines += [f"    {v}," for v in variants]
    lines += ["}", "", f"impl {name} {{", "    /// Every variant, in the order of their names.",
              f"    pub const ALL: &[{name}] = &["]
    lines += [f"        {name}::{v}," for v in variants]
    lines += ["    ];", "", "    /// Its name in botocore's model.",
              "    pub fn name(self) -> &'static str {", "        match self {"]
    lines += [f'            {name}::{v} => "{v}",' for v in variants]
    lines += ["        }", "    }", "",
              f"    /// Whether sesm serves it (the generator's `{served_list}` list).",
              "    pub fn served(self) -> bool {",
              "        matches!(self, " + " | ".join(f"{name}::{v}" for v in sorted(served)) + ")",
              "    }"]
    return lines


def members(shape, body_only):
    for member, ref in shape.get("members", {}).items():
        if body_only and "location" in ref:
            continue
        yield member, ref


def missing_impl(model, name, shape, body_only):
    """`Members::missing`: the first member the model requires and the request lacks."""
    lines = [f"impl Members for {name} {{", "    fn missing(&self) -> Option<String> {"]
    required = shape.get("required", [])
    for member, ref in members(shape, body_only):
        field = snake(member)
        if member in required:
            lines.append(f'        if self.{field}.is_none() {{ return Some("{member}".into()); }}')
        target = model.shapes[ref["shape"]]
        if target["type"] == "structure":
            lines.append(f"        if let Some(m) = self.{field}.as_ref().and_then(Members::missing) "
                         f'{{ return Some(format!("{member}.{{m}}")); }}')
        elif target["type"] == "list" and model.shapes[target["member"]["shape"]]["type"] == "structure":
            lines.append(f"        if let Some(m) = self.{field}.iter().flatten().find_map(Members::missing) "
                         f'{{ return Some(format!("{member}.{{m}}")); }}')
    lines += ["        None", "    }", "}", ""]
    return lines


# ---------------------------------------------------------------------------------------------
# SESv2 (rest-json)


def sesv2(out):
    old, new = load("sesv2-2019-09-27.old.json.gz"), load("sesv2-2019-09-27.json.gz")
    oldest = load("sesv2-2019-09-27.1.40.json.gz")
    routes = {}
    for model in (oldest, old, new):
        for name, op in model["operations"].items():
            http = op["http"]
            uri = http["requestUri"].split("?")[0]
            routes[(http["method"], uri)] = name
    ops = sorted({*old["operations"], *new["operations"]})
    unknown = [o for o in SESV2 if o not in ops]
    if unknown:
        raise SystemExit(f"SESV2 names operations the models lack: {unknown}")

    lines = [
        "//! Every SESv2 operation (sesv2 2019-09-27 in botocore's models), by name.",
        HEADER.rstrip(),
        "",
    ]
    lines += enum("Operation", ops, SESV2,
                  "/// Every SESv2 operation; the SESv2 door matches on it exhaustively, so an operation\n"
                  "/// without a handler (or a 501 arm naming it) does not compile.", "SESV2")
    lines += ["}", ""]
    write(out, "ops/operation.rs", lines)
    lines = [
        "//! Every SESv2 route by method and URI, from botocore's service models (sesv2",
        "//! 2019-09-27, one before and one after botocore 1.43.105, so both list routes are here,",
        "//! and 1.40.0's, whose PutEmailIdentityDkimSigningAttributes is under `/v1/`).",
        HEADER.rstrip(),
        "",
        "use crate::ops::Operation;",
        "",
        "/// `(method, URI template, operation)`; `{Label}` is one path segment.",
        "#[rustfmt::skip]",
        "pub const ROUTES: &[(&str, &str, Operation)] = &[",
    ]
    for (method, uri), name in sorted(routes.items(), key=lambda r: (r[0][1], r[0][0])):
        lines.append(f'    ("{method}", "{uri}", Operation::{name}),')
    lines += ["];", ""]
    write(out, "server/sesv2/routes.rs", lines)

    shapes = dict(old["shapes"])
    shapes.update(new["shapes"])
    operations = dict(old["operations"])
    operations.update(new["operations"])
    model = Shapes(shapes, "Epoch")
    for op in SESV2:
        inp = operations[op]["input"]["shape"]
        for _, ref in members(shapes[inp], True):
            model.reach(ref["shape"], model.input_structs)
        if "output" in operations[op]:
            model.reach(operations[op]["output"]["shape"], model.output_structs)

    body = [
        "//! Typed requests and responses of the SESv2 operations sesm serves, from botocore's",
        "//! model. A body is decoded straight into these (unknown members skipped without being",
        "//! built), never into a JSON tree; a response is built from them, so it can carry no",
        "//! member the model lacks.",
        HEADER.rstrip(),
        "",
        "use std::collections::BTreeMap;",
        "",
        "use serde::{Deserialize, Serialize};",
        "",
        "use super::wire::{self, Epoch};",
        "",
        "/// What botocore's model requires of a request: the first required member missing, by its",
        "/// path (`Destination.ToAddresses`), so the refusal names it as SES does.",
        "pub trait Members {",
        "    fn missing(&self) -> Option<String>;",
        "}",
        "",
    ]

    def reader(ref_shape):
        """The `wire` function a decoded member is read with: strings checked for characters
        SES refuses, lists and maps counted against the request's entry budget while they are
        built (issue 29, items 11 and 14); `None` for numbers, booleans and timestamps."""
        t = shapes[ref_shape]["type"]
        if t in ("string", "blob"):
            return "wire::text"
        if t == "list":
            inner = shapes[shapes[ref_shape]["member"]["shape"]]["type"]
            if inner in ("string", "blob"):
                return "wire::texts"
            if inner == "structure":
                return "wire::list"
            raise SystemExit(f"no wire reader for a list of {inner} ({ref_shape})")
        if t == "map":
            value = shapes[shapes[ref_shape]["value"]["shape"]]
            if value["type"] == "string":
                return "wire::text_map"
            if value["type"] == "list" and shapes[value["member"]["shape"]]["type"] == "string":
                return "wire::texts_map"
            raise SystemExit(f"no wire reader for the map {ref_shape}")
        return None

    def struct(name, shape, body_only, doc, decoded):
        derive = "Debug, Default, Clone, PartialEq, Deserialize, Serialize"
        lines = [f"/// {doc}", f"#[derive({derive})]", "#[rustfmt::skip]", f"pub struct {name} {{"]
        for member, ref in members(shape, body_only):
            ty = model.rust(ref["shape"])
            read = reader(ref["shape"]) if decoded else None
            with_ = f', deserialize_with = "{read}"' if read else ""
            lines.append(f'    #[serde(rename = "{member}", default{with_}, skip_serializing_if = "Option::is_none")]')
            lines.append(f"    pub {snake(member)}: Option<{ty}>,")
        lines += ["}", ""]
        if decoded:
            lines += missing_impl(model, name, shape, body_only)
        return lines

    for op in SESV2:
        inp = operations[op]["input"]["shape"]
        if list(members(shapes[inp], True)):
            body += struct(f"{op}Body", shapes[inp], True,
                           f"The JSON body of {op} (path and query members are read from the URI).",
                           True)
    for op in SESV2:
        if "output" not in operations[op]:
            continue
        out_name = operations[op]["output"]["shape"]
        shape = shapes[out_name]
        body += struct(out_name, shape, False, f"The output of {op}.", out_name in model.input_structs)
    done = {operations[o]["output"]["shape"] for o in SESV2 if "output" in operations[o]}
    for name in sorted(model.input_structs | model.output_structs):
        if name in done:
            continue
        body += struct(name, shapes[name], False, f"botocore's `{name}` shape.",
                       name in model.input_structs)
    write(out, "server/sesv2/shapes.rs", body)


# ---------------------------------------------------------------------------------------------
# SES v1 (query protocol: a form in, XML out)


def sesv1(out):
    m = load("ses-2010-12-01.json.gz")
    shapes, operations = m["shapes"], m["operations"]
    actions = sorted(operations)
    unknown = [a for a in SESV1 if a not in actions]
    if unknown:
        raise SystemExit(f"SESV1 names actions the model lacks: {unknown}")
    lines = [
        "//! Every SES v1 action (`ses` 2010-12-01 in botocore's models).",
        HEADER.rstrip(),
        "",
    ]
    lines += enum("Action", actions, SESV1,
                  "/// Every SES v1 action; `sesv1::call` matches on it exhaustively.", "SESV1")
    lines += ["",
              "    /// The action a form names, if SES v1 has it.",
              "    pub fn parse(name: &str) -> Option<Action> {",
              "        Action::ALL.iter().copied().find(|a| a.name() == name)",
              "    }", "}", ""]
    write(out, "server/sesv1/actions.rs", lines)

    model = Shapes(shapes, "jiff::Timestamp")
    for a in SESV1:
        if "input" in operations[a]:
            model.reach(operations[a]["input"]["shape"], model.input_structs)
        if "output" in operations[a]:
            model.reach(operations[a]["output"]["shape"], model.output_structs)

    body = [
        "//! Typed requests and results of the SES v1 actions sesm serves, from botocore's model:",
        "//! a request is read from the form as botocore's query serializer writes it",
        "//! (`Destination.ToAddresses.member.1`, `Tags.member.2.Name`), a result is written as",
        "//! the XML botocore's parser reads.",
        HEADER.rstrip(),
        "",
        "use std::collections::BTreeMap;",
        "",
        "use super::form::{Form, FromForm, Members};",
        "use super::xml::{ToXml, Xml};",
        "use crate::error::Result;",
        "",
    ]

    def read_expr(ref_shape, key):
        """Reads a member at the form key `key` (a format string such as `{prefix}Source`):
        an `Option` of its type."""
        t = shapes[ref_shape]["type"]
        at = "&k" if key == "{k}" else f'&format!("{key}")'
        if t in ("string", "blob"):
            return f"f.string({at})"
        if t in ("integer", "long"):
            return f"f.int({at})?"
        if t == "boolean":
            return f"f.boolean({at})?"
        if t in ("double", "float"):
            return f"f.double({at})?"
        if t == "timestamp":
            return f"f.timestamp({at})?"
        if t == "structure":
            return f'{ref_shape}::from_form(f, &format!("{key}."))?'
        if t == "list":
            inner = shapes[ref_shape]["member"]["shape"]
            return f"f.list({at}, |f, k| Ok({entry_expr(inner)}))?"
        if t == "map":
            inner = shapes[ref_shape]["value"]["shape"]
            return f"f.map({at}, |f, k| Ok({entry_expr(inner)}))?"
        raise SystemExit(f"unknown type {t}")

    def entry_expr(ref_shape):
        # An entry of a list or map is there (its key was seen): what it lacks is its default.
        return f"{read_expr(ref_shape, '{k}')}.unwrap_or_default()"

    def write_stmt(ref_shape, member, expr):
        t = shapes[ref_shape]["type"]
        if t == "list":
            return f'x.list("{member}", {expr});'
        if t == "map":
            return f'x.map("{member}", {expr});'
        return f'x.member("{member}", {expr});'

    for name in sorted(model.input_structs | model.output_structs):
        shape = shapes[name]
        decoded = name in model.input_structs
        written = name in model.output_structs
        doc = f"botocore's `{name}` shape."
        derive = "Debug, Default, Clone, PartialEq"
        out_lines = [f"/// {doc}", f"#[derive({derive})]", "#[rustfmt::skip]", f"pub struct {name} {{"]
        for member, ref in members(shape, False):
            ty = model.rust(ref["shape"])
            out_lines.append(f"    pub {snake(member)}: Option<{ty}>,")
        out_lines += ["}", ""]
        if decoded:
            out_lines += [f"impl FromForm for {name} {{",
                          "    fn from_form(f: &Form, prefix: &str) -> Result<Option<Self>> {",
                          "        if !f.has_prefix(prefix) { return Ok(None); }",
                          f"        Ok(Some({name} {{"]
            for member, ref in members(shape, False):
                key = f"{{prefix}}{member}"
                out_lines.append(f"            {snake(member)}: {read_expr(ref['shape'], key)},")
            out_lines += ["        }))", "    }", "}", ""]
            out_lines += missing_impl(model, name, shape, False)
        if written:
            x = "x" if list(members(shape, False)) else "_x"
            out_lines += [f"impl ToXml for {name} {{",
                          f"    fn to_xml(&self, {x}: &mut Xml) {{"]
            for member, ref in members(shape, False):
                field = f"self.{snake(member)}"
                out_lines.append(f"        if let Some(v) = &{field} {{ {write_stmt(ref['shape'], member, 'v')} }}")
            out_lines += ["    }", "}", ""]
        body += out_lines
    write(out, "server/sesv1/shapes.rs", body)


def write(out, rel, lines):
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main(argv):
    out = os.path.join(HERE, "..", "src")
    if argv[:1] == ["--out"] and len(argv) == 2:
        out = argv[1]
    elif argv:
        raise SystemExit(__doc__)
    sesv2(out)
    sesv1(out)


if __name__ == "__main__":
    main(sys.argv[1:])
