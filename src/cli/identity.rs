//! `sesm identity …`: sending identities (`ops::identity`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{Ctx, candidates, parse_kvs};
use crate::error::Result;
use crate::ops::Operation;
use crate::ops::Paging;
use crate::ops::identity::{self, IdentityFilter};
use crate::output::Rendered;
use crate::store;

#[derive(Debug, Subcommand)]
pub enum IdentityCommand {
    /// Create a sending identity: a domain, or an email address
    #[command(
        after_help = "Examples:\n  sesm identity create example.com --config-set newsletters\n  sesm identity create news@example.com --tag team=mail"
    )]
    Create(CreateArgs),
    /// Import identities from a file (one per line, - for stdin); all are added or none
    #[command(after_help = "Example:\n  sesm identity import domains.txt")]
    Import(ImportArgs),
    /// List the region's identities
    #[command(
        after_help = "Example:\n  sesm identity list -o json --query 'EmailIdentities[].IdentityName'"
    )]
    List,
    /// Show an identity
    #[command(after_help = "Example:\n  sesm identity get example.com")]
    Get(NameArg),
    /// Delete an identity
    #[command(after_help = "Example:\n  sesm identity delete example.com")]
    Delete(NameArg),
    /// Set an identity's default configuration set, or remove it with --none
    #[command(
        override_usage = "sesm identity set-config-set [OPTIONS] <IDENTITY> <CONFIG_SET>\n       sesm identity set-config-set [OPTIONS] <IDENTITY> --none",
        after_help = "Examples:\n  sesm identity set-config-set example.com newsletters\n  sesm identity set-config-set example.com --none"
    )]
    SetConfigSet(SetConfigSetArgs),
}

impl IdentityCommand {
    pub fn operation(&self) -> &'static str {
        match self {
            IdentityCommand::Create(_) => Operation::CreateEmailIdentity.name(),
            IdentityCommand::Import(_) => "ImportEmailIdentities",
            IdentityCommand::List => Operation::ListEmailIdentities.name(),
            IdentityCommand::Get(_) => Operation::GetEmailIdentity.name(),
            IdentityCommand::Delete(_) => Operation::DeleteEmailIdentity.name(),
            IdentityCommand::SetConfigSet(_) => {
                Operation::PutEmailIdentityConfigurationSetAttributes.name()
            }
        }
    }
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// A domain (example.com) or an email address (news@example.com)
    #[arg(allow_hyphen_values = true)]
    pub identity: String,
    /// Default configuration set
    #[arg(long = "config-set", value_name = "CS", add = candidates::config_sets())]
    pub config_set: Option<String>,
    /// Tag as KEY=VALUE; repeatable
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// File with one identity per line, or - for stdin
    #[arg(value_hint = clap::ValueHint::FilePath)]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct NameArg {
    #[arg(add = candidates::identities())]
    pub identity: String,
}

#[derive(Debug, Args)]
pub struct SetConfigSetArgs {
    #[arg(add = candidates::identities())]
    pub identity: String,
    /// The default configuration set
    #[arg(required_unless_present = "none", add = candidates::config_sets())]
    pub config_set: Option<String>,
    /// Remove the default configuration set
    #[arg(long, conflicts_with = "config_set")]
    pub none: bool,
}

pub fn run(cmd: IdentityCommand, ctx: &Ctx) -> Result<Rendered> {
    match cmd {
        IdentityCommand::Create(a) => {
            let tags = parse_kvs(&a.tags)?;
            ctx.write(|s, region| {
                identity::create(s, region, &a.identity, a.config_set.as_deref(), &tags, None)
            })
        }
        IdentityCommand::Import(a) => {
            let text = store::read_input(
                &a.file,
                "the import file",
                "give a UTF-8 text file with one identity per line, or - for stdin",
            )?;
            ctx.write(|s, region| identity::import(s, region, &text))
        }
        IdentityCommand::List => ctx.read(|s, region| {
            identity::list(s, region, &IdentityFilter::default(), &Paging::all())
        }),
        IdentityCommand::Get(a) => ctx.read(|s, region| identity::get(s, region, &a.identity)),
        IdentityCommand::Delete(a) => {
            ctx.write(|s, region| identity::delete(s, region, &a.identity))
        }
        IdentityCommand::SetConfigSet(a) => {
            let cs = if a.none { None } else { a.config_set };
            ctx.write(|s, region| identity::set_config_set(s, region, &a.identity, cs.as_deref()))
        }
    }
}
