//! Every way a sesm command can fail, the exit code each maps to, and how it is printed.
//!
//! The exit codes follow the AWS CLI v2 (see `cli.md`): 2 for a command line clap rejects,
//! 252 for a parameter sesm rejects before acting, 253 for the state file, 254 for an SES rule,
//! 255 for anything unexpected. This module owns that mapping; nothing else picks exit codes.

use std::fmt;

/// Exit codes, as documented in `sesm --help` and the README.
pub mod exit {
    pub const SUCCESS: i32 = 0;
    pub const USAGE: i32 = 2;
    pub const INVALID_PARAMETER: i32 = 252;
    pub const STATE: i32 = 253;
    pub const SES: i32 = 254;
    pub const INTERNAL: i32 = 255;
    /// The change was saved, but its result could not be written to stdout (a full disk or a
    /// closed terminal): not a refusal and not a bug, so neither 0 nor 252–255.
    pub const OUTPUT: i32 = 1;
    /// Interrupted by SIGINT (`sesm serve`).
    pub const INTERRUPTED: i32 = 130;
}

/// The SESv2 error codes sesm reproduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SesCode {
    BadRequest,
    NotFound,
    AlreadyExists,
    LimitExceeded,
    /// SendEmail: the sender is not an identity of the region.
    MessageRejected,
    /// An operation (or part of one) sesm does not emulate: HTTP 501.
    NotImplemented,
    /// SendEmail through a configuration set whose sending is paused
    /// (`SendingOptions.SendingEnabled` false); SESv2's one pause exception, HTTP 400.
    SendingPaused,
    /// A send names an identity (`FromEmailAddressIdentityArn`, v1's `SourceArn`, …) whose
    /// sending authorization policies do not let the caller use it: HTTP 403.
    AccessDenied,
}

impl SesCode {
    pub fn as_str(self) -> &'static str {
        match self {
            SesCode::BadRequest => "BadRequestException",
            SesCode::NotFound => "NotFoundException",
            SesCode::AlreadyExists => "AlreadyExistsException",
            SesCode::LimitExceeded => "LimitExceededException",
            SesCode::MessageRejected => "MessageRejected",
            SesCode::NotImplemented => "NotImplemented",
            SesCode::SendingPaused => "SendingPausedException",
            SesCode::AccessDenied => "AccessDeniedException",
        }
    }
}

/// What went wrong, which decides the exit code and the `Code` of the JSON error object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// An SES rule refused the request (254).
    Ses(SesCode),
    /// A parameter sesm rejects before acting (252).
    InvalidParameter,
    /// The state file could not be read, parsed or written (253).
    State,
    /// Another writer held the state lock for longer than the timeout (253; over HTTP a 500
    /// `ConcurrentModificationException`, which clients rightly retry).
    Lock,
    /// Anything unexpected (255).
    Internal,
    /// The result could not be written to stdout (1); any change was already saved.
    Output,
}

/// What an error is about, where a door's wire code depends on it: SES v1 answers a missing
/// configuration set with `ConfigurationSetDoesNotExist` and a missing template with
/// `TemplateDoesNotExist` where SESv2 answers `NotFoundException` for both. Doors pick their
/// codes from this and the kind, never from the words of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum About {
    Account,
    ConfigurationSet,
    EventDestination,
    Identity,
    Template,
    Pool,
    DedicatedIp,
    SuppressedDestination,
    Subscription,
    /// A configuration set's tracking options (SES v1 creates, updates and deletes them).
    TrackingOptions,
    /// A template names a variable its data lacks.
    RenderingAttribute,
    /// A template's data is not a JSON object.
    RenderingData,
    /// A template is not valid Handlebars, or renders to nothing usable.
    TemplateSyntax,
    /// A value outside what the API model allows a member (an enum, a length): SES's query
    /// API answers `ValidationError` "1 validation error detected: …", its JSON API
    /// `BadRequestException` with the same words.
    Validation,
    /// A contact list (SESv2 list management), or a contact on it.
    ContactList,
    Contact,
    /// An import job (CreateImportJob, GetImportJob).
    ImportJob,
    /// An identity's sending authorization policy, or its document.
    Policy,
    /// A custom verification email template.
    CustomVerificationTemplate,
    /// A receipt rule set, a rule in it, or an IP address filter (SES v1's email receiving).
    ReceiptRuleSet,
    ReceiptRule,
    ReceiptFilter,
    /// A door's own refusal of a request's form, with the code the door gives it (SES v1's
    /// `MissingParameter`): chosen where the error is made, never read back from words.
    Code(&'static str),
}

