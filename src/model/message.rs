//! A message's content as a front end hands it over: the bytes of a raw MIME message, or the
//! parts SES builds one from (Simple content, a rendered template). `ops::message` builds and
//! reads the MIME; the outbox keeps it whole.

use std::sync::Arc;

/// What a message says, as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// A MIME message as the sender wrote it (SendEmail's `Raw`, SMTP's DATA).
    Raw(Arc<Vec<u8>>),
    /// The parts SES builds the MIME message from (`Simple`, or a template once rendered).
    Simple(Arc<Simple>),
}

impl Default for Body {
    fn default() -> Self {
        Body::Simple(Arc::new(Simple::default()))
    }
}

/// Simple content: subject, text and HTML bodies, and what SESv2 adds around them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Simple {
    pub subject: Option<String>,
    pub text: Option<String>,
    pub html: Option<String>,
    /// `ReplyToAddresses`.
    pub reply_to: Vec<String>,
    /// SESv2's `Headers`: extra header fields, in order.
    pub headers: Vec<(String, String)>,
    /// SESv2's `Attachments`.
    pub attachments: Vec<Attachment>,
}

/// An attachment of Simple content (SESv2's `Attachment` shape).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Attachment {
    pub file_name: String,
    /// The MIME type; `application/octet-stream` when not given.
    pub content_type: Option<String>,
    /// `ATTACHMENT` (the default) or `INLINE`.
    pub disposition: Disposition,
    pub content_id: Option<String>,
    pub description: Option<String>,
    /// How the part is encoded in the message (`BASE64` by default).
    pub encoding: TransferEncoding,
    pub data: Vec<u8>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Disposition {
    #[default]
    Attachment,
    Inline,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum TransferEncoding {
    #[default]
    Base64,
    QuotedPrintable,
    SevenBit,
}

/// SESv2's `Headers` member takes at most this many header fields.
pub const MAX_HEADERS: usize = 15;
