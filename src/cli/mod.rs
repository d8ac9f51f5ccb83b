//! The command line: clap definitions and thin handlers, one file per noun.
//!
//! Only this module knows clap. A handler turns its arguments into an operation's request,
//! runs the operation through `Ctx::read` or `Ctx::write` (which render the response with
//! `output/` before a change is committed), and returns what is to be printed. Handlers
//! compute nothing and print nothing themselves; no noun file imports another.

pub mod account;
pub mod candidates;
pub mod compare;
pub mod completions;
pub mod config_set;
pub mod cost;
pub mod dashboard;
pub mod demo;
pub mod events;
pub mod identity;
pub mod inbound;
pub mod ip;
pub mod isp;
pub mod metrics;
pub mod outbox;
pub mod pool;
pub mod send;
pub mod serve;
pub mod simulate;
pub mod smtp_password;
pub mod state;
pub mod suppression;
pub mod tag;
pub mod traffic;

use std::cell::Cell;
use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::env::{self, EnvVars};
use crate::error::{Error, Result, exit};
use crate::model::State;
use crate::ops::Operation;
use crate::output::{Format, Output, Printer, Render, Rendered, compile_query};
use crate::store::Store;

const AFTER_HELP: &str = "\
Exit codes:
  0    success
  2    the command line does not parse (unknown command or flag, missing argument, bad choice)
  252  a parameter sesm rejects before acting (KEY=VALUE, region, date, ISP, plan or import file)
  253  the state file: unreadable, corrupt, newer version, lock not obtained, folder not writable
  254  an SES rule refused the request (the error names the SES error code)
  255  anything unexpected (a bug)

  1    the change was made, but its output could not be written (e.g. a full disk)

Environment (a variable set to the empty string counts as not set):
  SESM_STATE          the state file (default: $XDG_STATE_HOME/sesm/state.json)
  SESM_REGION         the region, before AWS_REGION and AWS_DEFAULT_REGION (default: us-east-1)
  SESM_OUTPUT         table, json or text
  SESM_TODAY          the start date (YYYY-MM-DD) of a new or reset state (default: today, UTC)
  SESM_LOCK_TIMEOUT   seconds a writer waits for the state lock (default: 10)
  NO_COLOR            disables colour
  COLUMNS             the width terminal views fit in (default: 100)
  COMPLETE            set by the shell completion scripts (see `sesm completions --help`)

The simulation's numbers are calibrated estimates, not figures published by AWS.

Examples:
  sesm demo
  sesm pool create marketing --managed
  sesm -o json pool get marketing --query 'DedicatedIps[].Ip'";

/// sesm: an emulated Amazon SES account with dedicated IPs, and a day-by-day simulation of
/// how managed and standard dedicated IPs warm up per mailbox provider.
#[derive(Debug, Parser)]
#[command(
    name = "sesm",
    version,
    about = "Emulate an Amazon SES account with dedicated IPs and simulate their warm-up",
    long_about = "Emulate an Amazon SES account with dedicated IPs and simulate their warm-up.\n\n\
        sesm keeps pools, dedicated IPs, configuration sets, identities and tags in one local \
        state file, enforces the rules SES enforces (same error codes), and simulates day by day \
        how managed pools warm up per mailbox provider, overflow to shared IPs, defer, scale and cost.",
    after_help = AFTER_HELP,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

