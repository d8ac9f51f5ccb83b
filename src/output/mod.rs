//! Printing results: one JSON value per command, rendered as JSON, a table for people, or
//! tab-separated text. This is the only code that writes data to stdout; status lines and
//! errors go to stderr.
//!
//! `--query` (JMESPath) is applied to the JSON value before any rendering, as the AWS CLI does;
//! a command's own table view is used only when no query reshaped the value.

pub mod html;
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

/// A command's result as a typed value, serialized only in the form the format needs: long
/// results (a year of simulation) print much faster straight to text than through a
/// `serde_json::Value` tree.
trait Document {
    fn to_value(&self) -> Value;
    fn to_pretty(&self) -> String;
    fn to_variable(&self) -> Result<jmespath::Variable>;
}

impl<T: Serialize> Document for T {
    fn to_value(&self) -> Value {
        serde_json::to_value(self).expect("views always serialize")
    }

    fn to_pretty(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("views always serialize");
        s.push('\n');
        s
    }

    fn to_variable(&self) -> Result<jmespath::Variable> {
        jmespath::Variable::from_serializable(self)
            .map_err(|e| Error::internal(format!("--query input: {e}")))
    }
}

/// What a command hands back to be printed.
#[derive(Default)]
pub struct Output {
    /// The JSON document (`-o json`), also the input of `--query` and of text output.
    document: Option<Box<dyn Document>>,
    /// The command's own table view, if it has one better than the generic rendering; built
    /// only when a table is printed.
    human: Option<Box<dyn FnOnce() -> Result<Vec<Block>>>>,
    /// Confirmation lines for stderr (table and text mode, unless `-q`).
    pub notices: Vec<String>,
    /// Printed verbatim whatever the format (completion scripts, exported documents).
    pub raw: Option<String>,
}

impl Output {
    pub fn new(value: impl Serialize + 'static) -> Output {
        Output {
            document: Some(Box::new(value)),
            ..Default::default()
        }
    }

    pub fn raw(text: String) -> Output {
        Output {
            raw: Some(text),
            ..Default::default()
        }
    }

    pub fn with_human(self, blocks: Vec<Block>) -> Output {
        self.with_lazy_human(move || Ok(blocks))
    }

    /// A table view computed only if a table is printed (for long results, or views that need
    /// more of the state than the JSON does).
    pub fn with_lazy_human(
        mut self,
        blocks: impl FnOnce() -> Result<Vec<Block>> + 'static,
    ) -> Output {
        self.human = Some(Box::new(blocks));
        self
    }

    pub fn notice(mut self, line: impl Into<String>) -> Output {
        self.notices.push(line.into());
        self
    }

    pub fn notices(mut self, lines: Vec<String>) -> Output {
        self.notices.extend(lines);
        self
    }
}

/// How to print, decided once from the global options.
pub struct Printer {
    pub format: Format,
    pub query: Option<jmespath::Expression<'static>>,
    /// Colour on stdout (decided from `--color`, `NO_COLOR` and whether stdout is a terminal).
    pub color: bool,
    /// Colour on stderr.
    pub color_err: bool,
    pub quiet: bool,
}

/// Compiles `--query` before anything runs, so a bad expression never follows a mutation.
pub fn compile_query(query: &str) -> Result<jmespath::Expression<'static>> {
    jmespath::compile(query).map_err(|e| {
        Error::invalid(format!(
            "invalid --query expression '{query}' at column {}: {}",
            e.column + 1,
            e.reason
        ))
        .hint("see https://jmespath.org for the syntax, e.g. --query 'DedicatedIps[].Ip'")
    })
}

impl Printer {
    fn apply_query(
        &self,
        query: &jmespath::Expression<'static>,
        document: &dyn Document,
    ) -> Result<Value> {
        let found = query
            .search(document.to_variable()?)
            .map_err(|e| Error::invalid(format!("--query failed: {}", e.reason)))?;
        serde_json::to_value(&*found).map_err(|e| Error::internal(format!("--query result: {e}")))
    }

    /// Renders `out` completely before printing, so that a failing query prints nothing.
    pub fn render(&self, out: Output) -> Result<(String, Vec<String>)> {
        let notices = if self.quiet || self.format == Format::Json {
            Vec::new()
        } else {
            out.notices
        };
        if let Some(raw) = out.raw {
            return Ok((raw, notices));
        }
        let document: Box<dyn Document> = out.document.unwrap_or_else(|| Box::new(Value::Null));
        let text = match (&self.query, self.format) {
            (Some(query), format) => {
                let value = self.apply_query(query, document.as_ref())?;
                match format {
                    Format::Json => value.to_pretty(),
                    Format::Text => text::render(&value),
                    Format::Table => table::render(&table::generic(&value), self.color),
                }
            }
            (None, Format::Json) => document.to_pretty(),
            (None, Format::Text) => text::render(&document.to_value()),
            (None, Format::Table) => match out.human {
                Some(blocks) => table::render(&blocks()?, self.color),
                None => table::render(&table::generic(&document.to_value()), self.color),
            },
        };
        Ok((text, notices))
    }

    /// Prints a rendered result. A closed pipe (`sesm … | head`) is not an error.
    pub fn print(&self, text: &str, notices: &[String]) -> io::Result<()> {
        let stdout = io::stdout();
        let mut lock = stdout.lock();
        match lock.write_all(text.as_bytes()).and_then(|()| lock.flush()) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => return Ok(()),
            other => other?,
        }
        let mut err = io::stderr().lock();
        for n in notices {
            let _ = writeln!(err, "{n}");
        }
        Ok(())
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
        if self.color_err {
            let red = anstyle::AnsiColor::Red.on_default().bold();
            let (label, rest) = match err.kind {
                Kind::Ses(_) => ("", headline.as_str()),
                _ => ("error", headline.trim_start_matches("error")),
            };
            let _ = writeln!(stderr, "{red}{label}{red:#}{rest}");
        } else {
            let _ = writeln!(stderr, "{headline}");
        }
        for hint in &err.hints {
            let _ = writeln!(stderr, "hint: {hint}");
        }
    }
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
