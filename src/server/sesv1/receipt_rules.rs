//! Email receiving's configuration in v1's words: receipt rule sets (Create, Clone, Describe,
//! List, Delete, Reorder, SetActive, DescribeActive), receipt rules (Create, Describe,
//! Update, Delete, SetReceiptRulePosition) and IP address filters (Create, Delete, List).

use super::shapes::{
    AddHeaderAction, BounceAction, CloneReceiptRuleSetRequest, CloneReceiptRuleSetResponse,
    ConnectAction, CreateReceiptFilterRequest, CreateReceiptFilterResponse,
    CreateReceiptRuleRequest, CreateReceiptRuleResponse, CreateReceiptRuleSetRequest,
    CreateReceiptRuleSetResponse, DeleteReceiptFilterRequest, DeleteReceiptFilterResponse,
    DeleteReceiptRuleRequest, DeleteReceiptRuleResponse, DeleteReceiptRuleSetRequest,
    DeleteReceiptRuleSetResponse, DescribeActiveReceiptRuleSetResponse, DescribeReceiptRuleRequest,
    DescribeReceiptRuleResponse, DescribeReceiptRuleSetRequest, DescribeReceiptRuleSetResponse,
    LambdaAction, ListReceiptFiltersResponse, ListReceiptRuleSetsRequest,
    ListReceiptRuleSetsResponse, ReceiptAction, ReceiptFilter, ReceiptIpFilter, ReceiptRule,
    ReceiptRuleSetMetadata, ReorderReceiptRuleSetRequest, ReorderReceiptRuleSetResponse, S3Action,
    SNSAction, SetActiveReceiptRuleSetRequest, SetActiveReceiptRuleSetResponse,
    SetReceiptRulePositionRequest, SetReceiptRulePositionResponse, StopAction,
    UpdateReceiptRuleRequest, UpdateReceiptRuleResponse, WorkmailAction,
};
use super::{Call, v1_error};
use crate::error::Result;
use crate::model::receipt::{self, Action, Rule, RuleSet};
use crate::ops;
use crate::server::api::Api;
use crate::server::http::Response;

/// A `ReceiptAction` as the model's: exactly one member (R8).
fn action(a: ReceiptAction) -> Result<Action> {
    let mut found: Vec<Action> = Vec::new();
    if let Some(x) = a.s3_action {
        found.push(Action::S3 {
            bucket_name: x.bucket_name.unwrap_or_default(),
            object_key_prefix: x.object_key_prefix,
            kms_key_arn: x.kms_key_arn,
            topic_arn: x.topic_arn,
            iam_role_arn: x.iam_role_arn,
        });
    }
    if let Some(x) = a.bounce_action {
        found.push(Action::Bounce {
            smtp_reply_code: x.smtp_reply_code.unwrap_or_default(),
            status_code: x.status_code,
            message: x.message.unwrap_or_default(),
            sender: x.sender.unwrap_or_default(),
            topic_arn: x.topic_arn,
        });
    }
    if let Some(x) = a.workmail_action {
        found.push(Action::WorkMail {
            organization_arn: x.organization_arn.unwrap_or_default(),
            topic_arn: x.topic_arn,
        });
    }
    if let Some(x) = a.lambda_action {
        found.push(Action::Lambda {
            function_arn: x.function_arn.unwrap_or_default(),
            invocation_type: x.invocation_type,
            topic_arn: x.topic_arn,
        });
    }
    if let Some(x) = a.stop_action {
        found.push(Action::Stop {
            scope: x.scope.unwrap_or_default(),
            topic_arn: x.topic_arn,
        });
    }
    if let Some(x) = a.add_header_action {
        found.push(Action::AddHeader {
            header_name: x.header_name.unwrap_or_default(),
            header_value: x.header_value.unwrap_or_default(),
        });
    }
    if let Some(x) = a.sns_action {
        found.push(Action::Sns {
            topic_arn: x.topic_arn.unwrap_or_default(),
            encoding: x.encoding,
        });
    }
    if let Some(x) = a.connect_action {
        found.push(Action::Connect {
            instance_arn: x.instance_arn.unwrap_or_default(),
            iam_role_arn: x.iam_role_arn.unwrap_or_default(),
        });
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        n => Err(v1_error(
            "InvalidParameterValue",
            format!(
                "A receipt action takes exactly one of S3Action, BounceAction, WorkmailAction, LambdaAction, StopAction, AddHeaderAction, SNSAction and ConnectAction; this one has {n}."
            ),
        )),
    }
}

