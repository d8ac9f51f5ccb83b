//! Printing results: one JSON value per command, rendered as JSON, a table for people, or
//! tab-separated text. This is the only code that writes data to stdout; status lines and
//! errors go to stderr.
//!
//! `--query` (JMESPath) is applied to the JSON value before any rendering, as the AWS CLI does;
//! a command's own table view is used only when no query reshaped the value.

pub mod comparison;
pub mod console;
pub mod dashboard;
pub mod html;
mod inbound;
mod resources;
pub mod sending;
pub mod simulation;
pub mod sparkline;
mod table;
mod text;

use std::io::{self, Write};

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Kind, Result};
pub use table::{Align, Block, Column};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Text,
}

/// What the terminal view is laid out for.
#[derive(Debug, Clone)]
pub struct View {
    /// Colour on stdout.
    pub color: bool,
    /// The terminal width (`COLUMNS`, else 100).
    pub width: usize,
    /// The region the command acted on.
    pub region: String,
}

/// A response that can be printed: its JSON value (`Serialize`), and optionally its own table
/// view for people and confirmation lines for stderr. Without a table view, the generic
/// rendering of the JSON value is used.
pub trait Render: Serialize {
    fn table(&self, _view: &View) -> Option<Vec<Block>> {
        None
    }

    fn notices(&self, _view: &View) -> Vec<String> {
        Vec::new()
    }

    /// Whether the table view is laid out for the width even when stdout is not a terminal
    /// (the dashboard lays out for `COLUMNS`).
    fn fits_width(&self) -> bool {
        false
    }
}

impl Render for Value {}

/// A command's result as a typed value, serialized only in the form the format needs: long
/// results (a year of simulation) print much faster straight to text than through a
/// `serde_json::Value` tree.
pub trait Document {
    fn to_value(&self) -> Value;
    fn to_pretty(&self) -> String;
    fn table(&self, view: &View) -> Option<Vec<Block>>;
    fn notices(&self, view: &View) -> Vec<String>;
    fn fits_width(&self) -> bool;
}

impl<T: Render> Document for T {
    fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    fn to_pretty(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    fn table(&self, view: &View) -> Option<Vec<Block>> {
        Render::table(self, view)
    }

    fn notices(&self, view: &View) -> Vec<String> {
        Render::notices(self, view)
    }

    fn fits_width(&self) -> bool {
        Render::fits_width(self)
    }
}

/// What a command hands back to be printed.
#[derive(Default)]
pub struct Output {
    /// The JSON document (`-o json`), also the input of `--query` and of text output.
    document: Option<Box<dyn Document>>,
    /// Printed verbatim whatever the format (completion scripts, exported documents, a kept
    /// message's bytes).
    raw: Option<Vec<u8>>,
}

impl Output {
    pub fn new(value: impl Render + 'static) -> Output {
        Output {
            document: Some(Box::new(value)),
            raw: None,
        }
    }

    pub fn raw(text: String) -> Output {
        Output::bytes(text.into_bytes())
    }

    /// Bytes printed as they are (`sesm outbox show --raw`: a message need not be UTF-8).
    pub fn bytes(bytes: Vec<u8>) -> Output {
        Output {
            raw: Some(bytes),
            document: None,
        }
    }
}

/// A response whose view was also written to a file (`--html FILE`).
#[derive(Serialize)]
pub struct Written<T> {
    #[serde(flatten)]
    pub inner: T,
    #[serde(skip)]
    what: &'static str,
    #[serde(skip)]
    path: String,
    /// Whether the terminal also shows `inner` (not when the file is its view, as the
    /// dashboard's page is).
    #[serde(skip)]
    show: bool,
}

impl<T> Written<T> {
    pub fn new(inner: T, what: &'static str, path: &std::path::Path) -> Written<T> {
        Written {
            inner,
            what,
            path: path.display().to_string(),
            show: true,
        }
    }

    /// The file is the view: the terminal says only where it was written (`-o json` still
    /// prints the figures).
    pub fn file_only(mut self) -> Written<T> {
        self.show = false;
        self
    }
}

impl<T: Render> Render for Written<T> {
    fn table(&self, view: &View) -> Option<Vec<Block>> {
        if self.show {
            self.inner.table(view)
        } else {
            Some(Vec::new())
        }
    }

    fn notices(&self, view: &View) -> Vec<String> {
        let mut n = self.inner.notices(view);
        n.push(format!("Wrote {} to {}.", self.what, self.path));
        n
    }

    fn fits_width(&self) -> bool {
        self.inner.fits_width()
    }
}

/// A result whose rendering can no longer fail (see `Printer::prepare`).
pub enum Prepared {
    Raw(Vec<u8>),
    Document(Box<dyn Document>),
    /// The document and what `--query` made of it.
    Queried(Box<dyn Document>, Value),
}

/// A result rendered completely, ready to print: the text for stdout and the lines for
/// stderr.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    /// Printed after `text`, as they are: raw output that is not UTF-8.
    pub bytes: Vec<u8>,
    pub notices: Vec<String>,
}