// Under their own heading: clap would otherwise interleave them with each command's options.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The state file [env: SESM_STATE] [default: $XDG_STATE_HOME/sesm/state.json]
    // The environment is read in `env.rs`, not by clap, so that an empty variable counts as
    // unset and `demo` can tell a path given on its command line from one set for the shell.
    #[arg(long, global = true, value_name = "PATH", value_hint = clap::ValueHint::FilePath)]
    pub state: Option<PathBuf>,

    /// Region to act on [env: SESM_REGION, AWS_REGION, AWS_DEFAULT_REGION] [default: us-east-1]
    #[arg(long, global = true, value_name = "REGION", add = candidates::regions())]
    pub region: Option<String>,

    /// How results are printed [env: SESM_OUTPUT] [default: table]
    #[arg(short, long, global = true, value_enum)]
    pub output: Option<OutputFormat>,

    /// JMESPath expression applied to the JSON result before printing (as in the AWS CLI)
    #[arg(long, global = true, value_name = "JMESPATH")]
    pub query: Option<String>,

    /// When to use colour (NO_COLOR is honoured)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// No confirmations on stderr (never hides requested data)
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Dedicated IP pools: standard and managed
    #[command(
        subcommand,
        after_help = "Examples:\n  sesm pool create marketing --managed\n  sesm pool list"
    )]
    Pool(pool::PoolCommand),
    /// Configuration sets and the pool they send through
    #[command(
        subcommand,
        name = "config-set",
        after_help = "Examples:\n  sesm config-set create newsletters --pool marketing\n  sesm config-set list"
    )]
    ConfigSet(config_set::ConfigSetCommand),
    /// Sending identities (domains and email addresses)
    #[command(
        subcommand,
        after_help = "Examples:\n  sesm identity create example.com\n  sesm identity import domains.txt"
    )]
    Identity(identity::IdentityCommand),
    /// Dedicated IPs: lease, move, warm-up, release
    #[command(
        subcommand,
        after_help = "Examples:\n  sesm ip lease --count 2 --pool transactional\n  sesm ip list"
    )]
    Ip(ip::IpCommand),
    /// Tags on pools, configuration sets and identities
    #[command(
        subcommand,
        after_help = "Examples:\n  sesm tag add pool/marketing team=growth\n  sesm tag list pool/marketing"
    )]
    Tag(tag::TagCommand),
    /// Standing daily volume per configuration set and ISP, used by `simulate`
    #[command(
        subcommand,
        after_help = "Examples:\n  sesm traffic set newsletters gmail=100000 microsoft=20000\n  sesm traffic list"
    )]
    Traffic(traffic::TrafficCommand),
    /// The mailbox providers (ISPs) the model knows
    #[command(subcommand, after_help = "Example:\n  sesm isp list")]
    Isp(isp::IspCommand),
    /// Advance the account clock day by day and simulate sending
    Simulate(simulate::SimulateArgs),
    /// Daily metrics in CloudWatch GetMetricData shape
    Metrics(metrics::MetricsArgs),
    /// Managed pools at a glance, in the terminal or as an HTML page
    Dashboard(dashboard::DashboardArgs),
    /// Estimated cost per calendar month
    Cost(cost::CostArgs),
    /// Standard or managed? The same mail through each, side by side, with a recommendation
    Compare(compare::CompareArgs),
    /// Quotas and usage per region, the clock, auto warm-up and cost to date
    Account(account::AccountArgs),
    /// The state file: path, export, import, reset
    #[command(
        subcommand,
        after_help = "Examples:\n  sesm state path\n  sesm state export backup.json"
    )]
    State(state::StateCommand),
    /// Print a shell completion script
    Completions(completions::CompletionsArgs),
    /// Build a sample account in a throwaway state and simulate 45 days
    Demo(demo::DemoArgs),
    /// Send a message as SendEmail does, or explain its route with --explain
    Send(send::SendArgs),
    /// The last 10,000 accepted messages
    #[command(
        subcommand,
        after_help = "Examples:\n  sesm outbox list --to jane@gmail.com\n  sesm outbox clear"
    )]
    Outbox(outbox::OutboxCommand),
    /// Mail the account received (`serve --inbound-port`) and what its receipt rules did
    #[command(
        subcommand,
        after_help = "Examples:
  sesm inbound list --to support@example.com
  sesm inbound show ID --raw"
    )]
    Inbound(inbound::InboundCommand),
    /// Events published to configuration sets' event destinations
    #[command(
        subcommand,
        after_help = "Examples:\n  sesm events list --type Delivery\n  sesm events follow"
    )]
    Events(events::EventsCommand),
    /// The account-level suppression list: addresses SES won't deliver to
    #[command(
        subcommand,
        after_help = "Examples:\n  sesm suppression put jane@example.com --reason BOUNCE\n  sesm suppression list"
    )]
    Suppression(suppression::SuppressionCommand),
    /// Print the SES SMTP password of an AWS secret access key
    SmtpPassword(smtp_password::SmtpPasswordArgs),
    /// Serve the SESv2 API on localhost for boto3, the AWS CLI, SDKs and Terraform
    Serve(serve::ServeArgs),
}

