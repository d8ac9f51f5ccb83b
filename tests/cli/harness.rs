//! A test environment per test: a temp folder for the state, a cleared environment, a pinned
//! clock, and helpers that run the real binary and return exit code, stdout and stderr
//! together, so every assertion sees all three.
//!
//! The one harness of every test crate: `tests/cli` includes it as a module, the other test
//! crates with `#[path = "cli/harness.rs"] mod harness;`, so each runs the binary in the same
//! environment (`test_env`).

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

pub const TODAY: &str = "2026-11-26";

/// A test that cannot run because `tool` is missing: fails when CI requires the tool (`require`,
/// e.g. `SESM_REQUIRE_SHELLS`, set by `.ci/run`), else prints `SKIPPED: …` where `cargo test`
/// shows it. The line goes to stderr directly, not through `eprintln!`, which the test harness
/// captures and shows only for failed tests: a skip is never silent.
pub fn skip(tool: &str, require: &str, how: &str) {
    assert!(
        std::env::var_os(require).is_none_or(|v| v.is_empty()),
        "{tool} is required ({require} is set) but missing: {how}"
    );
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {tool} is missing, so its test did not run ({how}; {require}=1 makes this an error)"
    );
}

/// The binary under test.
pub fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("sesm")
}

/// The environment every test runs sesm in, on `cmd` (sesm itself, or a shell that starts it):
/// nothing inherited but `PATH`, `home` as the home and working folder, `state` as the state
/// file, the pinned clock and a 100-column terminal.
pub fn test_env<'c>(
    cmd: &'c mut std::process::Command,
    home: &Path,
    state: &Path,
) -> &'c mut std::process::Command {
    cmd.env_clear()
        .env("HOME", home)
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("SESM_STATE", state)
        .env("SESM_TODAY", TODAY)
        .env("COLUMNS", "100")
        .current_dir(home)
}

/// The binary in the test environment, with `home` and `state` (tests that manage their own
/// folders call it directly).
pub fn sesm_in(home: &Path, state: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(bin());
    test_env(&mut cmd, home, state);
    cmd
}

pub struct Env {
    pub dir: TempDir,
    pub state: PathBuf,
    extra_env: Vec<(String, String)>,
}

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(out: Output) -> Run {
        Run {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }
}

impl Env {
    pub fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state").join("state.json");
        Env {
            dir,
            state,
            extra_env: Vec::new(),
        }
    }

    /// Adds an environment variable to every later run.
    pub fn with_env(mut self, key: &str, value: &str) -> Env {
        self.extra_env.push((key.to_string(), value.to_string()));
        self
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn command(&self) -> Command {
        Command::from_std(self.std_command())
    }

    /// The binary in this environment as a `std::process::Command`, for what assert_cmd does
    /// not offer (a child that keeps running, stdout to a given file).
    pub fn std_command(&self) -> std::process::Command {
        let mut cmd = sesm_in(self.dir.path(), &self.state);
        for (k, v) in &self.extra_env {
            cmd.env(k, v);
        }
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Run {
        Run::from(self.command().args(args).output().unwrap())
    }

    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        Run::from(
            self.command()
                .args(args)
                .write_stdin(stdin)
                .output()
                .unwrap(),
        )
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_eq!(
            run.code, 0,
            "sesm {args:?} failed:\nstdout:\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        );
        run
    }

    /// Runs a command with `-o json` that must succeed; returns the parsed stdout.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["-o", "json"];
        all.extend_from_slice(args);
        let run = self.ok(&all);
        assert!(
            run.stderr.is_empty(),
            "json mode wrote to stderr: {}",
            run.stderr
        );
        run.json()
    }

    pub fn state_bytes(&self) -> Option<Vec<u8>> {
        std::fs::read(&self.state).ok()
    }

    pub fn backup_path(&self) -> PathBuf {
        PathBuf::from(format!("{}.bak", self.state.display()))
    }

    pub fn state_json(&self) -> Value {
        serde_json::from_slice(&self.state_bytes().expect("state exists")).unwrap()
    }

    pub fn write_state(&self, doc: &Value) {
        std::fs::create_dir_all(self.state.parent().unwrap()).unwrap();
        std::fs::write(&self.state, serde_json::to_vec(doc).unwrap()).unwrap();
    }

    /// Runs a command that an SES rule must refuse with `code` (e.g. `LimitExceededException`)
    /// in operation `op`, in table mode and in JSON mode; checks exit 254, empty stdout, the
    /// botocore line / JSON error object on stderr, and that the state file and its backup are
    /// byte-identical afterwards. Returns the table-mode run.
    pub fn refused(&self, args: &[&str], code: &str, op: &str) -> Run {
        self.refused_with(args, 254, code, op)
    }

    /// Like `refused`, for any documented exit code (252/253 use `InvalidParameter`/`StateError`).
    pub fn refused_with(&self, args: &[&str], exit: i32, code: &str, op: &str) -> Run {
        let before = self.state_bytes();
        let backup_before = std::fs::read(self.backup_path()).ok();
        let run = self.run(args);
        assert_eq!(
            run.code, exit,
            "sesm {args:?}: exit code\nstdout:\n{}\nstderr:\n{}",
            run.stdout, run.stderr
        );
        assert_eq!(
            run.stdout, "",
            "sesm {args:?}: stdout must be empty on error"
        );
        let first = run.stderr.lines().next().unwrap_or_default().to_string();
        if exit == 254 {
            let prefix = format!("An error occurred ({code}) when calling the {op} operation: ");
            assert!(
                first.starts_with(&prefix),
                "sesm {args:?}: stderr line\n  {first}\nexpected prefix\n  {prefix}"
            );
        } else {
            assert!(
                first.starts_with("error: "),
                "sesm {args:?}: stderr: {}",
                run.stderr
            );
        }
        for line in run.stderr.lines().skip(1) {
            assert!(
                line.starts_with("hint: "),
                "sesm {args:?}: unexpected stderr line {line:?}"
            );
        }
        assert_eq!(
            self.state_bytes(),
            before,
            "sesm {args:?} changed the state file"
        );
        assert_eq!(
            std::fs::read(self.backup_path()).ok(),
            backup_before,
            "sesm {args:?} changed the backup"
        );

        let mut json_args = vec!["-o", "json"];
        json_args.extend_from_slice(args);
        let jrun = self.run(&json_args);
        assert_eq!(
            jrun.code, exit,
            "sesm {json_args:?}: exit code; stderr: {}",
            jrun.stderr
        );
        assert_eq!(jrun.stdout, "");
        let err: Value = serde_json::from_str(&jrun.stderr).unwrap_or_else(|e| {
            panic!(
                "sesm {json_args:?}: stderr is not JSON ({e}): {}",
                jrun.stderr
            )
        });
        assert_eq!(err["Error"]["Code"], code, "{err}");
        assert_eq!(err["Error"]["Operation"], op, "{err}");
        assert!(
            err["Error"]["Message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{err}"
        );
        assert_eq!(
            self.state_bytes(),
            before,
            "sesm {json_args:?} changed the state file"
        );
        run
    }

    /// The message part of an SES error line.
    pub fn message(run: &Run) -> String {
        let first = run.stderr.lines().next().unwrap_or_default();
        first
            .split_once(" operation: ")
            .map(|(_, m)| m.to_string())
            .unwrap_or_else(|| first.to_string())
    }
}
