//! `sesm serve`: the SESv2 API on localhost, for boto3, the AWS CLI, SDKs and Terraform
//! (`server/`).

use clap::Args;

use super::Ctx;
use crate::error::Result;
use crate::output::{Rendered, ServeLog};
use crate::server::{self, Api};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  sesm serve\n  sesm serve --port 0 -q\n  sesm serve --host 0.0.0.0 --allow-host ses.test\n  aws sesv2 list-dedicated-ip-pools --endpoint-url http://127.0.0.1:4579\n\n\
The first line on stdout is the endpoint URL; opened in a browser, it is the console (pools,\n\
configuration sets, mail). Requests name their region in their SigV4 credential scope\n\
(signatures are not checked); unsigned requests use --region. There is no authentication:\n\
another --host than the loopback address exposes the account to the network.\n\
SIGINT (exit 130) and SIGTERM (exit 0) finish the requests in progress and stop."
)]
pub struct ServeArgs {
    /// The address to listen on (there is no authentication: keep it local)
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// The port to listen on; 0 picks a free one
    #[arg(long, default_value_t = 4579)]
    pub port: u16,
    /// Seconds a request may take to arrive (its head, then its body; slower clients get a
    /// 408 or are closed); also how long an idle keep-alive connection stays open
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    pub request_timeout: f64,
    /// A name clients may use in `Host` besides the listening address and localhost
    /// (repeatable); required with a --host other than loopback
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_hosts: Vec<String>,
    /// The SMTP interface's port (as SES's 2587, with STARTTLS); 0 picks a free one
    #[arg(long, value_name = "PORT", default_value_t = 2587)]
    pub smtp_port: u16,
    /// Serve no SMTP interface
    #[arg(long, conflicts_with_all = ["smtp_port", "smtp_region", "smtp_credentials"])]
    pub no_smtp: bool,
    /// The region SMTP mail is sent in (default: the server's region)
    #[arg(long, value_name = "REGION")]
    pub smtp_region: Option<String>,
    /// Accept only these SMTP credentials: an access key ID and its secret key (the SMTP
    /// password is derived from it, as SES does); repeatable. Default: any credentials
    #[arg(long = "smtp-credentials", value_name = "KEYID:SECRET")]
    pub smtp_credentials: Vec<String>,
    /// Deliver an SNS topic's events to an HTTP endpoint for this run (repeatable), as
    /// `sesm events subscribe` does for good
    #[arg(long = "subscribe", value_name = "TOPIC_ARN=URL")]
    pub subscribe: Vec<String>,
    /// Also be SES's inbound endpoint (mail to the account, as port 25 of
    /// inbound-smtp.REGION.amazonaws.com takes it: no AUTH) on this port; 0 picks a free one
    #[arg(long, value_name = "PORT")]
    pub inbound_port: Option<u16>,
    /// The region whose receipt rule sets receive inbound mail (default: the server's region)
    #[arg(long, value_name = "REGION", requires = "inbound_port")]
    pub inbound_region: Option<String>,
    /// How much wall time a simulated day lasts (`60s`, `5m`, `1h`): the day closes by itself,
    /// as `sesm simulate --days 1` closes it; `manual` (the default): only `sesm simulate` and
    /// `POST /_sesm/simulate` move the calendar. Events are published at send either way
    #[arg(long, value_name = "DURATION|manual", default_value = "manual")]
    pub day_length: String,
}

/// The shortest day `--day-length` takes: a day's close is a write of the whole state.
const MIN_DAY: std::time::Duration = std::time::Duration::from_secs(1);

/// `--day-length`: `manual` (no clock), or a duration of at least a second (jiff's friendly
/// format: `60s`, `1m 30s`, `2h`; ISO 8601's `PT60S` too).
fn day_length(text: &str) -> Result<Option<std::time::Duration>> {
    if text.eq_ignore_ascii_case("manual") {
        return Ok(None);
    }
    let bad = || {
        crate::error::Error::invalid(format!(
            "--day-length takes a duration of at least 1s (60s, 5m, 1h) or manual, not '{text}'"
        ))
    };
    let d: jiff::SignedDuration = text.trim().parse().map_err(|_| bad())?;
    let d = std::time::Duration::try_from(d).map_err(|_| bad())?;
    if d < MIN_DAY {
        return Err(bad());
    }
    Ok(Some(d))
}

