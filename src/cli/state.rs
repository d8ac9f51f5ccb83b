//! `sesm state …`: where the state lives, and whole-state export, import and reset.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::Ctx;
use crate::error::{Error, Result};
use crate::model::State;
use crate::output::{Block, Output};
use crate::store;

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// Print the state file's path
    #[command(after_help = "Example:\n  sesm state path")]
    Path,
    /// Print the whole state as JSON, or write it to FILE
    #[command(
        after_help = "Examples:\n  sesm state export > backup.json\n  sesm state export backup.json"
    )]
    Export(ExportArgs),
    /// Replace the state with FILE (a previous export)
    #[command(after_help = "Example:\n  sesm state import backup.json")]
    Import(ImportArgs),
    /// Start over with an empty account (needs --yes)
    #[command(after_help = "Example:\n  sesm state reset --yes")]
    Reset(ResetArgs),
}

impl StateCommand {
    pub fn operation(&self) -> &'static str {
        match self {
            StateCommand::Path => "GetStatePath",
            StateCommand::Export(_) => "ExportState",
            StateCommand::Import(_) => "ImportState",
            StateCommand::Reset(_) => "ResetState",
        }
    }
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(value_hint = clap::ValueHint::FilePath)]
    pub file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[arg(value_hint = clap::ValueHint::FilePath)]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// Confirm that the whole state is to be replaced by an empty account
    #[arg(long)]
    pub yes: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PathView {
    path: String,
    backup_path: String,
    exists: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Replaced {
    path: String,
    date: jiff::civil::Date,
    regions: Vec<String>,
}

pub fn run(cmd: StateCommand, ctx: &Ctx) -> Result<Output> {
    let store = ctx.store()?;
    match cmd {
        StateCommand::Path => {
            let path = store.path().display().to_string();
            Ok(Output::new(PathView {
                path: path.clone(),
                backup_path: store.backup_path().display().to_string(),
                exists: store.path().exists(),
            })
            .with_human(vec![Block::Line(path)]))
        }
        StateCommand::Export(a) => {
            let state = store.load()?;
            match a.file {
                Some(file) => {
                    store::write_export(&file, &state)?;
                    Ok(
                        Output::new(serde_json::json!({"Exported": file.display().to_string()}))
                            .notice(format!("Exported the state to {}.", file.display())),
                    )
                }
                None => {
                    state.parse_all()?;
                    let mut text =
                        serde_json::to_string_pretty(&state).expect("a State serializes");
                    text.push('\n');
                    Ok(Output::raw(text))
                }
            }
        }
        StateCommand::Import(a) => {
            let imported = store::read_import(&a.file)?;
            let view = store.update(|s| {
                *s = imported;
                Ok(replaced(&store, s))
            })?;
            Ok(Output::new(view).notice(format!(
                "Imported {} into {}.",
                a.file.display(),
                store.path().display()
            )))
        }
        StateCommand::Reset(a) => {
            if !a.yes {
                return Err(Error::invalid("state reset replaces the whole account with an empty one")
                    .hint("run it again with --yes to confirm (the previous state is kept as the .bak file)"));
            }
            let today = store.today();
            let view = store.update(|s| {
                *s = State::new(today);
                Ok(replaced(&store, s))
            })?;
            Ok(Output::new(view).notice(format!(
                "Reset {}; the previous state is in {}.",
                store.path().display(),
                store.backup_path().display()
            )))
        }
    }
}

fn replaced(store: &store::Store, s: &State) -> Replaced {
    Replaced {
        path: store.path().display().to_string(),
        date: s.date,
        regions: s.regions.keys().cloned().collect(),
    }
}