/// A failed command: what went wrong, in words a user can act on, plus optional hints.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Error {
    pub kind: Kind,
    pub message: String,
    pub hints: Vec<String>,
    /// What it is about, when a door's code depends on it.
    pub about: Option<About>,
    /// The name a `NotFound` error did not find (a pool, configuration set or identity), so
    /// the command line can offer the closest name the account has ("did you mean").
    pub name: Option<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            hints: Vec::new(),
            about: None,
            name: None,
        }
    }

    /// Says what the error is about (see `About`).
    pub fn about(mut self, about: About) -> Self {
        self.about = Some(about);
        self
    }

    /// Says which name was not found (see `name`).
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }

    /// The account or a configuration set paused its sending (SESv2's one pause exception).
    pub fn sending_paused(message: impl Into<String>, about: About) -> Self {
        Self::new(Kind::Ses(SesCode::SendingPaused), message).about(about)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(Kind::Ses(SesCode::BadRequest), message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(Kind::Ses(SesCode::NotFound), message)
    }

    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::new(Kind::Ses(SesCode::AlreadyExists), message)
    }

    pub fn limit_exceeded(message: impl Into<String>) -> Self {
        Self::new(Kind::Ses(SesCode::LimitExceeded), message)
    }

    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(Kind::InvalidParameter, message)
    }

    pub fn state(message: impl Into<String>) -> Self {
        Self::new(Kind::State, message)
    }

    pub fn lock(message: impl Into<String>) -> Self {
        Self::new(Kind::Lock, message)
    }

    /// The caller may not use an identity it names (sending authorization).
    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new(Kind::Ses(SesCode::AccessDenied), message)
    }

    pub fn message_rejected(message: impl Into<String>) -> Self {
        Self::new(Kind::Ses(SesCode::MessageRejected), message)
    }

    pub fn output(message: impl Into<String>) -> Self {
        Self::new(Kind::Output, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(Kind::Internal, message)
    }

    /// Adds a `hint:` line telling the user how to fix the problem.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Prefixes the message, e.g. with the line of an import file the error comes from.
    pub fn context(mut self, prefix: impl fmt::Display) -> Self {
        self.message = format!("{prefix}: {}", self.message);
        self
    }

    pub fn exit_code(&self) -> i32 {
        match self.kind {
            Kind::Ses(_) => exit::SES,
            Kind::InvalidParameter => exit::INVALID_PARAMETER,
            Kind::State | Kind::Lock => exit::STATE,
            Kind::Internal => exit::INTERNAL,
            Kind::Output => exit::OUTPUT,
        }
    }

    /// The `Code` of the JSON error object (and of the botocore line for SES errors).
    pub fn code(&self) -> &'static str {
        match self.kind {
            Kind::Ses(code) => code.as_str(),
            Kind::InvalidParameter => "InvalidParameter",
            Kind::State | Kind::Lock => "StateError",
            Kind::Internal => "InternalError",
            Kind::Output => "OutputError",
        }
    }

    /// The first line printed on stderr in table and text mode.
    ///
    /// SES refusals use botocore's exact form so that scripts grepping for the AWS CLI's message
    /// work unchanged; the other kinds use the `error:` prefix of cargo and gh.
    pub fn headline(&self, operation: &str) -> String {
        match self.kind {
            Kind::Ses(code) => format!(
                "An error occurred ({}) when calling the {operation} operation: {}",
                code.as_str(),
                self.message
            ),
            Kind::Internal => format!("error: internal error: {}", self.message),
            _ => format!("error: {}", self.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ses_headline_is_botocore_form() {
        let e = Error::limit_exceeded("Maximum number of managed pools reached.");
        assert_eq!(
            e.headline("CreateDedicatedIpPool"),
            "An error occurred (LimitExceededException) when calling the CreateDedicatedIpPool \
             operation: Maximum number of managed pools reached."
        );
        assert_eq!(e.exit_code(), 254);
    }

    #[test]
    fn kinds_map_to_documented_exit_codes() {
        assert_eq!(Error::invalid("x").exit_code(), 252);
        assert_eq!(Error::state("x").exit_code(), 253);
        assert_eq!(Error::internal("x").exit_code(), 255);
        assert_eq!(Error::invalid("x").code(), "InvalidParameter");
        assert_eq!(Error::state("x").code(), "StateError");
    }
}