/// A `ReceiptRule` as the model's: `Enabled` and `ScanEnabled` false and `TlsPolicy`
/// `Optional` unless given.
fn rule(r: Option<ReceiptRule>) -> Result<Rule> {
    let r = r.unwrap_or_default();
    Ok(Rule {
        name: r.name.unwrap_or_default(),
        enabled: r.enabled.unwrap_or(false),
        tls_policy: r.tls_policy.unwrap_or_else(|| "Optional".into()),
        recipients: r.recipients.unwrap_or_default(),
        actions: r
            .actions
            .unwrap_or_default()
            .into_iter()
            .map(action)
            .collect::<Result<_>>()?,
        scan_enabled: r.scan_enabled.unwrap_or(false),
    })
}

fn action_shape(a: &Action) -> ReceiptAction {
    let mut out = ReceiptAction::default();
    match a.clone() {
        Action::S3 {
            bucket_name,
            object_key_prefix,
            kms_key_arn,
            topic_arn,
            iam_role_arn,
        } => {
            out.s3_action = Some(S3Action {
                topic_arn,
                bucket_name: Some(bucket_name),
                object_key_prefix,
                kms_key_arn,
                iam_role_arn,
            })
        }
        Action::Bounce {
            smtp_reply_code,
            status_code,
            message,
            sender,
            topic_arn,
        } => {
            out.bounce_action = Some(BounceAction {
                topic_arn,
                smtp_reply_code: Some(smtp_reply_code),
                status_code,
                message: Some(message),
                sender: Some(sender),
            })
        }
        Action::WorkMail {
            organization_arn,
            topic_arn,
        } => {
            out.workmail_action = Some(WorkmailAction {
                topic_arn,
                organization_arn: Some(organization_arn),
            })
        }
        Action::Lambda {
            function_arn,
            invocation_type,
            topic_arn,
        } => {
            out.lambda_action = Some(LambdaAction {
                topic_arn,
                function_arn: Some(function_arn),
                invocation_type,
            })
        }
        Action::Stop { scope, topic_arn } => {
            out.stop_action = Some(StopAction {
                scope: Some(scope),
                topic_arn,
            })
        }
        Action::AddHeader {
            header_name,
            header_value,
        } => {
            out.add_header_action = Some(AddHeaderAction {
                header_name: Some(header_name),
                header_value: Some(header_value),
            })
        }
        Action::Sns {
            topic_arn,
            encoding,
        } => {
            out.sns_action = Some(SNSAction {
                topic_arn: Some(topic_arn),
                encoding,
            })
        }
        Action::Connect {
            instance_arn,
            iam_role_arn,
        } => {
            out.connect_action = Some(ConnectAction {
                instance_arn: Some(instance_arn),
                iam_role_arn: Some(iam_role_arn),
            })
        }
    }
    out
}

fn rule_shape(r: &Rule) -> ReceiptRule {
    ReceiptRule {
        name: Some(r.name.clone()),
        enabled: Some(r.enabled),
        tls_policy: Some(r.tls_policy.clone()),
        recipients: (!r.recipients.is_empty()).then(|| r.recipients.clone()),
        actions: Some(r.actions.iter().map(action_shape).collect()),
        scan_enabled: Some(r.scan_enabled),
    }
}

fn metadata(name: String, set: &RuleSet) -> ReceiptRuleSetMetadata {
    ReceiptRuleSetMetadata {
        name: Some(name),
        created_timestamp: Some(set.created),
    }
}

pub fn create_rule_set(api: &Api, c: &Call) -> Result<Response> {
    let r: CreateReceiptRuleSetRequest = c.input()?;
    let name = r.rule_set_name.unwrap_or_default();
    let now = jiff::Timestamp::now();
    api.write(|s| ops::receipt::create_rule_set(s, &c.region, &name, now))?;
    c.result(&CreateReceiptRuleSetResponse::default())
}

pub fn clone_rule_set(api: &Api, c: &Call) -> Result<Response> {
    let r: CloneReceiptRuleSetRequest = c.input()?;
    let (name, original) = (
        r.rule_set_name.unwrap_or_default(),
        r.original_rule_set_name.unwrap_or_default(),
    );
    let now = jiff::Timestamp::now();
    api.write(|s| ops::receipt::clone_rule_set(s, &c.region, &name, &original, now))?;
    c.result(&CloneReceiptRuleSetResponse::default())
}

