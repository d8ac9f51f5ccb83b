//! `sesm completions <shell>`: the completion script for a shell.
//!
//! For bash, zsh, fish, PowerShell and Elvish the script is clap_complete's dynamic
//! registration: the shell asks `sesm` itself for candidates on every TAB, so names of pools,
//! configuration sets, identities, IPs and ISPs come from the current state (see `complete.rs`).
//! Nushell gets clap_complete_nushell's static script (commands and flags).

use clap::{Args, CommandFactory, ValueEnum};

use crate::error::{Error, Result};
use crate::output::{Output, Rendered};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
    Elvish,
    Nushell,
}

impl Shell {
    pub const ALL: [Shell; 6] = [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::Powershell,
        Shell::Elvish,
        Shell::Nushell,
    ];

    /// The file name the script is committed under in `completions/`.
    pub fn file_name(self) -> &'static str {
        match self {
            Shell::Bash => "sesm.bash",
            Shell::Zsh => "_sesm",
            Shell::Fish => "sesm.fish",
            Shell::Powershell => "_sesm.ps1",
            Shell::Elvish => "sesm.elv",
            Shell::Nushell => "sesm.nu",
        }
    }
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  source <(sesm completions bash)                       # in ~/.bashrc\n  sesm completions zsh > ~/.zfunc/_sesm                # with fpath+=(~/.zfunc) before compinit\n  sesm completions fish > ~/.config/fish/completions/sesm.fish\n\n\
Names of pools, configuration sets, identities, IPs, ISPs and regions complete from the\n\
state (bash, zsh, fish, PowerShell, Elvish), read without a lock from --state or SESM_STATE."
)]
pub struct CompletionsArgs {
    #[arg(value_enum)]
    pub shell: Shell,
}

/// The script for `shell`.
pub fn script(shell: Shell) -> Result<String> {
    let mut buf = Vec::new();
    let mut cmd = super::Cli::command();
    let name = match shell {
        Shell::Nushell => {
            clap_complete::generate(clap_complete_nushell::Nushell, &mut cmd, "sesm", &mut buf);
            return String::from_utf8(buf).map_err(|e| Error::internal(e.to_string()));
        }
        Shell::Bash => "bash",
        Shell::Zsh => "zsh",
        Shell::Fish => "fish",
        Shell::Powershell => "powershell",
        Shell::Elvish => "elvish",
    };
    let shells = clap_complete::env::Shells::builtins();
    let completer = shells
        .completer(name)
        .ok_or_else(|| Error::internal(format!("clap_complete has no {name} support")))?;
    completer
        .write_registration("COMPLETE", "sesm", "sesm", "sesm", &mut buf)
        .map_err(|e| Error::internal(format!("cannot write the {name} script: {e}")))?;
    String::from_utf8(buf).map_err(|e| Error::internal(e.to_string()))
}

pub fn run(a: CompletionsArgs, ctx: &super::Ctx) -> Result<Rendered> {
    ctx.render(Output::raw(script(a.shell)?))
}
