//! Sending in v1's words: SendEmail, SendRawEmail, SendTemplatedEmail,
//! SendBulkTemplatedEmail (with `SourceArn`, `FromArn`, `ReturnPathArn`: sending
//! authorization), and SendBounce.

use std::sync::Arc;

use base64::Engine;

use super::shapes::{
    BulkEmailDestinationStatus, Destination, ExtensionField, MessageTag, SendBounceRequest,
    SendBounceResponse, SendBulkTemplatedEmailRequest, SendBulkTemplatedEmailResponse,
    SendEmailRequest, SendEmailResponse, SendRawEmailRequest, SendRawEmailResponse,
    SendTemplatedEmailRequest, SendTemplatedEmailResponse,
};
use super::{Call, v1_error};
use crate::error::Result;
use crate::model::message::{Body, Simple};
use crate::model::sending::Authorization;
use crate::model::sending::Outgoing;
use crate::ops;
use crate::ops::message::RawEnvelope;
use crate::ops::template::TemplateUse;
use crate::server::api::Api;
use crate::server::http::Response;

/// `Destination`: To, Cc and Bcc lists.
fn destination(d: Option<Destination>) -> ops::message::Recipients {
    let d = d.unwrap_or_default();
    (
        d.to_addresses.unwrap_or_default(),
        d.cc_addresses.unwrap_or_default(),
        d.bcc_addresses.unwrap_or_default(),
    )
}

/// `Tags` as pairs (their rule is the send's: `model::tags::check_message_tags`).
fn tags(tags: Option<Vec<MessageTag>>) -> Vec<(String, String)> {
    tags.into_iter()
        .flatten()
        .map(|t| (t.name.unwrap_or_default(), t.value.unwrap_or_default()))
        .collect()
}

/// The identity ARNs a send names (sending authorization), with the caller and the action
/// the identity's policies must allow; `None` when it names none.
fn authorization(
    c: &Call,
    action: &'static str,
    source_arn: Option<String>,
    from_arn: Option<String>,
    return_path_arn: Option<String>,
    return_path: Option<String>,
) -> Option<Authorization> {
    (source_arn.is_some() || from_arn.is_some() || return_path_arn.is_some()).then(|| {
        Authorization {
            caller: c.caller.clone(),
            action,
            source_arn,
            from_arn,
            return_path_arn,
            return_path,
        }
    })
}

pub fn send_email(api: &Api, c: &Call) -> Result<Response> {
    let r: SendEmailRequest = c.input()?;
    let message = r.message.unwrap_or_default();
    let subject = message.subject.and_then(|s| s.data);
    let body = message.body.unwrap_or_default();
    let (to, cc, bcc) = destination(r.destination);
    let msg = Outgoing {
        from: r.source.unwrap_or_default(),
        to,
        cc,
        bcc,
        subject: subject.clone(),
        config_set: r.configuration_set_name,
        count: 1,
        body: Body::Simple(Arc::new(Simple {
            subject,
            text: body.text.and_then(|t| t.data),
            html: body.html.and_then(|h| h.data),
            reply_to: r.reply_to_addresses.unwrap_or_default(),
            ..Simple::default()
        })),
        tags: tags(r.tags),
        authorization: authorization(
            c,
            "ses:SendEmail",
            r.source_arn,
            None,
            r.return_path_arn,
            r.return_path,
        ),
        ..Outgoing::default()
    };
    let message_id = api.send_message(&c.region, &msg)?;
    c.result(&SendEmailResponse {
        message_id: Some(message_id),
    })
}

pub fn send_raw_email(api: &Api, c: &Call) -> Result<Response> {
    let r: SendRawEmailRequest = c.input()?;
    let data = r.raw_message.and_then(|m| m.data).unwrap_or_default();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data.trim())
        .map_err(|e| {
            v1_error(
                "InvalidParameterValue",
                format!("RawMessage.Data is not base64: {e}."),
            )
        })?;
    let env = RawEnvelope {
        from: r.source,
        to: r.destinations.unwrap_or_default(),
        config_set: r.configuration_set_name,
        tags: tags(r.tags),
        ..RawEnvelope::default()
    };
    let mut msg = ops::message::outgoing_from_raw(bytes, env)?;
    msg.authorization = authorization(
        c,
        "ses:SendRawEmail",
        r.source_arn,
        r.from_arn,
        r.return_path_arn,
        None,
    );
    let message_id = api.send_message(&c.region, &msg)?;
    c.result(&SendRawEmailResponse {
        message_id: Some(message_id),
    })
}