impl Command {
    /// The operation name in error lines: the SESv2 operation where there is one.
    pub fn operation(&self) -> &'static str {
        match self {
            Command::Pool(c) => c.operation(),
            Command::ConfigSet(c) => c.operation(),
            Command::Identity(c) => c.operation(),
            Command::Ip(c) => c.operation(),
            Command::Tag(c) => c.operation(),
            Command::Traffic(_) => "PutTraffic",
            Command::Isp(_) => "ListIsps",
            Command::Simulate(_) => "Simulate",
            Command::Metrics(_) => "GetMetricData",
            Command::Dashboard(_) => "GetDashboard",
            Command::Cost(_) => "GetCost",
            Command::Compare(_) => "Compare",
            Command::Account(a) => a.operation(),
            Command::State(c) => c.operation(),
            Command::Completions(_) => "Completions",
            Command::Demo(_) => "Demo",
            Command::Send(_) => Operation::SendEmail.name(),
            Command::Outbox(c) => c.operation(),
            Command::Inbound(c) => c.operation(),
            Command::Events(c) => c.operation(),
            Command::Suppression(c) => c.operation(),
            Command::SmtpPassword(_) => "SmtpPassword",
            Command::Serve(_) => "Serve",
        }
    }
}

/// What every handler needs: where the state is, which region, how to print.
pub struct Ctx {
    /// `--state`, if given on the command line.
    state_flag: Option<PathBuf>,
    region: Result<String>,
    /// Whether `--region` was given on the command line (a filter for `outbox list`).
    region_given: bool,
    pub printer: Printer,
    /// Whether a change was committed (so a failure to print says that it was saved).
    committed: Cell<bool>,
    /// An exit code other than 0 for a command that succeeded (`serve` stopped by SIGINT).
    exit: Cell<i32>,
}

impl Ctx {
    /// The region to act on (checked: 252 when malformed).
    pub fn region(&self) -> Result<&str> {
        self.region.as_deref().map_err(Clone::clone)
    }

    /// `--region` when it was given on the command line, for commands where no region means
    /// every region (`outbox list`).
    pub fn region_filter(&self) -> Result<Option<&str>> {
        if self.region_given {
            self.region().map(Some)
        } else {
            Ok(None)
        }
    }

    /// The state store; fails (252) when `SESM_TODAY`, `SESM_LOCK_TIMEOUT` or
    /// `SESM_OUTBOX_BYTES` is malformed.
    pub fn store(&self) -> Result<Store> {
        self.store_at(env::state_path(self.state_flag.clone())?)
    }