pub fn describe_rule_set(api: &Api, c: &Call) -> Result<Response> {
    let r: DescribeReceiptRuleSetRequest = c.input()?;
    let name = r.rule_set_name.unwrap_or_default();
    let set = api.read(|s| ops::receipt::describe_rule_set(s, &c.region, &name))?;
    c.result(&DescribeReceiptRuleSetResponse {
        rules: Some(set.rules.iter().map(rule_shape).collect()),
        metadata: Some(metadata(name, &set)),
    })
}

pub fn list_rule_sets(api: &Api, c: &Call) -> Result<Response> {
    let r: ListReceiptRuleSetsRequest = c.input()?;
    let (sets, next) = api
        .read(|s| ops::receipt::list_rule_sets(s, &c.region, r.next_token.clone()))
        .map_err(|e| v1_error("InvalidParameterValue", e.message))?;
    c.result(&ListReceiptRuleSetsResponse {
        rule_sets: Some(
            sets.into_iter()
                .map(|(name, created)| ReceiptRuleSetMetadata {
                    name: Some(name),
                    created_timestamp: Some(created),
                })
                .collect(),
        ),
        next_token: next,
    })
}

pub fn delete_rule_set(api: &Api, c: &Call) -> Result<Response> {
    let r: DeleteReceiptRuleSetRequest = c.input()?;
    let name = r.rule_set_name.unwrap_or_default();
    api.write(|s| ops::receipt::delete_rule_set(s, &c.region, &name))?;
    c.result(&DeleteReceiptRuleSetResponse::default())
}

pub fn reorder(api: &Api, c: &Call) -> Result<Response> {
    let r: ReorderReceiptRuleSetRequest = c.input()?;
    let (set, order) = (
        r.rule_set_name.unwrap_or_default(),
        r.rule_names.unwrap_or_default(),
    );
    api.write(|s| ops::receipt::reorder(s, &c.region, &set, &order))?;
    c.result(&ReorderReceiptRuleSetResponse::default())
}

pub fn set_active(api: &Api, c: &Call) -> Result<Response> {
    let r: SetActiveReceiptRuleSetRequest = c.input()?;
    let name = r.rule_set_name.filter(|n| !n.is_empty());
    api.write(|s| ops::receipt::set_active(s, &c.region, name.as_deref()))?;
    c.result(&SetActiveReceiptRuleSetResponse::default())
}

/// DescribeActiveReceiptRuleSet: empty (no `Metadata`) when receiving is off.
pub fn describe_active(api: &Api, c: &Call) -> Result<Response> {
    let active = api.read(|s| Ok(ops::receipt::describe_active(s, &c.region)))?;
    c.result(&match active {
        Some((name, set)) => DescribeActiveReceiptRuleSetResponse {
            rules: Some(set.rules.iter().map(rule_shape).collect()),
            metadata: Some(metadata(name, &set)),
        },
        None => DescribeActiveReceiptRuleSetResponse::default(),
    })
}

pub fn create_rule(api: &Api, c: &Call) -> Result<Response> {
    let r: CreateReceiptRuleRequest = c.input()?;
    let set = r.rule_set_name.unwrap_or_default();
    let new = rule(r.rule)?;
    let after = r.after.filter(|a| !a.is_empty());
    api.write(|s| ops::receipt::create_rule(s, &c.region, &set, new, after.as_deref()))?;
    c.result(&CreateReceiptRuleResponse::default())
}

pub fn describe_rule(api: &Api, c: &Call) -> Result<Response> {
    let r: DescribeReceiptRuleRequest = c.input()?;
    let (set, name) = (
        r.rule_set_name.unwrap_or_default(),
        r.rule_name.unwrap_or_default(),
    );
    let found = api.read(|s| ops::receipt::describe_rule(s, &c.region, &set, &name))?;
    c.result(&DescribeReceiptRuleResponse {
        rule: Some(rule_shape(&found)),
    })
}

pub fn update_rule(api: &Api, c: &Call) -> Result<Response> {
    let r: UpdateReceiptRuleRequest = c.input()?;
    let set = r.rule_set_name.unwrap_or_default();
    let new = rule(r.rule)?;
    api.write(|s| ops::receipt::update_rule(s, &c.region, &set, new))?;
    c.result(&UpdateReceiptRuleResponse::default())
}

pub fn delete_rule(api: &Api, c: &Call) -> Result<Response> {
    let r: DeleteReceiptRuleRequest = c.input()?;
    let (set, name) = (
        r.rule_set_name.unwrap_or_default(),
        r.rule_name.unwrap_or_default(),
    );
    api.write(|s| ops::receipt::delete_rule(s, &c.region, &set, &name))?;
    c.result(&DeleteReceiptRuleResponse::default())
}

