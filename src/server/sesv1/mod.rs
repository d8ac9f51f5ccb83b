//! The SES v1 door (Query protocol, `Version=2010-12-01`): `POST /` with a form body,
//! answered in XML, over the same account and operations as the SESv2 door. The form's
//! `Action` names an `Action` (generated from botocore's `ses` model), `call` names its
//! handler, and the handler — in its resource's file — reads the action's generated request
//! type from the form, runs the operation of `ops/`, and writes the generated result type.
//! Codes are chosen by the error's kind and what it is about (`error::About`), never by its
//! words. A name that is no action of SES v1 answers `InvalidAction` (400, which SDKs do not
//! retry).
//!
//! A new action: add it to `SESV1` in `scripts/gen_api.py`, run the script, write its handler
//! in its resource's file, and name it in `call`.

#[rustfmt::skip]
pub mod actions;
mod account;
mod config_sets;
mod custom_verification;
pub mod form;
mod identities;
mod policies;
mod receipt_rules;
mod send;
#[rustfmt::skip]
pub mod shapes;
mod templates;
pub mod xml;

use super::api::Api;
use super::http::{Request, Response};
use crate::error::{About, Error, Kind, Result, SesCode};
pub use actions::Action;
use form::{Form, FromForm, Members};
use xml::{ToXml, Xml};

/// An error with a code of this door's own (`MissingParameter`, `InvalidParameterValue`).
pub fn v1_error(code: &'static str, message: impl Into<String>) -> Error {
    Error::bad_request(message).about(About::Code(code))
}

/// A member's value must be one of its model enum's (SES v1's spellings): else SES's query
/// API answers `ValidationError` "1 validation error detected: Value 'Maybe' at
/// 'deliveryOptions.tlsPolicy' failed to satisfy constraint: Member must satisfy enum value
/// set: [Require, Optional]" (AWS's validation text; `member` is the path in lowerCamel case).
pub fn one_of(value: &str, member: &str, allowed: &[&str]) -> Result<()> {
    if allowed.contains(&value) {
        Ok(())
    } else {
        Err(crate::model::rules::enum_error(value, member, allowed))
    }
}

/// `one_of` for a list member: each value of the list (named whole in the refusal).
pub fn all_of(values: &[String], member: &str, allowed: &[&str]) -> Result<()> {
    if values.iter().all(|v| allowed.contains(&v.as_str())) {
        Ok(())
    } else {
        Err(crate::model::rules::enum_list_error(
            values, member, allowed,
        ))
    }
}

/// One v1 request: its action, form, region and request ID, as handlers read them.
pub struct Call<'a> {
    pub action: Action,
    pub form: &'a Form,
    pub region: String,
    pub id: &'a str,
    /// The calling account, when its access key names another one (`api::caller_of`).
    pub caller: Option<String>,
}

impl Call<'_> {
    /// The action's request, read from the form as its generated type.
    pub fn input<T: FromForm + Members + Default>(&self) -> Result<T> {
        self.form.decode()
    }

    /// A success with the action's result.
    pub fn result(&self, result: &impl ToXml) -> Result<Response> {
        Ok(answer(self.action, self.id, Some(result)))
    }

    /// A success of an action whose model has no result (`VerifyEmailAddress`, …).
    pub fn done(&self) -> Result<Response> {
        Ok(answer::<shapes::DeleteIdentityResponse>(
            self.action,
            self.id,
            None,
        ))
    }
}

/// `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…`.
fn answer<T: ToXml>(action: Action, id: &str, result: Option<&T>) -> Response {
    let name = action.name();
    let mut x = Xml::default();
    x.open_ns(&format!("{name}Response"));
    if let Some(result) = result {
        x.member(&format!("{name}Result"), result);
    }
    x.open("ResponseMetadata");
    x.member("RequestId", id);
    x.close("ResponseMetadata");
    x.close(&format!("{name}Response"));
    Response::new(200, "text/xml", x.finish())
}

