//! Every environment variable sesm reads, listed once with its meaning, and the settings they
//! resolve to (as uv's `EnvVars` does): the command line, shell completion and the server all
//! resolve the state path, the region and the clock here, with the same precedence.
//!
//! A variable set to the empty string counts as not set, everywhere.

use std::path::PathBuf;
use std::time::Duration;

use jiff::civil::Date;

use crate::error::{Error, Result};
use crate::model::names::check_region;

/// The environment variables sesm reads.
pub struct EnvVars;

impl EnvVars {
    /// The state file, after `--state`.
    pub const SESM_STATE: &'static str = "SESM_STATE";
    /// The region, after `--region`; before `AWS_REGION` and `AWS_DEFAULT_REGION`.
    pub const SESM_REGION: &'static str = "SESM_REGION";
    /// The region, after `SESM_REGION` (as the AWS CLI reads it).
    pub const AWS_REGION: &'static str = "AWS_REGION";
    /// The region, after `AWS_REGION`.
    pub const AWS_DEFAULT_REGION: &'static str = "AWS_DEFAULT_REGION";
    /// `table`, `json` or `text`, after `-o`.
    pub const SESM_OUTPUT: &'static str = "SESM_OUTPUT";
    /// The start date (`YYYY-MM-DD`) of a new or reset state; default: today, UTC.
    pub const SESM_TODAY: &'static str = "SESM_TODAY";
    /// Seconds a writer waits for the state lock; default 10.
    pub const SESM_LOCK_TIMEOUT: &'static str = "SESM_LOCK_TIMEOUT";
    /// The most bytes of whole messages the outbox keeps (oldest dropped first); default
    /// 268435456 (256 MiB).
    pub const SESM_OUTBOX_BYTES: &'static str = "SESM_OUTBOX_BYTES";
    /// Any non-empty value turns colour off (`--color always` still forces it).
    pub const NO_COLOR: &'static str = "NO_COLOR";
    /// The terminal width tables and the dashboard lay out in; default 100.
    pub const COLUMNS: &'static str = "COLUMNS";
    /// Set by the completion scripts when the shell asks for candidates.
    pub const COMPLETE: &'static str = "COMPLETE";
    /// Seconds between attempts to deliver an SNS message to a subscriber that failed;
    /// default 20. Tests shorten it so a retry does not cost them 20 s of wall time.
    pub const SESM_SNS_RETRY_SECONDS: &'static str = "SESM_SNS_RETRY_SECONDS";
    /// Tests only: `POINT=FILE` makes a writer stop for good at a named point of its write
    /// (`store::PAUSE_POINTS`) after writing the point's name to FILE (a FIFO the test reads),
    /// so a test can kill it exactly there.
    pub const SESM_TEST_PAUSE: &'static str = "SESM_TEST_PAUSE";
}

/// The value of a variable, `None` when it is unset, empty or not UTF-8.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The region used when nothing names one.
pub const DEFAULT_REGION: &str = "us-east-1";
/// How long a writer waits for the state lock when `SESM_LOCK_TIMEOUT` does not say.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(10);
/// The width of terminal views when `COLUMNS` does not say (or is not a number).
pub const DEFAULT_WIDTH: usize = 100;

/// How long the server waits between attempts to deliver an SNS message:
/// `SESM_SNS_RETRY_SECONDS`, else 20 s.
pub fn sns_retry_delay() -> Result<Duration> {
    match var(EnvVars::SESM_SNS_RETRY_SECONDS) {
        None => Ok(Duration::from_secs(20)),
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && (0.0..=3600.0).contains(s))
            .map(Duration::from_secs_f64)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "invalid SESM_SNS_RETRY_SECONDS '{v}': expected a number of seconds from 0 to 3600, e.g. 20"
                ))
            }),
    }
}

/// The state file: `--state`, else `SESM_STATE`, else the platform's state folder.
pub fn state_path(flag: Option<PathBuf>) -> Result<PathBuf> {
    flag.filter(|p| !p.as_os_str().is_empty())
        .or_else(|| var(EnvVars::SESM_STATE).map(PathBuf::from))
        .or_else(default_path)
        .ok_or_else(|| {
            Error::state("no home folder to keep the state in")
                .hint("choose a state file with --state PATH or SESM_STATE")
        })
}

/// Where the state lives when neither `--state` nor `SESM_STATE` says: the XDG state folder on
/// Linux (`$XDG_STATE_HOME`, else `~/.local/state`), the platform data folder elsewhere. It
/// lives here, not in the store, because it is resolved from the environment like the rest.
pub fn default_path() -> Option<PathBuf> {
    dirs::state_dir()
        .or_else(dirs::data_dir)
        .map(|d| d.join("sesm").join("state.json"))
}

/// The region: `--region`, else `SESM_REGION`, `AWS_REGION`, `AWS_DEFAULT_REGION`, else
/// us-east-1; checked (252 when malformed).
pub fn region(flag: Option<&str>) -> Result<String> {
    let region = flag
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .or_else(|| var(EnvVars::SESM_REGION))
        .or_else(|| var(EnvVars::AWS_REGION))
        .or_else(|| var(EnvVars::AWS_DEFAULT_REGION))
        .unwrap_or_else(|| DEFAULT_REGION.to_string());
    check_region(&region)?;
    Ok(region)
}

/// The start date of a new state: `SESM_TODAY`, else today's UTC date (A3).
pub fn today() -> Result<Date> {
    match var(EnvVars::SESM_TODAY) {
        Some(v) => crate::model::parse_date(&v, EnvVars::SESM_TODAY),
        None => Ok(jiff::Timestamp::now()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .date()),
    }
}

/// How long a writer waits for the lock: `SESM_LOCK_TIMEOUT` seconds, else 10.
pub fn lock_timeout() -> Result<Duration> {
    match var(EnvVars::SESM_LOCK_TIMEOUT) {
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= 0.0 && *s <= 86_400.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "invalid SESM_LOCK_TIMEOUT '{v}': expected a number of seconds from 0 to 86400, e.g. 10"
                ))
            }),
        None => Ok(DEFAULT_LOCK_TIMEOUT),
    }
}

/// The outbox's bound on kept messages' bytes: `SESM_OUTBOX_BYTES`, else 256 MiB.
pub fn outbox_bytes() -> Result<u64> {
    match var(EnvVars::SESM_OUTBOX_BYTES) {
        Some(v) => v.trim().parse::<u64>().ok().filter(|n| *n <= 1 << 50).ok_or_else(|| {
            Error::invalid(format!(
                "invalid SESM_OUTBOX_BYTES '{v}': expected a number of bytes, e.g. 268435456 (256 MiB)"
            ))
        }),
        None => Ok(crate::model::sending::OUTBOX_BYTES),
    }
}

/// Whether `NO_COLOR` asks for no colour.
pub fn no_color() -> bool {
    var(EnvVars::NO_COLOR).is_some()
}

/// The terminal width: `COLUMNS` when it is a number, else the terminal's own width when
/// stdout is one, else 100. Views fit it down to 20.
pub fn width() -> usize {
    var(EnvVars::COLUMNS)
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .or_else(|| {
            terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
        })
        .map_or(DEFAULT_WIDTH, |c| c.clamp(20, 1_000))
}

/// The test hook `SESM_TEST_PAUSE=POINT=FILE`, when set.
pub fn test_pause() -> Option<(String, PathBuf)> {
    let v = var(EnvVars::SESM_TEST_PAUSE)?;
    let (point, file) = v.split_once('=')?;
    Some((point.to_string(), PathBuf::from(file)))
}
