//! Files other than the state: imported states, input files (plans, identity lists), the
//! dashboard's HTML, the demo's throwaway state.

use super::decode_from;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::lazy::Source;
use crate::model::State;

/// Reads a document given to `state import` (`-` is stdin); its problems are the user's
/// parameter (252).
pub fn read_import(path: &Path) -> Result<State> {
    let text = read_input(
        path,
        "the state to import",
        "export one with: sesm state export FILE",
    )?;
    let bytes = text.into_bytes();
    let source = Source {
        path: path.to_path_buf(),
        hint: "export a state with: sesm state export FILE".into(),
        text: Arc::new(bytes),
        import: true,
    };
    let state = decode_from(source).map_err(|e| {
        Error::invalid(format!("{} is not a sesm state: {e}", input_name(path)))
            .hint("export one with: sesm state export FILE")
    })?;
    state.check().map_err(|why| {
        Error::invalid(format!(
            "{} is not a consistent sesm state: {why}",
            input_name(path)
        ))
    })?;
    Ok(state)
}

/// How messages name an input file: `-` is standard input.
pub fn input_name(path: &Path) -> String {
    if path.as_os_str() == "-" {
        "standard input".to_string()
    } else {
        path.display().to_string()
    }
}

/// Reads a text file the user named (a plan, an identity list; `-` is stdin). Its problems are
/// the user's parameter (252); `what` and `hint` say which file and what it should be.
pub fn read_input(path: &Path, what: &str, hint: &str) -> Result<String> {
    use std::io::Read;
    let mut text = String::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        fs::read_to_string(path).map(|t| text = t)
    };
    read.map_err(|e| {
        Error::invalid(format!("cannot read {what} {}: {e}", input_name(path))).hint(hint)
    })?;
    // A byte-order mark some editors write is not part of the text. Every input file comes
    // through here, so no parser needs to know about it.
    if let Some(rest) = text.strip_prefix('\u{feff}') {
        text = rest.to_string();
    }
    Ok(text)
}

/// Whether something (a file, a folder, a dangling symlink) is at `path`.
pub fn path_exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// Writes a file the user asked for (`dashboard --html FILE`, `state export FILE`); a path
/// that can't be written is the user's parameter (252).
pub fn write_file(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).map_err(|e| {
        Error::invalid(format!("cannot write {}: {e}", path.display()))
            .hint("choose a path in a folder you can write to")
    })
}

/// A state path in a new folder of the system's temp folder, kept after the process ends
/// (`demo` builds its throwaway account there).
pub fn throwaway_path() -> Result<PathBuf> {
    let dir = tempfile::Builder::new()
        .prefix("sesm-demo-")
        .tempdir()
        .map_err(|e| Error::state(format!("cannot create a temp folder for the demo: {e}")))?;
    Ok(dir.keep().join("state.json"))
}