/// Answers a `POST /` that is not STS's; the action's name, for the log. A v1 request must be
/// signed (an `AWS4-HMAC-SHA256` Authorization header; the signature is not checked): a web
/// page can post a form, but it cannot sign, so this is what keeps pages from sending through
/// sesm.
pub fn handle(api: &Api, req: &Request, id: &str) -> (Response, &'static str) {
    let signed = req
        .header("authorization")
        .is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256 "));
    if !signed {
        let e = v1_error(
            "AccessDenied",
            "SES v1 requests must be signed (an AWS4-HMAC-SHA256 Authorization header); sesm does not check the signature, but a web page cannot make one.",
        );
        let mut r = error(&e, id);
        r.status = 403;
        let named = super::http::form_value(&req.body, "Action");
        let name = named.as_deref().and_then(Action::parse);
        return (r, name.map_or("SesV1", Action::name));
    }
    let form = match Form::parse(&req.body) {
        Ok(f) => f,
        Err(e) => return (error(&e, id), "SesV1"),
    };
    let named = form.get("Action").unwrap_or_default();
    let action = Action::parse(named);
    let log_name = action.map_or("SesV1", Action::name);
    let result = match action {
        None if named.is_empty() => Err(v1_error("MissingAction", "The request names no Action.")),
        None => Err(v1_error(
            "InvalidAction",
            format!("{} is not an action of SES v1.", named.escape_default()),
        )),
        Some(action) => api.region(req).and_then(|region| {
            let c = Call {
                action,
                form: &form,
                region,
                id,
                caller: super::api::caller_of(req),
            };
            call(api, &c)
        }),
    };
    (result.unwrap_or_else(|e| error(&e, id)), log_name)
}

/// One line per action: its handler (sesm serves every action of SES v1).
fn call(api: &Api, c: &Call) -> Result<Response> {
    use Action as A;
    match c.action {
        A::VerifyEmailIdentity => identities::verify_email_identity(api, c),
        A::VerifyEmailAddress => identities::verify_email_address(api, c),
        A::VerifyDomainIdentity => identities::verify_domain_identity(api, c),
        A::VerifyDomainDkim => identities::verify_domain_dkim(api, c),
        A::ListIdentities => identities::list_identities(api, c),
        A::ListVerifiedEmailAddresses => identities::list_verified_email_addresses(api, c),
        A::DeleteIdentity => identities::delete_identity(api, c),
        A::DeleteVerifiedEmailAddress => identities::delete_verified_email_address(api, c),
        A::GetIdentityVerificationAttributes => identities::verification_attributes(api, c),
        A::GetIdentityDkimAttributes => identities::dkim_attributes(api, c),
        A::SetIdentityDkimEnabled => identities::set_dkim_enabled(api, c),
        A::SetIdentityFeedbackForwardingEnabled => identities::set_feedback_forwarding(api, c),
        A::SetIdentityMailFromDomain => identities::set_mail_from_domain(api, c),
        A::GetIdentityMailFromDomainAttributes => identities::mail_from_attributes(api, c),
        A::SetIdentityNotificationTopic => identities::set_notification_topic(api, c),
        A::SetIdentityHeadersInNotificationsEnabled => {
            identities::set_headers_in_notifications(api, c)
        }
        A::GetIdentityNotificationAttributes => identities::notification_attributes(api, c),
        A::GetSendQuota => account::get_send_quota(api, c),
        A::GetSendStatistics => account::get_send_statistics(api, c),
        A::GetAccountSendingEnabled => account::get_sending_enabled(api, c),
        A::UpdateAccountSendingEnabled => account::update_sending_enabled(api, c),
        A::CreateConfigurationSet => config_sets::create(api, c),
        A::DeleteConfigurationSet => config_sets::delete(api, c),
        A::DescribeConfigurationSet => config_sets::describe(api, c),
        A::ListConfigurationSets => config_sets::list(api, c),
        A::UpdateConfigurationSetSendingEnabled => config_sets::update_sending_enabled(api, c),
        A::UpdateConfigurationSetReputationMetricsEnabled => {
            config_sets::update_reputation_metrics(api, c)
        }
        A::PutConfigurationSetDeliveryOptions => config_sets::put_delivery_options(api, c),
        A::CreateConfigurationSetEventDestination => config_sets::create_event_destination(api, c),
        A::UpdateConfigurationSetEventDestination => config_sets::update_event_destination(api, c),
        A::DeleteConfigurationSetEventDestination => config_sets::delete_event_destination(api, c),
        A::CreateConfigurationSetTrackingOptions => config_sets::create_tracking_options(api, c),
        A::UpdateConfigurationSetTrackingOptions => config_sets::update_tracking_options(api, c),
        A::DeleteConfigurationSetTrackingOptions => config_sets::delete_tracking_options(api, c),
        A::CreateTemplate => templates::create(api, c),
        A::UpdateTemplate => templates::update(api, c),
        A::GetTemplate => templates::get(api, c),
        A::ListTemplates => templates::list(api, c),
        A::DeleteTemplate => templates::delete(api, c),
        A::TestRenderTemplate => templates::test_render(api, c),
        A::SendEmail => send::send_email(api, c),
        A::SendRawEmail => send::send_raw_email(api, c),
        A::SendTemplatedEmail => send::send_templated_email(api, c),
        A::SendBulkTemplatedEmail => send::send_bulk_templated_email(api, c),
        A::SendBounce => send::send_bounce(api, c),
        A::PutIdentityPolicy => policies::put(api, c),
        A::GetIdentityPolicies => policies::get(api, c),
        A::ListIdentityPolicies => policies::list(api, c),
        A::DeleteIdentityPolicy => policies::delete(api, c),
        A::CreateCustomVerificationEmailTemplate => custom_verification::create(api, c),
        A::GetCustomVerificationEmailTemplate => custom_verification::get(api, c),
        A::ListCustomVerificationEmailTemplates => custom_verification::list(api, c),
        A::UpdateCustomVerificationEmailTemplate => custom_verification::update(api, c),
        A::DeleteCustomVerificationEmailTemplate => custom_verification::delete(api, c),
        A::SendCustomVerificationEmail => custom_verification::send(api, c),
        A::CreateReceiptRuleSet => receipt_rules::create_rule_set(api, c),
        A::CloneReceiptRuleSet => receipt_rules::clone_rule_set(api, c),
        A::DescribeReceiptRuleSet => receipt_rules::describe_rule_set(api, c),
        A::ListReceiptRuleSets => receipt_rules::list_rule_sets(api, c),
        A::DeleteReceiptRuleSet => receipt_rules::delete_rule_set(api, c),
        A::ReorderReceiptRuleSet => receipt_rules::reorder(api, c),
        A::SetActiveReceiptRuleSet => receipt_rules::set_active(api, c),
        A::DescribeActiveReceiptRuleSet => receipt_rules::describe_active(api, c),
        A::CreateReceiptRule => receipt_rules::create_rule(api, c),
        A::DescribeReceiptRule => receipt_rules::describe_rule(api, c),
        A::UpdateReceiptRule => receipt_rules::update_rule(api, c),
        A::DeleteReceiptRule => receipt_rules::delete_rule(api, c),
        A::SetReceiptRulePosition => receipt_rules::set_rule_position(api, c),
        A::CreateReceiptFilter => receipt_rules::create_filter(api, c),
        A::DeleteReceiptFilter => receipt_rules::delete_filter(api, c),
        A::ListReceiptFilters => receipt_rules::list_filters(api, c),
    }
}

