//! The account-level suppression list: `PutSuppressedDestination`,
//! `GetSuppressedDestination`, `ListSuppressedDestinations`, `DeleteSuppressedDestination`
//! and `PutAccountSuppressionAttributes` (rules in `model::suppression`).

use jiff::Timestamp;
use serde::Serialize;

use super::{Paging, page};
use crate::error::Result;
use crate::model::State;
pub use crate::model::suppression::{ListFilter, Reason, Suppressed, parse_reasons};

/// A suppressed address after a change, for the confirmation line.
#[derive(Debug, Serialize)]
pub struct SuppressedChanged {
    #[serde(flatten)]
    pub entry: Suppressed,
    #[serde(skip)]
    pub removed: bool,
}

/// ListSuppressedDestinations' output.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct SuppressedList {
    pub suppressed_destination_summaries: Vec<Suppressed>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// The account's suppression reasons of a region (GetAccount's `SuppressionAttributes`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Attributes {
    pub suppressed_reasons: Vec<Reason>,
}

/// PutSuppressedDestination (S1–S3).
pub fn put(
    s: &mut State,
    region: &str,
    address: &str,
    reason: &str,
    now: Timestamp,
) -> Result<SuppressedChanged> {
    let entry = s
        .region_mut(region)
        .put_suppressed(address, reason, now, None)?;
    Ok(SuppressedChanged {
        entry,
        removed: false,
    })
}

/// GetSuppressedDestination (S1, S4).
pub fn get(s: &State, region: &str, address: &str) -> Result<Suppressed> {
    s.region(region).get_suppressed(address)
}

/// ListSuppressedDestinations: sorted by address, filtered by reason and update time.
pub fn list(
    s: &State,
    region: &str,
    filter: &ListFilter,
    paging: &Paging,
) -> Result<SuppressedList> {
    let items = s
        .region(region)
        .list_suppressed(filter)
        .into_iter()
        .map(|e| (e.email_address.clone(), e.clone()))
        .collect();
    let (suppressed_destination_summaries, next_token) =
        page("suppressed-destinations", items, paging)?;
    Ok(SuppressedList {
        suppressed_destination_summaries,
        next_token,
    })
}

/// DeleteSuppressedDestination (S1, S4).
pub fn delete(s: &mut State, region: &str, address: &str) -> Result<SuppressedChanged> {
    let entry = s.region_mut(region).delete_suppressed(address)?;
    Ok(SuppressedChanged {
        entry,
        removed: true,
    })
}

/// PutAccountSuppressionAttributes (S2, S5).
pub fn put_attributes(s: &mut State, region: &str, reasons: &[String]) -> Result<Attributes> {
    s.put_account_suppression(region, reasons)?;
    Ok(attributes(s, region))
}

/// The account's suppression reasons of a region.
pub fn attributes(s: &State, region: &str) -> Attributes {
    Attributes {
        suppressed_reasons: s.region(region).account_suppression_reasons(),
    }
}
