//! The operations: one function per SES operation (`CreateDedicatedIpPool`,
//! `PutConfigurationSetDeliveryOptions`, …) and per operation of sesm's own (simulate,
//! metrics, cost, dashboard figures, compare, send), each taking the account (`&State` to
//! read, `&mut State` to change), the region and a typed request, and returning a typed
//! response or an `Error` with its SES code.
//!
//! Both front ends are thin over this layer: the command line (`cli/`) parses arguments into
//! a request and renders the response with `output/`; the HTTP endpoint (`server/`) decodes
//! the wire into the same request and encodes the response for SESv2 clients. Where the state
//! is read from and whether a change is written (under the lock) is the front end's choice
//! through `store`; an operation never touches the disk and never prints.

pub mod account;
pub mod account_settings;
pub mod bounce;
pub mod compare;
pub mod config_set;
pub mod contact_list;
pub mod cost;
pub mod custom_verification;
pub mod dashboard;
pub mod deliverability;
pub mod demo;
pub mod event_destination;
pub mod events;
pub mod export_job;
pub mod identity;
pub mod import_job;
pub mod inbound;
pub mod ip;
pub mod isp;
pub mod live;
pub mod message;
pub mod metrics;
pub mod mime;
pub mod multi_region;
pub mod names;
#[rustfmt::skip]
pub mod operation;
pub mod policy;
pub mod pool;
pub mod receipt;
pub mod reputation;
pub mod send;
pub mod shapes;
pub mod simulate;
pub mod smtp;
pub mod state;
pub mod suppression;
pub mod tag;
pub mod template;
pub mod tenant;
pub mod traffic;
pub mod vdm;

pub use operation::Operation;

use crate::error::{Error, Result};

/// Paging of a list operation (`NextToken`, `PageSize`); the command line lists everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Paging {
    pub next_token: Option<String>,
    pub page_size: Option<i64>,
}

/// One page of a list and the token of the next (none on the last page).
pub type Page<T> = (Vec<T>, Option<String>);

/// Items per page when a request does not say.
pub const DEFAULT_PAGE_SIZE: usize = 100;
/// The largest `PageSize` (SES documents 1000 for `ListEmailIdentities`; sesm uses it for
/// every list).
pub const MAX_PAGE_SIZE: i64 = 1000;

impl Paging {
    /// Everything at once (the command line).
    pub fn all() -> Paging {
        Paging::default()
    }

    fn is_all(&self) -> bool {
        self.next_token.is_none() && self.page_size.is_none()
    }
}

/// A page of jobs (import jobs, export jobs) listed as SES lists them: oldest first, then by
/// ID, with keys that sort the same way.
pub fn page_by_creation<J>(
    list: &str,
    mut jobs: Vec<(String, J)>,
    created: impl Fn(&J) -> jiff::Timestamp,
    paging: &Paging,
) -> Result<Page<(String, J)>> {
    jobs.sort_by(|a, b| created(&a.1).cmp(&created(&b.1)).then(a.0.cmp(&b.0)));
    let items = jobs
        .into_iter()
        .map(|(id, j)| {
            let key = format!("{:020}-{id}", created(&j).as_nanosecond().max(0));
            (key, (id, j))
        })
        .collect();
    page(list, items, paging).map_err(|e| Error::bad_request(e.message))
}

/// Cuts a sorted list of `(key, item)` into the page `paging` asks for; returns the page and
/// the token of the next one (none on the last page). The token is opaque to clients: the
/// hex of the list's name and the first key of the next page, so a list changed between
/// calls resumes where it stood, and a token of another list is refused rather than read as
/// a place in this one (issue 29, item 15). A malformed token or a page size out of range is a
/// BadRequest.
pub fn page<T>(
    list: &str,
    items: Vec<(String, T)>,
    paging: &Paging,
) -> Result<(Vec<T>, Option<String>)> {
    if paging.is_all() {
        return Ok((items.into_iter().map(|(_, t)| t).collect(), None));
    }
    let size = match paging.page_size {
        None => DEFAULT_PAGE_SIZE,
        Some(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n as usize,
        Some(n) => {
            return Err(Error::bad_request(format!(
                "Invalid PageSize {n}: use a number from 1 to {MAX_PAGE_SIZE}."
            )));
        }
    };
    let start = match &paging.next_token {
        None => None,
        Some(token) => Some(
            decode_token(token)
                .and_then(|t| Some(t.strip_prefix(list)?.strip_prefix('\n')?.to_string()))
                .ok_or_else(|| {
                    Error::bad_request(
                        "Invalid NextToken: use the NextToken of a previous response of this list.",
                    )
                })?,
        ),
    };
    let mut rest = items
        .into_iter()
        .skip_while(|(k, _)| start.as_ref().is_some_and(|s| k < s))
        .peekable();
    let mut out = Vec::with_capacity(size.min(1024));
    while out.len() < size {
        match rest.next() {
            Some((_, item)) => out.push(item),
            None => break,
        }
    }
    let next = rest
        .peek()
        .map(|(k, _)| encode_token(&format!("{list}\n{k}")));
    Ok((out, next))
}

fn encode_token(key: &str) -> String {
    let mut s = String::with_capacity(2 + key.len() * 2);
    s.push_str("n1");
    for b in key.bytes() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn decode_token(token: &str) -> Option<String> {
    let hex = token.strip_prefix("n1")?;
    if hex.len() % 2 != 0 || hex.len() > 4096 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect();
    String::from_utf8(bytes?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: usize) -> Vec<(String, usize)> {
        (0..n).map(|i| (format!("k{i:03}"), i)).collect()
    }

    #[test]
    fn pages_cover_the_list_once_and_the_last_has_no_token() {
        let mut seen = Vec::new();
        let mut paging = Paging {
            next_token: None,
            page_size: Some(7),
        };
        loop {
            let (page, next) = page("things", items(30), &paging).unwrap();
            assert!(page.len() <= 7);
            seen.extend(page);
            match next {
                Some(t) => paging.next_token = Some(t),
                None => break,
            }
        }
        assert_eq!(seen, (0..30).collect::<Vec<_>>());
        assert_eq!(page("things", items(5), &Paging::all()).unwrap().0.len(), 5);
        let (p, next) = page(
            "things",
            items(0),
            &Paging {
                page_size: Some(3),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(p.is_empty() && next.is_none());
    }

    #[test]
    fn a_token_names_its_list() {
        let first = Paging {
            next_token: None,
            page_size: Some(2),
        };
        let (_, next) = page("pools", items(5), &first).unwrap();
        let next = Paging {
            next_token: next,
            page_size: Some(2),
        };
        assert!(page("pools", items(5), &next).is_ok());
        let e = page("templates", items(5), &next).unwrap_err();
        assert_eq!(e.code(), "BadRequestException");
    }

    #[test]
    fn bad_tokens_and_sizes_are_bad_requests() {
        for size in [0, -1, 1001, i64::MAX] {
            let e = page(
                "things",
                items(3),
                &Paging {
                    page_size: Some(size),
                    ..Default::default()
                },
            )
            .unwrap_err();
            assert_eq!(e.code(), "BadRequestException");
        }
        for token in ["", "abc", "n1z", "n1f", "n1ff"] {
            let e = page(
                "things",
                items(3),
                &Paging {
                    next_token: Some(token.into()),
                    page_size: None,
                },
            )
            .unwrap_err();
            assert_eq!(e.code(), "BadRequestException", "{token}");
        }
    }
}