/// The template a templated send names, by name or ARN.
fn template_use(
    name: Option<String>,
    arn: Option<String>,
    data: Option<String>,
) -> Result<TemplateUse> {
    if name.is_none() && arn.is_none() {
        return Err(v1_error("MissingParameter", "Template is required."));
    }
    Ok(TemplateUse {
        name,
        arn,
        content: None,
        data,
    })
}

pub fn send_templated_email(api: &Api, c: &Call) -> Result<Response> {
    let r: SendTemplatedEmailRequest = c.input()?;
    let (to, cc, bcc) = destination(r.destination);
    let msg = Outgoing {
        authorization: authorization(
            c,
            "ses:SendTemplatedEmail",
            r.source_arn,
            None,
            r.return_path_arn,
            r.return_path,
        ),
        tags: tags(r.tags),
        from: r.source.unwrap_or_default(),
        to,
        cc,
        bcc,
        config_set: r.configuration_set_name,
        count: 1,
        body: Body::Simple(Arc::new(Simple {
            reply_to: r.reply_to_addresses.unwrap_or_default(),
            ..Simple::default()
        })),
        ..Outgoing::default()
    };
    let template = template_use(r.template, r.template_arn, r.template_data)?;
    let now = jiff::Timestamp::now();
    let message_id = api.send(|s| {
        ops::template::send(s, &c.region, &msg, &template, now)
            .map(|(sent, reply)| (sent, reply.message_id))
    })?;
    c.result(&SendTemplatedEmailResponse {
        message_id: Some(message_id),
    })
}

pub fn send_bulk_templated_email(api: &Api, c: &Call) -> Result<Response> {
    let r: SendBulkTemplatedEmailRequest = c.input()?;
    let msg = Outgoing {
        authorization: authorization(
            c,
            "ses:SendBulkTemplatedEmail",
            r.source_arn,
            None,
            r.return_path_arn,
            r.return_path,
        ),
        from: r.source.unwrap_or_default(),
        config_set: r.configuration_set_name,
        count: 1,
        body: Body::Simple(Arc::new(Simple {
            reply_to: r.reply_to_addresses.unwrap_or_default(),
            ..Simple::default()
        })),
        tags: tags(r.default_tags),
        ..Outgoing::default()
    };
    let template = template_use(r.template, r.template_arn, r.default_template_data)?;
    let entries: Vec<_> = r
        .destinations
        .unwrap_or_default()
        .into_iter()
        .map(|d| (destination(d.destination), d.replacement_template_data))
        .collect();
    let now = jiff::Timestamp::now();
    let results =
        api.send(|s| ops::template::send_bulk(s, &c.region, &msg, &template, &entries, now))?;
    let status = results
        .into_iter()
        .map(|res| BulkEmailDestinationStatus {
            status: Some(
                match res.status {
                    "SUCCESS" => "Success",
                    "ACCOUNT_SENDING_PAUSED" => "AccountSendingPaused",
                    "CONFIGURATION_SET_SENDING_PAUSED" => "ConfigurationSetSendingPaused",
                    _ => "InvalidParameterValue",
                }
                .into(),
            ),
            error: res.error,
            message_id: res.message_id,
        })
        .collect();
    c.result(&SendBulkTemplatedEmailResponse {
        status: Some(status),
    })
}

