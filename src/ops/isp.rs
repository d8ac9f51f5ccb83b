//! sesm's `ListIsps`: the mailbox providers the model knows and their constants.

use serde::Serialize;

use crate::model::{IspParams, State};

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IspList {
    pub isps: Vec<IspParams>,
    /// What a cold IP may send per ISP per day (`V0`), for the table's note.
    #[serde(skip)]
    pub cold_allowance: f64,
}

pub fn list(s: &State) -> IspList {
    IspList {
        isps: s.model.isps.clone(),
        cold_allowance: s.model.cold_allowance,
    }
}