/// How to print, decided once from the global options.
pub struct Printer {
    pub format: Format,
    /// `--query`, checked by `compile_query`.
    pub query: Option<String>,
    /// Colour on stdout (decided from `--color`, `NO_COLOR` and whether stdout is a terminal).
    pub color: bool,
    /// Colour on stderr.
    pub color_err: bool,
    pub quiet: bool,
    /// The width terminal views fit in.
    pub width: usize,
    /// Whether stdout is a terminal: tables then fit `width` (in a pipe they take the width of
    /// their content, so output is the same everywhere).
    pub terminal: bool,
}

/// The longest `--query` accepted. JMESPath expressions people write are a few dozen
/// characters; the bound keeps parsing and evaluating any accepted one within `QUERY_STACK`.
pub const MAX_QUERY_LEN: usize = 10_000;
/// The stack of the thread that parses and evaluates a query: the jmespath crate recurses
/// once per level of an expression (about 8 KiB a level unoptimised), so the longest accepted
/// expression fits with room to spare. Reserved, not committed, until used.
const QUERY_STACK: usize = 512 << 20;

/// Runs `f` on a thread with `QUERY_STACK` of stack.
fn on_query_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    std::thread::Builder::new()
        .name("sesm-query".into())
        .stack_size(QUERY_STACK)
        .spawn(f)
        .map_err(|e| Error::internal(format!("cannot start the --query evaluation: {e}")))?
        .join()
        .map_err(|_| Error::internal("the --query evaluation failed"))
}

/// Checks `--query` before anything runs, so a bad expression never follows a mutation.
pub fn compile_query(query: &str) -> Result<String> {
    let len = query.chars().count();
    if len > MAX_QUERY_LEN {
        return Err(Error::invalid(format!(
            "--query is {len} characters long; sesm takes expressions of up to {MAX_QUERY_LEN}"
        )));
    }
    let text = query.to_string();
    let compiled = on_query_stack(move || {
        jmespath::compile(&text)
            .map(|_| ())
            .map_err(|e| (e.column, e.reason.to_string()))
    })?;
    compiled.map_err(|(column, reason)| {
        Error::invalid(format!(
            "invalid --query expression '{query}' at column {}: {reason}",
            column + 1
        ))
        .hint("see https://jmespath.org for the syntax, e.g. --query 'DedicatedIps[].Ip'")
    })?;
    Ok(query.to_string())
}

impl Printer {
    fn apply_query(&self, query: &str, document: &dyn Document) -> Result<Value> {
        let input = document.to_value();
        let text = query.to_string();
        let found = on_query_stack(move || -> std::result::Result<Value, String> {
            let expr = jmespath::compile(&text).map_err(|e| e.reason.to_string())?;
            let input = jmespath::Variable::from_serializable(input).map_err(|e| e.to_string())?;
            let found = expr.search(input).map_err(|e| e.reason.to_string())?;
            serde_json::to_value(&*found).map_err(|e| e.to_string())
        })?;
        found.map_err(|reason| Error::invalid(format!("--query failed: {reason}")))
    }

    /// Whether the command's own table view will be printed (a table, and no `--query` to
    /// reshape the value), so an operation can skip figures only that view needs.
    pub fn wants_table(&self) -> bool {
        self.format == Format::Table && self.query.is_none()
    }

    /// Renders `out` completely before printing, so that a failing query prints nothing.
    pub fn render(&self, out: Output, region: &str) -> Result<Rendered> {
        Ok(self.finish(self.prepare(out)?, region))
    }

    /// Does what can fail in rendering `out` — applying `--query` — so that a change is
    /// committed only once its output is sure to exist; the rest (`finish`) can't fail.
    pub fn prepare(&self, out: Output) -> Result<Prepared> {
        if let Some(raw) = out.raw {
            return Ok(Prepared::Raw(raw));
        }
        let document: Box<dyn Document> = out.document.unwrap_or_else(|| Box::new(Value::Null));
        Ok(match &self.query {
            Some(query) => {
                let value = self.apply_query(query, document.as_ref())?;
                Prepared::Queried(document, value)
            }
            None => Prepared::Document(document),
        })
    }