/// SendBounce: a bounce of a message SES received (at most a day ago) to its sender, from a
/// verified `BounceSender`, into the outbox.
pub fn send_bounce(api: &Api, c: &Call) -> Result<Response> {
    let r: SendBounceRequest = c.input()?;
    let id = r.original_message_id.unwrap_or_default();
    let (original, headers) = api.received_message(&id)?;
    let now = jiff::Timestamp::now();
    ops::bounce::check_original(original.as_ref(), &id, &c.region, now)?;
    let original = original.unwrap_or_else(|| unreachable!("checked just above"));
    let dsn = r.message_dsn.unwrap_or_default();
    let field_pairs = |f: Option<Vec<ExtensionField>>| -> Vec<(String, String)> {
        f.unwrap_or_default()
            .into_iter()
            .map(|e| (e.name.unwrap_or_default(), e.value.unwrap_or_default()))
            .collect()
    };
    let mut recipients = Vec::new();
    for info in r.bounced_recipient_info_list.unwrap_or_default() {
        let address = info.recipient.unwrap_or_default();
        let recipient = match (info.bounce_type, info.recipient_dsn_fields) {
            (_, Some(f)) => ops::bounce::Recipient {
                address: f.final_recipient.unwrap_or_else(|| address.clone()),
                action: f.action.unwrap_or_default(),
                status: f.status.unwrap_or_default(),
                diagnostic: f.diagnostic_code,
                remote_mta: f.remote_mta,
                extensions: field_pairs(f.extension_fields),
            },
            (Some(kind), None) => {
                let (status, code) = ops::bounce::bounce_type(&kind)?;
                ops::bounce::Recipient {
                    address: address.clone(),
                    action: "failed".into(),
                    status: status.into(),
                    diagnostic: Some(format!("smtp; {code} {status} {kind}")),
                    ..Default::default()
                }
            }
            (None, None) => {
                return Err(v1_error(
                    "InvalidParameterValue",
                    format!("Recipient {address}: give a BounceType or RecipientDsnFields."),
                ));
            }
        };
        recipients.push(recipient);
    }
    let bounce = ops::bounce::Bounce {
        sender: r.bounce_sender.unwrap_or_default(),
        explanation: r.explanation,
        reporting_mta: dsn.reporting_mta,
        arrival: dsn.arrival_date,
        extensions: field_pairs(dsn.extension_fields),
        recipients,
    };
    let mut msg = ops::bounce::message(&bounce, &original, &headers, now)?;
    msg.authorization = authorization(c, "ses:SendBounce", r.bounce_sender_arn, None, None, None);
    let message_id = api.send_message(&c.region, &msg)?;
    c.result(&SendBounceResponse {
        message_id: Some(message_id),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::Door;
    use base64::Engine;

    #[test]
    fn sends_in_v1_words_reach_the_outbox() {
        let door = Door::new();
        door.ok("Action=VerifyDomainIdentity&Domain=example.com");
        let xml = door.ok("Action=SendEmail&Source=a%40example.com&Destination.ToAddresses.member.1=b%40example.org&Message.Subject.Data=Hi&Message.Body.Text.Data=Hello&Tags.member.1.Name=campaign&Tags.member.1.Value=x1");
        assert!(xml.contains("<SendEmailResult><MessageId>"), "{xml}");
        let raw = base64::engine::general_purpose::STANDARD
            .encode("From: a@example.com\r\nTo: b@example.org\r\nSubject: Raw\r\n\r\nBody\r\n");
        let enc: String = form_urlencoded::byte_serialize(raw.as_bytes()).collect();
        let xml = door.ok(&format!("Action=SendRawEmail&RawMessage.Data={enc}"));
        assert!(xml.contains("<SendRawEmailResult><MessageId>"), "{xml}");
        door.refused(
            "Action=SendRawEmail&RawMessage.Data=%25%25",
            "InvalidParameterValue",
        );
        door.refused("Action=SendEmail&Source=a%40nope.example&Destination.ToAddresses.member.1=b%40example.org&Message.Subject.Data=Hi&Message.Body.Text.Data=x", "MessageRejected");
        door.refused("Action=SendEmail&Source=a%40example.com&Destination.ToAddresses.member.1=b%40example.org&Message.Body.Text.Data=x", "MissingParameter");
        door.refused("Action=SendEmail&Source=a%40example.com&Destination.ToAddresses.member.1=b%40example.org&Message.Subject.Data=Hi&Message.Body.Text.Data=x&Tags.member.1.Name=bad%20tag&Tags.member.1.Value=v", "InvalidParameterValue");
        door.ok(
            "Action=CreateTemplate&Template.TemplateName=t&Template.SubjectPart=Hi+%7B%7Bn%7D%7D",
        );
        door.ok("Action=SendTemplatedEmail&Source=a%40example.com&Destination.ToAddresses.member.1=b%40example.org&Template=t&TemplateData=%7B%22n%22%3A1%7D");
        let xml = door.ok("Action=SendBulkTemplatedEmail&Source=a%40example.com&Template=t&DefaultTemplateData=%7B%22n%22%3A1%7D&Destinations.member.1.Destination.ToAddresses.member.1=c%40example.org");
        assert!(
            xml.contains("<Status><member><Status>Success</Status>"),
            "{xml}"
        );
        door.refused("Action=SendTemplatedEmail&Source=a%40example.com&Destination.ToAddresses.member.1=b%40example.org&TemplateData=%7B%7D", "MissingParameter");
        door.refused(
            "Action=UpdateAccountSendingEnabled&Enabled=maybe",
            "InvalidParameterValue",
        );
        door.ok("Action=UpdateAccountSendingEnabled&Enabled=false");
        door.refused("Action=SendEmail&Source=a%40example.com&Destination.ToAddresses.member.1=b%40example.org&Message.Subject.Data=Hi&Message.Body.Text.Data=x", "AccountSendingPausedException");
    }
}
