//! `sesm config-set …`: configuration sets (`ops::config_set`).

use clap::{Args, Subcommand};

use super::{Ctx, candidates, parse_kvs, text_enum};
use crate::error::Result;
use crate::model::TlsPolicy;
use crate::ops::Operation;
use crate::ops::Paging;
use crate::ops::config_set::{self, Change, DeliveryChange, NewConfigSet};
use crate::ops::event_destination;
use crate::output::Rendered;

#[derive(Debug, Subcommand)]
pub enum ConfigSetCommand {
    /// Create a configuration set
    #[command(
        after_help = "Example:\n  sesm config-set create newsletters --pool marketing --max-delivery-seconds 3600"
    )]
    Create(CreateArgs),
    /// List the region's configuration sets
    #[command(after_help = "Example:\n  sesm config-set list -o text")]
    List,
    /// Show a configuration set
    #[command(after_help = "Example:\n  sesm config-set get newsletters")]
    Get(NameArg),
    /// Delete a configuration set (identities using it as default lose their default)
    #[command(after_help = "Example:\n  sesm config-set delete newsletters")]
    Delete(NameArg),
    /// Set the pool a configuration set sends through, or remove it with --none
    #[command(
        override_usage = "sesm config-set set-pool [OPTIONS] <NAME> <POOL>\n       sesm config-set set-pool [OPTIONS] <NAME> --none",
        after_help = "Examples:\n  sesm config-set set-pool newsletters marketing\n  sesm config-set set-pool newsletters --none"
    )]
    SetPool(SetPoolArgs),
    /// Event destinations: where SES publishes the set's sending events
    #[command(
        subcommand,
        name = "event-destination",
        after_help = "Examples:\n  sesm config-set event-destination add newsletters to-sns --types SEND,BOUNCE --sns arn:aws:sns:us-east-1:123456789012:ses-events\n  sesm config-set event-destination list newsletters"
    )]
    EventDestination(EventDestinationCommand),
}

#[derive(Debug, Subcommand)]
pub enum EventDestinationCommand {
    /// Add an event destination to a configuration set
    #[command(
        after_help = "Exactly one of --sns, --firehose-stream (with --firehose-role), --cloudwatch-dimension,\n--event-bridge and --pinpoint.\n\nExamples:\n  sesm config-set event-destination add newsletters to-sns --types SEND,DELIVERY,BOUNCE --sns arn:aws:sns:us-east-1:123456789012:ses-events\n  sesm config-set event-destination add newsletters metrics --types SEND --cloudwatch-dimension campaign:MESSAGE_TAG:none"
    )]
    Add(DestinationArgs),
    /// List a configuration set's event destinations
    #[command(
        after_help = "Example:\n  sesm config-set event-destination list newsletters -o json"
    )]
    List(NameArg),
    /// Replace an event destination's definition (every flag as for add)
    #[command(
        after_help = "Example:\n  sesm config-set event-destination update newsletters to-sns --types SEND,BOUNCE,COMPLAINT --sns arn:aws:sns:us-east-1:123456789012:ses-events --disabled"
    )]
    Update(DestinationArgs),
    /// Remove an event destination
    #[command(
        after_help = "Example:\n  sesm config-set event-destination remove newsletters to-sns"
    )]
    Remove(DestinationName),
}

#[derive(Debug, Args)]
pub struct DestinationName {
    #[arg(add = candidates::config_sets())]
    pub config_set: String,
    /// The destination's name: 1-64 characters from A-Z, a-z, 0-9, _ and -
    pub name: String,
}

