//! sesm's whole-state operations: where the state is, export, import and reset.

use jiff::civil::Date;
use serde::Serialize;

use crate::error::Result;
use crate::model::State;

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PathView {
    pub path: String,
    pub backup_path: String,
    pub exists: bool,
}

/// `state import` and `state reset`: what the state is now.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Replaced {
    pub path: String,
    pub date: Date,
    pub regions: Vec<String>,
    /// Where the previous state is kept, and what replaced it (for the confirmation line).
    #[serde(skip)]
    pub backup_path: String,
    #[serde(skip)]
    pub source: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Exported {
    pub exported: String,
}

/// Replaces the whole account with `new` (an import, already checked).
pub fn replace(s: &mut State, new: State) {
    *s = new;
}

/// `sesm state reset` and `POST /_sesm/reset`: the account becomes a fresh one whose clock
/// starts on `today`, as moto's `/moto-api/reset` lets a test suite start each test afresh.
/// The write that saves it empties the outbox (a new account has sent nothing), the event log
/// and the SNS delivery cursors (`Published`'s reset), and the fresh state has no
/// subscriptions, identities, sets or pools.
pub fn reset(s: &mut State, today: Date) {
    *s = State::new(today);
    s.published.1 = true;
}

/// What the state is after a replacement.
pub fn replaced(s: &State, path: String, backup_path: String, source: Option<String>) -> Replaced {
    Replaced {
        path,
        date: s.date,
        regions: s.regions.keys().cloned().collect(),
        backup_path,
        source,
    }
}

/// The whole state as people read it: pretty JSON, every section parsed (so a corrupt one
/// shows now).
pub fn export_text(s: &State) -> Result<String> {
    s.parse_all()?;
    let mut text = serde_json::to_string_pretty(s)
        .map_err(|e| crate::error::Error::internal(format!("cannot encode the state: {e}")))?;
    text.push('\n');
    Ok(text)
}
