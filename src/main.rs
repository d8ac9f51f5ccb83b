//! The `sesm` binary: shell completion requests, then parse, run and exit with the documented
//! code. A panic is reported as an internal error and exits 255, never Rust's 101.

use clap::{CommandFactory, Parser};
use sesm::cli::{Cli, candidates};
use sesm::error::exit;

fn main() {
    // `COMPLETE=bash sesm …` is the shell asking for completions: answer and exit.
    candidates::handle_env_request(Cli::command);

    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error: {info}");
        eprintln!("hint: this is a bug in sesm; please report it with the command that caused it");
    }));
    let code = std::panic::catch_unwind(|| match Cli::try_parse() {
        Ok(cli) => sesm::cli::run(cli),
        Err(e) => {
            // Help and version go to stdout and exit 0; parse errors exit 2.
            let _ = e.print();
            if e.use_stderr() {
                exit::USAGE
            } else {
                exit::SUCCESS
            }
        }
    })
    .unwrap_or(exit::INTERNAL);
    std::process::exit(code);
}
