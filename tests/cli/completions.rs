//! Shell completion: the committed scripts are current, and names complete from the state in
//! bash, zsh and fish.

use std::path::PathBuf;
use std::process::Command;

use crate::harness::Env;

const SHELLS: [(&str, &str); 6] = [
    ("bash", "sesm.bash"),
    ("zsh", "_sesm"),
    ("fish", "sesm.fish"),
    ("powershell", "_sesm.ps1"),
    ("elvish", "sesm.elv"),
    ("nushell", "sesm.nu"),
];

fn committed(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("completions")
        .join(file)
}

/// The committed file is the snapshot; `SESM_UPDATE_COMPLETIONS=1 cargo test completions`
/// rewrites them.
#[test]
fn committed_completion_scripts_are_current() {
    let env = Env::new();
    let update = std::env::var_os("SESM_UPDATE_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        let run = env.ok(&["completions", shell]);
        assert!(run.stdout.len() > 100, "{shell}: {}", run.stdout);
        let path = committed(file);
        if update {
            std::fs::write(&path, &run.stdout).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(run.stdout.as_str()) {
            stale.push(format!(
                "completions/{file} (sesm completions {shell} > completions/{file})"
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "stale completion scripts: {}\nrefresh them all with: SESM_UPDATE_COMPLETIONS=1 cargo test --test cli completions",
        stale.join(", ")
    );
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let run = Env::new().run(&["completions", "tcsh"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
}

/// An environment with two pools, a configuration set and an IP, and `sesm` on PATH.
fn env_with_names() -> Env {
    let env = Env::new();
    env.ok(&["pool", "create", "alpha"]);
    env.ok(&["pool", "create", "beta", "--managed"]);
    env.ok(&["config-set", "create", "news"]);
    env.ok(&["ip", "lease", "--count", "1"]);
    env
}

fn path_with_sesm() -> String {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_sesm"));
    format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

fn shell(env: &Env, program: &str, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(program)
        .args(args)
        .env_clear()
        .env("PATH", path_with_sesm())
        .env("HOME", env.dir.path())
        .env("SESM_STATE", &env.state)
        .current_dir(env.dir.path())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Whether a shell is installed; CI sets SESM_REQUIRE_SHELLS so that a missing one fails there
/// instead of passing unnoticed.
fn have(program: &str) -> bool {
    let found = Command::new(program)
        .arg("-c")
        .arg("exit 0")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        crate::harness::skip(
            program,
            "SESM_REQUIRE_SHELLS",
            &format!("apt-get install {program}"),
        );
    }
    found
}

const BASH_DRIVER: &str = r#"
source <(sesm completions bash)
complete_line() {
  COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMP_TYPE=9; COMPREPLY=()
  _clap_complete_sesm sesm "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
  printf '%s\n' "${COMPREPLY[@]}"
  echo ---
}
complete_line sesm pool get ""
complete_line sesm pool get b
complete_line sesm ip move 198.18.0.1 ""
complete_line sesm traffic set news ""
complete_line sesm --region eu-west-1 pool get ""
"#;

#[test]
fn bash_completes_pool_names_from_the_state() {
    let env = env_with_names();
    let (code, out, err) = shell(&env, "bash", &["-c", BASH_DRIVER]);
    assert_eq!(code, 0, "{err}");
    let answers: Vec<Vec<&str>> = out.split("---\n").map(|a| a.lines().collect()).collect();
    fn names<'a>(a: &[&'a str]) -> Vec<&'a str> {
        a.iter().filter(|w| !w.starts_with('-')).copied().collect()
    }
    assert_eq!(names(&answers[0]), ["alpha", "beta"], "{out}");
    assert_eq!(answers[1], ["beta"], "{out}");
    assert_eq!(
        names(&answers[2]),
        [
            "alpha",
            "beta",
            "ses-default-dedicated-pool",
            "ses-shared-pool"
        ],
        "{out}"
    );
    assert!(
        answers[3].contains(&"gmail=") && answers[3].contains(&"orange="),
        "{out}"
    );
    assert!(
        names(&answers[4]).is_empty(),
        "no pools in eu-west-1: {out}"
    );
}

#[test]
fn fish_completes_pool_names_from_the_state() {
    if !have("fish") {
        return;
    }
    let env = env_with_names();
    let script = r#"sesm completions fish | source; complete --do-complete "sesm pool get "; echo ---; complete --do-complete "sesm config-set get ""#;
    let (code, out, err) = shell(&env, "fish", &["-c", script]);
    assert_eq!(code, 0, "{err}");
    let (pools, sets) = out.split_once("---\n").unwrap();
    let first = |s: &str| {
        s.lines()
            .map(|l| l.split('\t').next().unwrap().to_string())
            .filter(|w| !w.starts_with('-'))
            .collect::<Vec<_>>()
    };
    assert_eq!(first(pools), ["alpha", "beta"], "{out}");
    assert_eq!(first(sets), ["news"], "{out}");
}

#[test]
fn zsh_completes_pool_names_from_the_state() {
    if !have("zsh") {
        return;
    }
    let env = env_with_names();
    let record = env.path("candidates");
    let done = env.path("completed");
    // Types the line and TAB into an interactive zsh in a pseudo-terminal, recording what the
    // completion system hands to compadd. Once the first candidate is recorded, ^U (clear the
    // line) and a command that creates `done`: zle reads keys one after the other, so once
    // `done` exists the completion has finished and every candidate is recorded (no guess of
    // how long completing takes). Keys sent earlier would be typeahead, which makes zsh skip
    // completing.
    let script = format!(
        r#"zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z 'PS1=""; bindkey -e; autoload -U compinit; compinit -u -D; source <(sesm completions zsh)'
zpty -w z 'compadd() {{ builtin compadd "$@"; local a; for a in "$@"; do [[ $a == -* ]] || print -r -- "$a" >> {record}; done }}'
zpty -w z 'zstyle ":completion:*" menu no'
zpty -n -w z $'sesm pool get \t'
for i in {{1..300}}; do [[ -s {record} ]] && break; sleep 0.1; done
zpty -n -w z $'\x15: > {done}\n'
for i in {{1..300}}; do [[ -e {done} ]] && break; sleep 0.1; done
zpty -d z"#,
        record = record.display(),
        done = done.display()
    );
    let (code, _, err) = shell(&env, "zsh", &["-f", "-c", &script]);
    assert_eq!(code, 0, "{err}");
    assert!(done.exists(), "zsh never finished completing");
    let offered = std::fs::read_to_string(&record).unwrap_or_default();
    let offered: Vec<&str> = offered.lines().collect();
    assert!(
        offered.contains(&"alpha") && offered.contains(&"beta"),
        "zsh offered {offered:?}"
    );
    assert!(!offered.contains(&"news"), "zsh offered {offered:?}");
}

/// The protocol every dynamic script uses, without a shell.
#[test]
fn the_completion_protocol_reads_the_state_and_never_prints_errors() {
    let env = env_with_names();
    let out = env
        .command()
        .env("COMPLETE", "zsh")
        .env("_CLAP_COMPLETE_INDEX", "4")
        .args(["--", "sesm", "identity", "set-config-set", "x.com", ""])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().any(|l| l.starts_with("news")), "{text}");
    // A corrupt state completes nothing, silently.
    std::fs::write(&env.state, b"{ broken").unwrap();
    let out = env
        .command()
        .env("COMPLETE", "zsh")
        .env("_CLAP_COMPLETE_INDEX", "3")
        .args(["--", "sesm", "pool", "get", ""])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("alpha"), "{text}");
}