pub fn run(a: ServeArgs, ctx: &Ctx) -> Result<Rendered> {
    let log = ServeLog::new(ctx.printer.quiet);
    if !is_loopback(&a.host) {
        if a.allow_hosts.is_empty() {
            return Err(crate::error::Error::invalid(format!(
                "--host {} is not a loopback address: name each host name clients will use with --allow-host NAME",
                a.host
            ))
            .hint("requests whose Host is not a name the server knows are refused (DNS rebinding)"));
        }
        log.warn(&format!(
            "warning: listening on {}: sesm serve has no authentication, so anyone who can reach this address can change the account",
            a.host
        ));
    }
    let subscriptions = a
        .subscribe
        .iter()
        .map(|s| {
            // An ARN has colons but no '=': the first '=' ends it.
            let (topic, url) = s.split_once('=').ok_or_else(|| {
                crate::error::Error::invalid(format!("--subscribe takes TOPIC_ARN=URL, not '{s}'"))
            })?;
            Ok((topic.to_string(), url.to_string()))
        })
        .collect::<Result<Vec<_>>>()?;
    let api =
        Api::new(ctx.store()?, ctx.region()?.to_string())?.with_subscriptions(&subscriptions)?;
    if !(a.request_timeout.is_finite() && a.request_timeout > 0.0 && a.request_timeout <= 3600.0) {
        return Err(crate::error::Error::invalid(format!(
            "--request-timeout must be from 0 to 3600 seconds, not {}",
            a.request_timeout
        )));
    }
    let smtp = if a.no_smtp {
        None
    } else {
        let region = match &a.smtp_region {
            Some(r) => crate::env::region(Some(r))?,
            None => ctx.region()?.to_string(),
        };
        let credentials = a
            .smtp_credentials
            .iter()
            .map(|c| {
                let (key, secret) = c
                    .split_once(':')
                    .filter(|(k, s)| !k.is_empty() && !s.is_empty())
                    .ok_or_else(|| {
                        crate::error::Error::invalid(format!(
                            "--smtp-credentials takes KEYID:SECRET, not '{c}'"
                        ))
                    })?;
                Ok((
                    key.to_string(),
                    crate::ops::smtp::smtp_password(secret, &region),
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        Some((
            a.smtp_port,
            server::SmtpOptions {
                region,
                credentials,
                idle_timeout: std::time::Duration::from_secs_f64(a.request_timeout),
                loopback: is_loopback(&a.host),
            },
        ))
    };
    let inbound = match a.inbound_port {
        Some(port) => Some((
            port,
            server::InboundOptions {
                region: match &a.inbound_region {
                    Some(r) => crate::env::region(Some(r))?,
                    None => ctx.region()?.to_string(),
                },
                idle_timeout: std::time::Duration::from_secs_f64(a.request_timeout),
            },
        )),
        None => None,
    };
    let options = server::Options {
        day_length: day_length(&a.day_length)?,
        inbound,
        smtp,
        host: a.host,
        port: a.port,
        request_timeout: std::time::Duration::from_secs_f64(a.request_timeout),
        sns_retry_delay: crate::env::sns_retry_delay()?,
        allow_hosts: a.allow_hosts,
    };
    let code = server::serve(api, options, Box::new(Log(log)))?;
    ctx.set_exit(code);
    Ok(Rendered::default())
}

/// The server's log, printed by `output/` (which knows nothing of the server).
struct Log(ServeLog);

impl server::Log for Log {
    fn listening(&self, url: &str) {
        self.0.listening(url)
    }

    fn request(&self, line: &str) {
        self.0.request(line)
    }

    fn keeps_requests(&self) -> bool {
        self.0.prints_requests()
    }
}

fn is_loopback(host: &str) -> bool {
    matches!(host, "localhost" | "::1" | "[::1]")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}