/// v1's code and status for an error: by its kind and what it is about.
fn code_of(e: &Error) -> (&'static str, u16) {
    use About as A;
    use SesCode as C;
    match (&e.kind, e.about) {
        (_, Some(A::Code(code))) => (code, 400),
        (_, Some(A::Validation)) => ("ValidationError", 400),
        (Kind::Ses(C::BadRequest), Some(A::RenderingAttribute)) => {
            ("MissingRenderingAttribute", 400)
        }
        (Kind::Ses(C::BadRequest), Some(A::RenderingData)) => ("InvalidRenderingParameter", 400),
        (Kind::Ses(C::BadRequest), Some(A::TemplateSyntax)) => ("InvalidTemplate", 400),
        (Kind::Ses(C::BadRequest), Some(A::TrackingOptions)) => ("InvalidTrackingOptions", 400),
        (Kind::Ses(C::BadRequest) | Kind::InvalidParameter, _) => ("InvalidParameterValue", 400),
        (Kind::Ses(C::MessageRejected), _) => ("MessageRejected", 400),
        (Kind::Ses(C::SendingPaused), Some(A::Account)) => ("AccountSendingPausedException", 400),
        (Kind::Ses(C::SendingPaused), _) => ("ConfigurationSetSendingPausedException", 400),
        (Kind::Ses(C::NotFound), Some(A::EventDestination)) => {
            ("EventDestinationDoesNotExist", 400)
        }
        (Kind::Ses(C::NotFound), Some(A::ConfigurationSet)) => {
            ("ConfigurationSetDoesNotExist", 400)
        }
        (Kind::Ses(C::NotFound), Some(A::Template)) => ("TemplateDoesNotExist", 400),
        (Kind::Ses(C::NotFound), Some(A::TrackingOptions)) => {
            ("TrackingOptionsDoesNotExistException", 400)
        }
        (Kind::Ses(C::NotFound), Some(A::ReceiptRuleSet)) => ("RuleSetDoesNotExist", 400),
        (Kind::Ses(C::NotFound), Some(A::ReceiptRule)) => ("RuleDoesNotExist", 400),
        (Kind::Ses(C::NotFound), Some(A::CustomVerificationTemplate)) => {
            ("CustomVerificationEmailTemplateDoesNotExist", 400)
        }
        (Kind::Ses(C::NotFound), _) => ("InvalidParameterValue", 400),
        (Kind::Ses(C::AlreadyExists), Some(A::EventDestination)) => {
            ("EventDestinationAlreadyExists", 400)
        }
        (Kind::Ses(C::AlreadyExists), Some(A::ConfigurationSet)) => {
            ("ConfigurationSetAlreadyExists", 400)
        }
        (Kind::Ses(C::AlreadyExists), Some(A::TrackingOptions)) => {
            ("TrackingOptionsAlreadyExistsException", 400)
        }
        (Kind::Ses(C::AlreadyExists), Some(A::CustomVerificationTemplate)) => {
            ("CustomVerificationEmailTemplateAlreadyExists", 400)
        }
        (Kind::Ses(C::AlreadyExists), _) => ("AlreadyExists", 400),
        (Kind::Ses(C::LimitExceeded), _) => ("LimitExceeded", 400),
        (Kind::Ses(C::NotImplemented), _) => ("InvalidAction", 400),
        (Kind::Ses(C::AccessDenied), _) => ("AccessDenied", 403),
        (Kind::Lock, _) => ("Throttling", 400),
        (Kind::State | Kind::Internal | Kind::Output, _) => ("InternalFailure", 500),
    }
}