pub fn set_rule_position(api: &Api, c: &Call) -> Result<Response> {
    let r: SetReceiptRulePositionRequest = c.input()?;
    let (set, name) = (
        r.rule_set_name.unwrap_or_default(),
        r.rule_name.unwrap_or_default(),
    );
    let after = r.after.filter(|a| !a.is_empty());
    api.write(|s| ops::receipt::set_rule_position(s, &c.region, &set, &name, after.as_deref()))?;
    c.result(&SetReceiptRulePositionResponse::default())
}

pub fn create_filter(api: &Api, c: &Call) -> Result<Response> {
    let r: CreateReceiptFilterRequest = c.input()?;
    let f = r.filter.unwrap_or_default();
    let ip = f.ip_filter.unwrap_or_default();
    let (name, policy, cidr) = (
        f.name.unwrap_or_default(),
        ip.policy.unwrap_or_default(),
        ip.cidr.unwrap_or_default(),
    );
    api.write(|s| ops::receipt::create_filter(s, &c.region, &name, &policy, &cidr))?;
    c.result(&CreateReceiptFilterResponse::default())
}

pub fn delete_filter(api: &Api, c: &Call) -> Result<Response> {
    let r: DeleteReceiptFilterRequest = c.input()?;
    let name = r.filter_name.unwrap_or_default();
    receipt::check_name(&name, "filter", false)?;
    api.write(|s| ops::receipt::delete_filter(s, &c.region, &name))?;
    c.result(&DeleteReceiptFilterResponse::default())
}

