//! `sesm identity …`: sending identities (rules in `model::identity`).

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::views::{self, IdentityGet};
use super::{Ctx, complete, parse_kvs};
use crate::error::Result;
use crate::model::names::IdentityType;
use crate::output::{Block, Column, Output, thousands};

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
        after_help = "Examples:\n  sesm identity set-config-set example.com newsletters\n  sesm identity set-config-set example.com --none"
    )]
    SetConfigSet(SetConfigSetArgs),
}

impl IdentityCommand {
    pub fn operation(&self) -> &'static str {
        match self {
            IdentityCommand::Create(_) => "CreateEmailIdentity",
            IdentityCommand::Import(_) => "ImportEmailIdentities",
            IdentityCommand::List => "ListEmailIdentities",
            IdentityCommand::Get(_) => "GetEmailIdentity",
            IdentityCommand::Delete(_) => "DeleteEmailIdentity",
            IdentityCommand::SetConfigSet(_) => "PutEmailIdentityConfigurationSetAttributes",
        }
    }
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// A domain (example.com) or an email address (news@example.com)
    #[arg(allow_hyphen_values = true)]
    pub identity: String,
    /// Default configuration set
    #[arg(long = "config-set", value_name = "CS", add = complete::config_sets())]
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
    #[arg(add = complete::identities())]
    pub identity: String,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["config_set", "none"]))]
pub struct SetConfigSetArgs {
    #[arg(add = complete::identities())]
    pub identity: String,
    /// The default configuration set
    #[arg(add = complete::config_sets())]
    pub config_set: Option<String>,
    /// Remove the default configuration set
    #[arg(long)]
    pub none: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListItem {
    identity_name: String,
    identity_type: &'static str,
    sending_enabled: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct IdentityList {
    email_identities: Vec<ListItem>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Imported {
    imported: usize,
}

pub fn run(cmd: IdentityCommand, ctx: &Ctx) -> Result<Output> {
    let region = ctx.region()?;
    match cmd {
        IdentityCommand::Create(a) => {
            let tags = parse_kvs(&a.tags)?;
            let view = ctx.store()?.update(|s| {
                let name = s.region_mut(region).create_identity(
                    &a.identity,
                    a.config_set.as_deref(),
                    &tags,
                )?;
                let (name, identity) = s.region(region).existing_identity(&name)?;
                Ok(views::identity_get(s, region, &name, &identity))
            })?;
            let notice = format!("Created identity {} in {region}.", view.identity_name);
            Ok(Output::new(view).notice(notice))
        }
        IdentityCommand::Import(a) => {
            let text = crate::store::read_input(
                &a.file,
                "the import file",
                "give a UTF-8 text file with one identity per line, or - for stdin",
            )?;
            let count = ctx
                .store()?
                .update(|s| s.region_mut(region).import_identities(text.lines()))?;
            Ok(
                Output::new(Imported { imported: count }).with_human(vec![Block::Line(format!(
                    "Imported {} identities into {region}.",
                    thousands(count as i64)
                ))]),
            )
        }
        IdentityCommand::List => {
            let state = ctx.store()?.load()?;
            let identities = state.region(region).identities.get()?;
            let items: Vec<ListItem> = identities
                .keys()
                .map(|name| ListItem {
                    identity_name: name.clone(),
                    identity_type: IdentityType::of(name).as_str(),
                    sending_enabled: true,
                })
                .collect();
            let rows = identities
                .iter()
                .map(|(name, id)| {
                    vec![
                        name.clone(),
                        IdentityType::of(name).as_str().to_string(),
                        id.configuration_set.clone().unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            let human = vec![Block::table(
                vec![
                    Column::left("Identity"),
                    Column::left("Type"),
                    Column::left("Default configuration set"),
                ],
                rows,
            )];
            Ok(Output::new(IdentityList {
                email_identities: items,
            })
            .with_human(human))
        }
        IdentityCommand::Get(a) => {
            let state = ctx.store()?.load()?;
            let (name, identity) = state.region(region).existing_identity(&a.identity)?;
            Ok(Output::new(views::identity_get(
                &state, region, &name, &identity,
            )))
        }
        IdentityCommand::Delete(a) => {
            let view: IdentityGet = ctx.store()?.update(|s| {
                let (name, identity) = s.region_mut(region).delete_identity(&a.identity)?;
                Ok(views::identity_get(s, region, &name, &identity))
            })?;
            let notice = format!("Deleted identity {} in {region}.", view.identity_name);
            Ok(Output::new(view).notice(notice))
        }
        IdentityCommand::SetConfigSet(a) => {
            let cs = if a.none { None } else { a.config_set.clone() };
            let view = ctx.store()?.update(|s| {
                let name = s
                    .region_mut(region)
                    .set_identity_config_set(&a.identity, cs.as_deref())?;
                let (name, identity) = s.region(region).existing_identity(&name)?;
                Ok(views::identity_get(s, region, &name, &identity))
            })?;
            let notice = match &cs {
                Some(cs) => format!("Identity {} now uses {cs} by default.", view.identity_name),
                None => format!(
                    "Identity {} no longer has a default configuration set.",
                    view.identity_name
                ),
            };
            Ok(Output::new(view).notice(notice))
        }
    }
}