/// v1's error document: `<ErrorResponse><Error><Type>Sender</Type><Code>…`.
pub fn error(e: &Error, id: &str) -> Response {
    let (code, status) = code_of(e);
    let mut x = Xml::default();
    x.open_ns("ErrorResponse");
    x.open("Error");
    x.member("Type", if status >= 500 { "Receiver" } else { "Sender" });
    x.member("Code", code);
    x.member("Message", e.message.as_str());
    x.close("Error");
    x.member("RequestId", id);
    x.close("ErrorResponse");
    Response::new(status, "text/xml", x.finish()).header("X-Amzn-ErrorType", code)
}

#[cfg(test)]
pub(crate) mod testing {
    //! Handlers' unit tests: a form in, against an account in a temp folder; the status, the
    //! XML and the state out.
    use super::*;
    use crate::server::api::testing::{TempAccount, signed};

    pub struct Door(TempAccount);

    impl std::ops::Deref for Door {
        type Target = TempAccount;
        fn deref(&self) -> &TempAccount {
            &self.0
        }
    }

    impl Door {
        pub fn new() -> Door {
            Door(TempAccount::new())
        }

        /// Posts `Action=…&…` signed for us-east-1; the status and the XML.
        pub fn call(&self, form: &str) -> (u16, String) {
            let req = signed(
                "POST",
                "/",
                format!("Version=2010-12-01&{form}").into_bytes(),
            );
            let (r, _) = handle(&self.api, &req, "req-1");
            (r.status, String::from_utf8(r.body).unwrap())
        }

        pub fn ok(&self, form: &str) -> String {
            let (s, xml) = self.call(form);
            assert_eq!(s, 200, "{form}: {xml}");
            assert!(xml.contains("<RequestId>req-1</RequestId>"), "{xml}");
            xml
        }

        /// Asserts a refusal: its code, and that the state is unchanged; its XML.
        pub fn refused(&self, form: &str, code: &str) -> String {
            let before = self.state_bytes();
            let (s, xml) = self.call(form);
            assert_eq!(s, 400, "{form}: {xml}");
            assert!(
                xml.contains(&format!("<Code>{code}</Code>")),
                "{form}: {xml}"
            );
            assert_eq!(self.state_bytes(), before, "{form}");
            xml
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::Door;
    use super::*;

    #[test]
    fn every_action_is_served_or_refused_as_not_served() {
        let door = Door::new();
        for action in Action::ALL {
            // Issue 33: every v1 action is served; none answers InvalidAction.
            assert!(action.served(), "{} is not served", action.name());
            let (_, xml) = door.call(&format!("Action={}", action.name()));
            assert!(!xml.contains("does not serve"), "{}: {xml}", action.name());
            assert!(
                !xml.contains("<Code>InvalidAction</Code>"),
                "{}: {xml}",
                action.name()
            );
        }
    }

    #[test]
    fn unsigned_unknown_and_missing_actions() {
        let door = Door::new();
        door.refused("Action=Frobnicate", "InvalidAction");
        door.refused("Foo=1", "MissingAction");
        let req = Request {
            method: "POST".into(),
            target: "/".into(),
            headers: vec![],
            body: b"Action=GetSendQuota&Version=2010-12-01".to_vec(),
        };
        let (r, name) = handle(&door.api, &req, "x");
        assert_eq!((r.status, name), (403, "GetSendQuota"));
        // A NUL in a parameter can't become the code.
        let xml = door.refused(
            "Action=VerifyEmailIdentity&EmailAddress=Throttling%00x%40y.com",
            "InvalidParameterValue",
        );
        assert!(!xml.contains("<Code>Throttling"), "{xml}");
    }
}