#[derive(Debug, Args)]
pub struct DestinationArgs {
    #[command(flatten)]
    pub target: DestinationName,
    /// Event types, comma-separated: SEND, REJECT, BOUNCE, COMPLAINT, DELIVERY, OPEN, CLICK,
    /// RENDERING_FAILURE, DELIVERY_DELAY, SUBSCRIPTION
    #[arg(long, value_name = "TYPES", value_delimiter = ',', required = true)]
    pub types: Vec<String>,
    /// Keep the destination but publish nothing to it (Enabled false)
    #[arg(long)]
    pub disabled: bool,
    /// An SNS topic ARN
    #[arg(long, value_name = "TOPIC_ARN")]
    pub sns: Option<String>,
    /// A Kinesis Data Firehose delivery stream ARN (needs --firehose-role)
    #[arg(long, value_name = "STREAM_ARN", requires = "firehose_role")]
    pub firehose_stream: Option<String>,
    /// The IAM role ARN SES uses to write to the Firehose stream
    #[arg(long, value_name = "ROLE_ARN", requires = "firehose_stream")]
    pub firehose_role: Option<String>,
    /// A CloudWatch dimension as NAME:SOURCE:DEFAULT (SOURCE: MESSAGE_TAG, EMAIL_HEADER or
    /// LINK_TAG); repeatable
    #[arg(long, value_name = "NAME:SOURCE:DEFAULT")]
    pub cloudwatch_dimension: Vec<String>,
    /// The EventBridge default bus ARN (arn:aws:events:REGION:ACCOUNT:event-bus/default)
    #[arg(long, value_name = "BUS_ARN")]
    pub event_bridge: Option<String>,
    /// A Pinpoint project ARN
    #[arg(long, value_name = "APP_ARN")]
    pub pinpoint: Option<String>,
}

impl DestinationArgs {
    /// The definition as the API takes it; SES's rules are the model's (254, not the parser).
    fn definition(self) -> Result<event_destination::Definition> {
        use event_destination::*;
        let cloud_watch = if self.cloudwatch_dimension.is_empty() {
            None
        } else {
            let mut dims = Vec::new();
            for d in &self.cloudwatch_dimension {
                let mut parts = d.splitn(3, ':');
                let (Some(name), Some(source), Some(default)) =
                    (parts.next(), parts.next(), parts.next())
                else {
                    return Err(crate::error::Error::bad_request(format!(
                        "Invalid CloudWatch dimension '{d}': give NAME:SOURCE:DEFAULT."
                    )));
                };
                dims.push(Dimension {
                    dimension_name: name.into(),
                    dimension_value_source: source.into(),
                    default_dimension_value: default.into(),
                });
            }
            Some(CloudWatchDestination {
                dimension_configurations: dims,
            })
        };
        Ok(Definition {
            enabled: Some(!self.disabled),
            matching_event_types: Some(self.types),
            sns: self.sns.map(|topic_arn| SnsDestination { topic_arn }),
            firehose: self
                .firehose_stream
                .map(|delivery_stream_arn| FirehoseDestination {
                    iam_role_arn: self.firehose_role.unwrap_or_default(),
                    delivery_stream_arn,
                }),
            cloud_watch,
            event_bridge: self
                .event_bridge
                .map(|event_bus_arn| EventBridgeDestination { event_bus_arn }),
            pinpoint: self.pinpoint.map(|a| PinpointDestination {
                application_arn: Some(a),
            }),
        })
    }
}

