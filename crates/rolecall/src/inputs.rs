//! Finding and reading the inputs named on the command line.

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// One input: a file's bytes, or standard input's.
#[derive(Debug)]
pub(crate) struct Input {
    /// How to name it in messages: the path as given, or `<stdin>`.
    pub name: String,
    /// The bytes, or why they could not be read.
    pub bytes: Result<Vec<u8>, io::Error>,
}

/// The name standard input gets in messages.
pub(crate) const STDIN_NAME: &str = "<stdin>";

/// Expands the paths: `-` is standard input, a directory contributes every
/// file below it whose extension is in `extensions` (sorted, so output is
/// stable), and a file is taken as is, whatever its extension.
pub(crate) fn collect(paths: &[PathBuf], extensions: &[&str]) -> Vec<Input> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut bytes = Vec::new();
            let result = io::stdin().read_to_end(&mut bytes).map(|_| bytes);
            out.push(Input {
                name: STDIN_NAME.to_owned(),
                bytes: result,
            });
        } else if path.is_dir() {
            let mut files = Vec::new();
            walk(path, extensions, &mut files, &mut out);
            files.sort();
            out.extend(files.into_iter().map(read_file));
        } else {
            out.push(read_file(path.clone()));
        }
    }
    out
}

fn read_file(path: PathBuf) -> Input {
    Input {
        name: path.display().to_string(),
        bytes: fs::read(&path),
    }
}

fn walk(dir: &Path, extensions: &[&str], files: &mut Vec<PathBuf>, errors: &mut Vec<Input>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(Input {
                name: dir.display().to_string(),
                bytes: Err(e),
            });
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, extensions, files, errors);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
        {
            files.push(path);
        }
    }
}