    /// Where the state path came from, for messages that name the file: `--state`,
    /// `SESM_STATE`, or neither (the default folder).
    fn state_source(&self) -> &'static str {
        if self
            .state_flag
            .as_ref()
            .is_some_and(|p| !p.as_os_str().is_empty())
        {
            "--state"
        } else if env::var(EnvVars::SESM_STATE).is_some() {
            "SESM_STATE"
        } else {
            "the default path"
        }
    }

    /// The state store for a command that only reads. A `--state` file that does not exist is
    /// refused (253), naming the file, rather than read as a new empty account, so a mistyped
    /// path never answers for an account that isn't there. Without `--state` (`SESM_STATE`, or
    /// the default path of a first run) a missing file is still the new empty account, as
    /// before: that path was set up once, not typed now (docs/decisions.md). Commands that
    /// change the account create the file (`write_to` says so once).
    pub fn existing_store(&self) -> Result<Store> {
        let store = self.store()?;
        if !store.exists() && self.state_source() == "--state" {
            return Err(Error::state(format!(
                "the state file {} does not exist (path from {}): there is no account to read",
                store.path().display(),
                self.state_source()
            ))
            .hint("check the path for a typo; a command that changes the account creates the file, e.g. sesm pool create NAME, or sesm state reset --yes for an empty account"));
        }
        Ok(store)
    }

    /// A store at another path with the same settings (`demo` uses a throwaway one).
    pub fn store_at(&self, path: PathBuf) -> Result<Store> {
        Ok(Store::new(
            crate::store::resolve(path)?,
            env::today()?,
            env::lock_timeout()?,
        )
        .with_outbox_bytes(env::outbox_bytes()?))
    }

    /// Sets the exit code of a command that succeeded.
    pub fn set_exit(&self, code: i32) {
        self.exit.set(code);
    }

    /// Whether `--state` was given on the command line (not just `SESM_STATE`).
    pub fn state_flag(&self) -> Option<&PathBuf> {
        self.state_flag.as_ref()
    }

    /// Whether the command's own table will be printed (operations skip figures only it needs).
    pub fn wants_table(&self) -> bool {
        self.printer.wants_table()
    }

    /// Renders a response (or raw text) for printing.
    pub fn render(&self, out: Output) -> Result<Rendered> {
        self.printer
            .render(out, self.region.as_deref().unwrap_or_default())
    }

    /// Runs a reading operation on the current state and renders its response.
    pub fn read<T: Render + 'static>(
        &self,
        op: impl FnOnce(&State, &str) -> Result<T>,
    ) -> Result<Rendered> {
        let region = self.region()?;
        let state = self.existing_store()?.load()?;
        self.render(Output::new(op(&state, region)?))
    }

    /// Runs a reading operation that needs no account, only the model a new one starts with
    /// when the file does not exist (`isp list`).
    pub fn read_model<T: Render + 'static>(
        &self,
        op: impl FnOnce(&State) -> Result<T>,
    ) -> Result<Rendered> {
        let state = self.store()?.load()?;
        self.render(Output::new(op(&state)?))
    }

    /// Runs an operation on a copy of the state that is thrown away (`--dry-run`).
    pub fn dry_run<T: Render + 'static>(
        &self,
        op: impl FnOnce(&mut State, &str) -> Result<T>,
    ) -> Result<Rendered> {
        let region = self.region()?;
        let mut state = self.existing_store()?.load()?;
        self.render(Output::new(op(&mut state, region)?))
    }

    /// Runs a changing operation under the state lock. The response is rendered (`--query`
    /// included) before the change is committed, so a command that fails changes nothing.
    pub fn write<T: Render + 'static>(
        &self,
        op: impl FnOnce(&mut State, &str) -> Result<T>,
    ) -> Result<Rendered> {
        let region = self.region()?;
        self.write_to(&self.store()?, |s| op(s, region))
    }

    /// Accepts messages (`send`): checked and routed under the state lock, made durable in
    /// the outbox journal before the reply is rendered.
    pub fn send<T: Render + 'static>(
        &self,
        op: impl FnOnce(&State, &str) -> Result<(Vec<crate::model::sending::SentMessage>, T)>,
    ) -> Result<Rendered> {
        let region = self.region()?;
        // The output, query included, is computed before the messages are appended: a failing
        // query sends nothing.
        let prepared = self.store()?.send(|s| {
            let (mut sent, reply) = op(s, region)?;
            crate::ops::live::decide(s, &mut sent);
            Ok((sent, self.printer.prepare(Output::new(reply))?))
        })?;
        self.committed.set(true);
        Ok(self.printer.finish(prepared, region))
    }

    /// `write` on a given store.
    pub fn write_to<T: Render + 'static>(
        &self,
        store: &Store,
        op: impl FnOnce(&mut State) -> Result<T>,
    ) -> Result<Rendered> {
        let existed = store.exists();
        let prepared = store.update(|s| self.printer.prepare(Output::new(op(s)?)))?;
        self.committed.set(true);
        let mut rendered = self
            .printer
            .finish(prepared, self.region.as_deref().unwrap_or_default());
        // Said once, when this command created the file: which account the next commands use.
        if !existed && self.printer.format != Format::Json && !self.printer.quiet {
            rendered.notices.insert(
                0,
                format!(
                    "Created the state file {} (a new account; its clock starts at {}).",
                    store.path().display(),
                    store.today()
                ),
            );
        }
        Ok(rendered)
    }

    /// An error as the command line shows it: a name that was not found gets the closest
    /// name the region has ("did you mean"), or, when the region has none of that kind, the
    /// state file and region it was looked up in (the likelier mistake).
    fn explained(&self, err: Error) -> Error {
        use crate::error::{About, Kind, SesCode};
        use crate::ops::names::{Names, closest, names};
        let (Kind::Ses(SesCode::NotFound), Some(name), Some(about)) =
            (&err.kind, &err.name, err.about)
        else {
            return err;
        };
        let (kind, noun) = match about {
            About::Pool => (Names::Pools, "pools"),
            About::ConfigurationSet => (Names::ConfigSets, "configuration sets"),
            About::Identity => (Names::Identities, "identities"),
            _ => return err,
        };
        let (Ok(region), Ok(store)) = (self.region(), self.store()) else {
            return err;
        };
        let Ok(state) = store.load() else {
            return err;
        };
        let known = names(Some(&state), region, kind);
        let hint = match closest(name, &known) {
            Some(near) => format!("did you mean '{near}'?"),
            None if known.is_empty() => format!(
                "the state file {} (from {}) has no {noun} in {region}; check --state, SESM_STATE and --region",
                store.path().display(),
                self.state_source()
            ),
            None => return err,
        };
        let mut err = err;
        err.hints.insert(0, hint);
        err
    }
}