impl ConfigSetCommand {
    pub fn operation(&self) -> &'static str {
        match self {
            ConfigSetCommand::Create(_) => Operation::CreateConfigurationSet.name(),
            ConfigSetCommand::List => Operation::ListConfigurationSets.name(),
            ConfigSetCommand::Get(_) => Operation::GetConfigurationSet.name(),
            ConfigSetCommand::Delete(_) => Operation::DeleteConfigurationSet.name(),
            ConfigSetCommand::SetPool(_) => Operation::PutConfigurationSetDeliveryOptions.name(),
            ConfigSetCommand::EventDestination(c) => match c {
                EventDestinationCommand::Add(_) => {
                    Operation::CreateConfigurationSetEventDestination.name()
                }
                EventDestinationCommand::List(_) => {
                    Operation::GetConfigurationSetEventDestinations.name()
                }
                EventDestinationCommand::Update(_) => {
                    Operation::UpdateConfigurationSetEventDestination.name()
                }
                EventDestinationCommand::Remove(_) => {
                    Operation::DeleteConfigurationSetEventDestination.name()
                }
            },
        }
    }
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Name: 1-64 characters from A-Z, a-z, 0-9, _ and -
    pub name: String,
    /// Sending pool: a pool of this region, ses-default-dedicated-pool or ses-shared-pool
    #[arg(long, value_name = "POOL", add = candidates::any_pools())]
    pub pool: Option<String>,
    #[arg(long, value_parser = text_enum(TlsPolicy::ALL, TlsPolicy::as_str), ignore_case = true)]
    pub tls_policy: Option<TlsPolicy>,
    /// How long SES retries a deferred message, 300 to 50400 seconds
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub max_delivery_seconds: Option<i64>,
    /// Tag as KEY=VALUE; repeatable
    #[arg(long = "tag", value_name = "KEY=VALUE")]
    pub tags: Vec<String>,
}

#[derive(Debug, Args)]
pub struct NameArg {
    #[arg(add = candidates::config_sets())]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct SetPoolArgs {
    #[arg(add = candidates::config_sets())]
    pub name: String,
    /// The pool to send through
    #[arg(required_unless_present = "none", add = candidates::any_pools())]
    pub pool: Option<String>,
    /// Remove the sending pool (mail goes the default way)
    #[arg(long, conflicts_with = "pool")]
    pub none: bool,
}

pub fn run(cmd: ConfigSetCommand, ctx: &Ctx) -> Result<Rendered> {
    match cmd {
        ConfigSetCommand::Create(a) => {
            let req = NewConfigSet {
                name: a.name,
                pool: a.pool,
                tls_policy: a.tls_policy,
                max_delivery_seconds: a.max_delivery_seconds,
                tags: parse_kvs(&a.tags)?,
                options: Default::default(),
            };
            ctx.write(|s, region| config_set::create(s, region, req))
        }
        // A table shows each set's details; other formats need the names only.
        ConfigSetCommand::List if ctx.wants_table() => {
            ctx.read(|s, region| config_set::list_detailed(s, region, None, &Paging::all()))
        }
        ConfigSetCommand::List => {
            ctx.read(|s, region| config_set::list(s, region, None, &Paging::all()))
        }
        ConfigSetCommand::Get(a) => ctx.read(|s, region| config_set::get(s, region, &a.name)),
        ConfigSetCommand::Delete(a) => {
            ctx.write(|s, region| config_set::delete(s, region, &a.name))
        }
        ConfigSetCommand::SetPool(a) => {
            let change = DeliveryChange {
                sending_pool: Change::replace(if a.none { None } else { a.pool }),
                ..DeliveryChange::default()
            };
            ctx.write(|s, region| config_set::put_delivery_options(s, region, &a.name, change))
        }
        ConfigSetCommand::EventDestination(c) => match c {
            EventDestinationCommand::Add(a) => {
                let DestinationName { config_set, name } = &a.target;
                let (set, name) = (config_set.clone(), name.clone());
                let def = a.definition()?;
                ctx.write(|s, region| event_destination::create(s, region, &set, &name, def))
            }
            EventDestinationCommand::List(a) => {
                ctx.read(|s, region| event_destination::list(s, region, &a.name))
            }
            EventDestinationCommand::Update(a) => {
                let DestinationName { config_set, name } = &a.target;
                let (set, name) = (config_set.clone(), name.clone());
                let def = a.definition()?;
                ctx.write(|s, region| event_destination::update(s, region, &set, &name, def))
            }
            EventDestinationCommand::Remove(a) => {
                ctx.write(|s, region| event_destination::delete(s, region, &a.config_set, &a.name))
            }
        },
    }
}