pub fn list_filters(api: &Api, c: &Call) -> Result<Response> {
    let filters = api.read(|s| Ok(ops::receipt::list_filters(s, &c.region)))?;
    c.result(&ListReceiptFiltersResponse {
        filters: Some(
            filters
                .into_iter()
                .map(|(name, f)| ReceiptFilter {
                    name: Some(name),
                    ip_filter: Some(ReceiptIpFilter {
                        policy: Some(f.policy),
                        cidr: Some(f.cidr),
                    }),
                })
                .collect(),
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;

    const RULE: &str = "Rule.Name=store&Rule.Enabled=true&Rule.Recipients.member.1=support%40example.com&Rule.Actions.member.1.AddHeaderAction.HeaderName=X-Team&Rule.Actions.member.1.AddHeaderAction.HeaderValue=support&Rule.Actions.member.2.S3Action.BucketName=mail-in&Rule.Actions.member.2.S3Action.ObjectKeyPrefix=support%2F";

    #[test]
    fn rule_sets_rules_and_filters_in_v1_words() {
        let door = Door::new();
        door.ok("Action=CreateReceiptRuleSet&RuleSetName=inbound");
        door.refused(
            "Action=CreateReceiptRuleSet&RuleSetName=inbound",
            "AlreadyExists",
        );
        door.refused(
            "Action=CreateReceiptRuleSet&RuleSetName=-bad",
            "InvalidParameterValue",
        );
        door.ok(&format!(
            "Action=CreateReceiptRule&RuleSetName=inbound&{RULE}"
        ));
        door.refused(
            &format!("Action=CreateReceiptRule&RuleSetName=nope&{RULE}"),
            "RuleSetDoesNotExist",
        );
        door.refused(
            &format!(
                "Action=CreateReceiptRule&RuleSetName=inbound&After=nope&{}",
                RULE.replace("Name=store", "Name=x")
            ),
            "RuleDoesNotExist",
        );
        door.refused("Action=CreateReceiptRule&RuleSetName=inbound&Rule.Name=bad&Rule.Actions.member.1.S3Action.ObjectKeyPrefix=x", "MissingParameter");
        door.refused("Action=CreateReceiptRule&RuleSetName=inbound&Rule.Name=bad&Rule.Actions.member.1.SNSAction.TopicArn=nope", "InvalidSnsTopic");
        door.refused("Action=CreateReceiptRule&RuleSetName=inbound&Rule.Name=bad&Rule.Actions.member.1.S3Action.BucketName=Bad_Bucket", "InvalidS3Configuration");
        door.refused("Action=CreateReceiptRule&RuleSetName=inbound&Rule.Name=bad&Rule.Actions.member.1.LambdaAction.FunctionArn=x", "InvalidLambdaFunction");
        door.ok("Action=CreateReceiptRule&RuleSetName=inbound&After=store&Rule.Name=stop&Rule.Actions.member.1.StopAction.Scope=RuleSet");
        let xml = door.ok("Action=DescribeReceiptRule&RuleSetName=inbound&RuleName=store");
        assert!(xml.contains("<Name>store</Name><Enabled>true</Enabled><TlsPolicy>Optional</TlsPolicy><Recipients><member>support@example.com</member></Recipients><Actions><member><AddHeaderAction>"), "{xml}");
        assert!(xml.contains("<ScanEnabled>false</ScanEnabled>"), "{xml}");
        door.refused(
            "Action=DescribeReceiptRule&RuleSetName=inbound&RuleName=nope",
            "RuleDoesNotExist",
        );
        door.ok("Action=SetReceiptRulePosition&RuleSetName=inbound&RuleName=stop");
        let xml = door.ok("Action=DescribeReceiptRuleSet&RuleSetName=inbound");
        let (stop, store) = (
            xml.find("<Name>stop</Name>").unwrap(),
            xml.find("<Name>store</Name>").unwrap(),
        );
        assert!(
            stop < store && xml.contains("<Metadata><Name>inbound</Name><CreatedTimestamp>"),
            "{xml}"
        );
        door.ok("Action=ReorderReceiptRuleSet&RuleSetName=inbound&RuleNames.member.1=store&RuleNames.member.2=stop");
        door.refused(
            "Action=ReorderReceiptRuleSet&RuleSetName=inbound&RuleNames.member.1=store",
            "InvalidParameterValue",
        );
        door.ok(&format!(
            "Action=UpdateReceiptRule&RuleSetName=inbound&{}",
            RULE.replace("Enabled=true", "Enabled=false")
        ));
        door.refused(
            &format!(
                "Action=UpdateReceiptRule&RuleSetName=inbound&{}",
                RULE.replace("Name=store", "Name=none")
            ),
            "RuleDoesNotExist",
        );
        door.ok("Action=CloneReceiptRuleSet&RuleSetName=copy&OriginalRuleSetName=inbound");
        door.refused(
            "Action=CloneReceiptRuleSet&RuleSetName=copy2&OriginalRuleSetName=nope",
            "RuleSetDoesNotExist",
        );
        let xml = door.ok("Action=ListReceiptRuleSets");
        assert!(xml.contains("<RuleSets><member><Name>copy</Name>"), "{xml}");
        let xml = door.ok("Action=DescribeActiveReceiptRuleSet");
        assert!(!xml.contains("<Metadata>"), "{xml}");
        door.refused(
            "Action=SetActiveReceiptRuleSet&RuleSetName=nope",
            "RuleSetDoesNotExist",
        );
        door.ok("Action=SetActiveReceiptRuleSet&RuleSetName=inbound");
        let xml = door.ok("Action=DescribeActiveReceiptRuleSet");
        assert!(xml.contains("<Metadata><Name>inbound</Name>"), "{xml}");
        door.refused(
            "Action=DeleteReceiptRuleSet&RuleSetName=inbound",
            "CannotDelete",
        );
        door.ok("Action=DeleteReceiptRule&RuleSetName=copy&RuleName=stop");
        door.ok("Action=DeleteReceiptRule&RuleSetName=copy&RuleName=stop");
        door.refused(
            "Action=DeleteReceiptRule&RuleSetName=nope&RuleName=stop",
            "RuleSetDoesNotExist",
        );
        door.ok("Action=DeleteReceiptRuleSet&RuleSetName=copy");
        door.ok("Action=DeleteReceiptRuleSet&RuleSetName=copy");
        door.ok("Action=SetActiveReceiptRuleSet");
        door.ok("Action=CreateReceiptFilter&Filter.Name=all&Filter.IpFilter.Policy=Block&Filter.IpFilter.Cidr=0.0.0.0%2F0");
        door.refused("Action=CreateReceiptFilter&Filter.Name=all&Filter.IpFilter.Policy=Block&Filter.IpFilter.Cidr=1.2.3.4", "AlreadyExists");
        door.refused("Action=CreateReceiptFilter&Filter.Name=x&Filter.IpFilter.Policy=Maybe&Filter.IpFilter.Cidr=1.2.3.4", "ValidationError");
        let xml = door.ok("Action=ListReceiptFilters");
        assert!(xml.contains("<Filters><member><Name>all</Name><IpFilter><Policy>Block</Policy><Cidr>0.0.0.0/0</Cidr></IpFilter></member></Filters>"), "{xml}");
        door.ok("Action=DeleteReceiptFilter&FilterName=all");
        door.ok("Action=DeleteReceiptFilter&FilterName=all");
    }
}