    /// Renders what `prepare` left, for printing.
    pub fn finish(&self, prepared: Prepared, region: &str) -> Rendered {
        let view = View {
            color: self.color,
            width: self.width,
            region: region.to_string(),
        };
        let (document, queried) = match prepared {
            Prepared::Raw(raw) => {
                return match String::from_utf8(raw) {
                    Ok(text) => Rendered {
                        text,
                        bytes: Vec::new(),
                        notices: Vec::new(),
                    },
                    Err(e) => Rendered {
                        text: String::new(),
                        bytes: e.into_bytes(),
                        notices: Vec::new(),
                    },
                };
            }
            Prepared::Queried(d, v) => (d, Some(v)),
            Prepared::Document(d) => (d, None),
        };
        let notices = if self.quiet || self.format == Format::Json {
            Vec::new()
        } else {
            document.notices(&view)
        };
        let fit = (self.terminal || document.fits_width()).then_some(self.width);
        let text = match (queried, self.format) {
            (Some(value), Format::Json) => value.to_pretty(),
            (Some(value), Format::Text) => text::render(&value),
            (Some(value), Format::Table) => table::render(&table::generic(&value), self.color, fit),
            (None, Format::Json) => document.to_pretty(),
            (None, Format::Text) => text::render(&document.to_value()),
            (None, Format::Table) => match document.table(&view) {
                Some(blocks) => table::render(&blocks, self.color, fit),
                None => table::render(&table::generic(&document.to_value()), self.color, fit),
            },
        };
        Rendered {
            text,
            bytes: Vec::new(),
            notices,
        }
    }

    /// Prints a rendered result. A closed pipe (`sesm … | head`) is not an error.
    pub fn print(&self, out: &Rendered) -> io::Result<()> {
        self.print_open(out).map(|_| ())
    }

    /// Prints a rendered result; `false` when the reader closed the pipe (so a command that
    /// keeps printing, `events follow`, stops).
    pub fn print_open(&self, out: &Rendered) -> io::Result<bool> {
        let stdout = io::stdout();
        let mut lock = stdout.lock();
        match lock
            .write_all(out.text.as_bytes())
            .and_then(|()| lock.write_all(&out.bytes))
            .and_then(|()| lock.flush())
        {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(false),
            other => other?,
        }
        let mut err = io::stderr().lock();
        for n in &out.notices {
            let _ = writeln!(err, "{n}");
        }
        Ok(true)
    }

    /// Prints a line on stderr (a warning, the server's request log), unless `-q`.
    pub fn note(&self, line: &str) {
        if !self.quiet {
            let _ = writeln!(io::stderr().lock(), "{line}");
        }
    }

    /// Prints an error on stderr: botocore's line (or `error: …`) plus hints, or the JSON
    /// error object with `-o json`.
    pub fn print_error(&self, err: &Error, operation: &str) {
        let mut stderr = io::stderr().lock();
        if self.format == Format::Json {
            let obj = serde_json::json!({
                "Error": {"Code": err.code(), "Message": err.message, "Operation": operation}
            });
            let _ = writeln!(
                stderr,
                "{}",
                serde_json::to_string_pretty(&obj).unwrap_or_default()
            );
            return;
        }
        let headline = err.headline(operation);
        if self.color_err && !matches!(err.kind, Kind::Ses(_)) {
            // Only the `error` label is red: no escape codes around an empty string.
            let red = anstyle::AnsiColor::Red.on_default().bold();
            let rest = headline.trim_start_matches("error");
            let _ = writeln!(stderr, "{red}error{red:#}{rest}");
        } else {
            let _ = writeln!(stderr, "{headline}");
        }
        for hint in &err.hints {
            let _ = writeln!(stderr, "hint: {hint}");
        }
    }
}

/// What `sesm serve` prints: the endpoint URL on stdout (flushed at once, so a script can
/// read it), one line per request and warnings on stderr; `-q` keeps the request lines out.
pub struct ServeLog {
    quiet: bool,
}

impl ServeLog {
    pub fn new(quiet: bool) -> ServeLog {
        ServeLog { quiet }
    }

    pub fn warn(&self, line: &str) {
        let _ = writeln!(io::stderr().lock(), "{line}");
    }

    pub fn listening(&self, url: &str) {
        let mut out = io::stdout().lock();
        let _ = writeln!(out, "{url}");
        let _ = out.flush();
    }

    /// Whether request lines are printed at all (not with `-q`).
    pub fn prints_requests(&self) -> bool {
        !self.quiet
    }

    pub fn request(&self, line: &str) {
        if !self.quiet {
            let _ = writeln!(io::stderr().lock(), "{line}");
        }
    }
}

/// A count and its noun, singular or plural: "1 IP", "2 IPs", "1,000 messages".
pub fn count(n: impl Into<i128> + Copy, one: &str, many: &str) -> String {
    let n: i128 = n.into();
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// Formats a whole number with thousands separators for people: 1234567 → "1,234,567".
pub fn thousands(n: impl Into<i128>) -> String {
    let n: i128 = n.into();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Formats US dollars for people, rounded to cents.
pub fn usd(amount: f64) -> String {
    let cents = (amount * 100.0).round() as i128;
    format!("${}.{:02}", thousands(cents / 100), (cents % 100).abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(-1_234), "-1,234");
        assert_eq!(usd(1234.5), "$1,234.50");
        assert_eq!(usd(0.004), "$0.00");
    }
}