/// Reads `--plan FILE.csv` (`-` is stdin) for `simulate` and `compare`.
pub fn read_plan(path: &std::path::Path) -> Result<crate::ops::simulate::PlanText> {
    Ok(crate::ops::simulate::PlanText {
        name: crate::store::input_name(path),
        text: crate::store::read_input(
            path,
            "the plan",
            "give a CSV file with the header day,config_set,isp,volume[,region]",
        )?,
    })
}

/// Parses `KEY=VALUE` (252 when there is no `=` or the key is empty); splits at the first `=`.
pub fn parse_kv(s: &str) -> Result<(String, String)> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(Error::invalid(format!(
            "invalid KEY=VALUE '{s}': expected a key, '=' and a value, e.g. team=mail"
        ))),
    }
}

/// The parser of an argument that takes an enum's text (`ScalingMode`, `TlsPolicy`): clap
/// offers and checks the texts, in any case as the command line always took them, and the
/// model's `FromStr`, the one reader of those texts, reads the text folded to its case.
pub fn text_enum<T, const N: usize>(
    all: [T; N],
    text: fn(T) -> &'static str,
) -> impl clap::builder::TypedValueParser<Value = T>
where
    T: std::str::FromStr<Err = Error> + Clone + Send + Sync + 'static,
{
    clap::builder::TypedValueParser::try_map(
        clap::builder::PossibleValuesParser::new(all.map(text)),
        |s| s.to_ascii_uppercase().parse::<T>(),
    )
}

/// Parses a list of `KEY=VALUE`; when a key repeats, the last value wins.
pub fn parse_kvs(items: &[String]) -> Result<Vec<(String, String)>> {
    let pairs = items
        .iter()
        .map(|item| parse_kv(item))
        .collect::<Result<Vec<_>>>()?;
    Ok(crate::model::tags::last_wins(pairs))
}

fn color_enabled(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => !env::no_color() && is_terminal,
    }
}

/// The output format: `-o`, else `SESM_OUTPUT`, else table (252 for an unknown name).
fn output_format(flag: Option<OutputFormat>) -> Result<Format> {
    let chosen = match flag {
        Some(f) => f,
        None => match env::var(EnvVars::SESM_OUTPUT) {
            None => OutputFormat::Table,
            Some(v) => OutputFormat::from_str(&v, true).map_err(|_| {
                Error::invalid(format!(
                    "invalid SESM_OUTPUT '{v}': use table, json or text"
                ))
            })?,
        },
    };
    Ok(match chosen {
        OutputFormat::Table => Format::Table,
        OutputFormat::Json => Format::Json,
        OutputFormat::Text => Format::Text,
    })
}

