//! `sesm state …`: where the state lives, and whole-state export, import and reset
//! (`ops::state`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Ctx;
use crate::error::{Error, Result};
use crate::ops::state::{self, Exported, PathView};
use crate::output::{Output, Rendered};
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

pub fn run(cmd: StateCommand, ctx: &Ctx) -> Result<Rendered> {
    let store = ctx.store()?;
    let path = store.path().display().to_string();
    let backup = store.backup_path().display().to_string();
    match cmd {
        StateCommand::Path => ctx.render(Output::new(PathView {
            path,
            backup_path: backup,
            exists: store.exists(),
        })),
        StateCommand::Export(a) => {
            let text = state::export_text(&ctx.existing_store()?.load()?)?;
            match a.file {
                Some(file) => {
                    store::write_file(&file, &text)?;
                    ctx.render(Output::new(Exported {
                        exported: file.display().to_string(),
                    }))
                }
                None => ctx.render(Output::raw(text)),
            }
        }
        StateCommand::Import(a) => {
            let imported = store::read_import(&a.file)?;
            let source = Some(store::input_name(&a.file));
            ctx.write_to(&store, |s| {
                state::replace(s, imported);
                Ok(state::replaced(s, path, backup, source))
            })
        }
        StateCommand::Reset(a) => {
            if !a.yes {
                return Err(Error::invalid("state reset replaces the whole account with an empty one")
                    .hint("run it again with --yes to confirm (the previous state is kept as the .bak file)"));
            }
            let today = store.today();
            ctx.write_to(&store, |s| {
                state::reset(s, today);
                Ok(state::replaced(s, path, backup, None))
            })
        }
    }
}