/// Runs a parsed command line and returns its exit code, having printed the result or error.
pub fn run(cli: Cli) -> i32 {
    if let Some((point, file)) = env::test_pause() {
        crate::store::pause_at(point, file);
    }
    let g = &cli.global;
    let format_result = output_format(g.output);
    let mut printer = Printer {
        format: *format_result.as_ref().unwrap_or(&Format::Table),
        query: None,
        color: color_enabled(g.color, std::io::stdout().is_terminal()),
        color_err: color_enabled(g.color, std::io::stderr().is_terminal()),
        quiet: g.quiet,
        width: env::width(),
        terminal: std::io::stdout().is_terminal(),
    };
    let operation = cli.command.operation();
    let query = format_result.and_then(|_| g.query.as_deref().map(compile_query).transpose());
    let query = match query {
        Ok(q) => q,
        Err(e) => {
            printer.print_error(&e, operation);
            return e.exit_code();
        }
    };
    printer.query = query;
    let ctx = Ctx {
        state_flag: g.state.clone(),
        region: env::region(g.region.as_deref()),
        region_given: g.region.is_some(),
        printer,
        committed: Cell::new(false),
        exit: Cell::new(exit::SUCCESS),
    };
    match dispatch(cli.command, &ctx) {
        Ok(out) => match ctx.printer.print(&out) {
            Ok(()) => ctx.exit.get(),
            Err(e) => {
                let message = if ctx.committed.get() {
                    format!("the change was saved, but its output could not be written: {e}")
                } else {
                    format!("the output could not be written: {e}")
                };
                let err = Error::output(message)
                    .hint("check where standard output goes: a full disk, a closed pipe");
                ctx.printer.print_error(&err, operation);
                err.exit_code()
            }
        },
        Err(err) => {
            let err = ctx.explained(err);
            ctx.printer.print_error(&err, operation);
            err.exit_code()
        }
    }
}

fn dispatch(command: Command, ctx: &Ctx) -> Result<Rendered> {
    match command {
        Command::Pool(c) => pool::run(c, ctx),
        Command::ConfigSet(c) => config_set::run(c, ctx),
        Command::Identity(c) => identity::run(c, ctx),
        Command::Ip(c) => ip::run(c, ctx),
        Command::Tag(c) => tag::run(c, ctx),
        Command::Traffic(c) => traffic::run(c, ctx),
        Command::Isp(c) => isp::run(c, ctx),
        Command::Simulate(a) => simulate::run(a, ctx),
        Command::Metrics(a) => metrics::run(a, ctx),
        Command::Dashboard(a) => dashboard::run(a, ctx),
        Command::Cost(a) => cost::run(a, ctx),
        Command::Compare(a) => compare::run(a, ctx),
        Command::Account(a) => account::run(a, ctx),
        Command::State(c) => state::run(c, ctx),
        Command::Completions(a) => completions::run(a, ctx),
        Command::Demo(a) => demo::run(a, ctx),
        Command::Send(a) => send::run(a, ctx),
        Command::Outbox(c) => outbox::run(c, ctx),
        Command::Inbound(c) => inbound::run(c, ctx),
        Command::Events(c) => events::run(c, ctx),
        Command::Suppression(c) => suppression::run(c, ctx),
        Command::SmtpPassword(a) => smtp_password::run(a, ctx),
        Command::Serve(a) => serve::run(a, ctx),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_valid() {
        Cli::command().debug_assert();
    }

    /// Every command, groups included, has a one-line summary and an example in its help.
    #[test]
    fn every_command_has_a_summary_and_an_example() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                let name = format!("{path} {}", sub.get_name());
                let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
                if about.is_empty() || about.contains('\n') {
                    missing.push(format!("{name}: one-line summary"));
                }
                let after = sub
                    .get_after_help()
                    .map(|a| a.to_string())
                    .unwrap_or_default();
                if !after.contains("Example") || !after.contains("sesm ") {
                    missing.push(format!("{name}: example"));
                }
                walk(sub, &name, missing);
            }
        }
        let mut missing = Vec::new();
        walk(&Cli::command(), "sesm", &mut missing);
        assert!(missing.is_empty(), "help is missing: {missing:#?}");
    }

    #[test]
    fn kv_parsing() {
        assert_eq!(parse_kv("a=b=c").unwrap(), ("a".into(), "b=c".into()));
        assert_eq!(parse_kv("a=").unwrap(), ("a".into(), "".into()));
        assert!(parse_kv("=b").is_err());
        assert!(parse_kv("ab").is_err());
        let kvs = parse_kvs(&["a=1".into(), "b=2".into(), "a=3".into()]).unwrap();
        assert_eq!(
            kvs,
            vec![("b".into(), "2".into()), ("a".into(), "3".into())]
        );
    }
}
