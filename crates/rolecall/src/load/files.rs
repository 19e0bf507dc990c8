//! Finding and reading the inputs named on the command line.
//!
//! Every byte rolecall reads from a file or standard input comes through
//! [`read`] (or [`Candidate::read`], which calls it): a read stops at the
//! limit of the input's [`Kind`] plus one byte, so `/dev/zero`, an endless
//! pipe or a 200 MB file costs at most that much memory before it is refused
//! as too large. A regular file whose size is already over the limit is
//! refused without being read.
//!
//! Directory walks ([`collect`]) use the `ignore` crate, as ripgrep does:
//! `.gitignore` rules apply (also outside a git repository), `.git/`,
//! `node_modules/` and `.terraform/` are never entered, FIFOs, sockets and
//! devices are skipped (reading one could block forever or never end), and
//! symbolic links inside a directory are followed only to regular files:
//! a link to a directory is not entered, so a link cycle cannot make the
//! walk loop or report a file twice. Each file is read once, however many
//! names lead to it (deduplicated by canonical path).

use std::collections::HashSet;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// What an input is, which sets how much of it rolecall reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A trust policy: raw, URL-encoded or `aws iam get-role` output
    /// (`check`, `eval`/`explain --policy`, `debug parse`). The parser's own
    /// limit, 1 MiB: IAM's own cap on a trust policy is far smaller.
    Policy,
    /// An `audit` input, or `sts --policy` (which may be an account dump):
    /// 256 MiB, room for the largest `get-account-authorization-details`
    /// dumps and Terraform plans (a 10,000-role dump is 8.7 MiB; `audit`
    /// peaks near 3x its input, BENCHMARKS.md).
    Container,
    /// A web-identity token: 64 KiB (real tokens are a few KiB; STS refuses
    /// much shorter ones than this).
    Token,
    /// `--providers`: 4 MiB (an account's OIDC providers fit in a few
    /// hundred KiB).
    Providers,
    /// `--context-file`: 1 MiB, as a policy.
    Context,
    /// `--config` / `.rolecall.toml`: 1 MiB.
    Config,
    /// `audit --baseline`: an earlier report, 256 MiB (a 10,000-role
    /// dump's report is far smaller).
    Baseline,
}

impl Kind {
    /// The most bytes an input of this kind may hold.
    pub(crate) const fn limit(self) -> u64 {
        const MIB: u64 = 1024 * 1024;
        match self {
            Kind::Policy => rolecall_policy::DEFAULT_MAX_INPUT_BYTES as u64,
            Kind::Container | Kind::Baseline => 256 * MIB,
            Kind::Token => 64 * 1024,
            Kind::Providers => 4 * MIB,
            Kind::Context | Kind::Config => MIB,
        }
    }

    /// What to call it in messages.
    const fn noun(self) -> &'static str {
        match self {
            Kind::Policy => "a policy",
            Kind::Container => "an audit input",
            Kind::Token => "a token",
            Kind::Providers => "a providers file",
            Kind::Context => "a context file",
            Kind::Config => "a configuration file",
            Kind::Baseline => "a baseline report",
        }
    }

    fn too_large(self) -> io::Error {
        io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!(
                "larger than the {}-byte limit for {}",
                self.limit(),
                self.noun()
            ),
        )
    }
}

pub(crate) use crate::error::STDIN_NAME;

/// Reads the file at `path`, or standard input for `-`, stopping at the
/// limit of `kind` plus one byte; more than the limit is an error of kind
/// `FileTooLarge` that says the limit. FIFOs and devices named here are read
/// (`<(cat token)` is a pipe), within the same bound.
pub(crate) fn read(path: &Path, kind: Kind) -> io::Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        return read_bounded(io::stdin().lock(), kind, 0);
    }
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory",
        ));
    }
    // A regular file's size is known: refuse it unread when it is too large.
    if meta.is_file() && meta.len() > kind.limit() {
        return Err(kind.too_large());
    }
    let size_hint = if meta.is_file() { meta.len() } else { 0 };
    read_bounded(file, kind, size_hint)
}

/// Reads `reader` to its end, or to the limit of `kind` plus one byte.
///
/// An audit input or a baseline ([`Kind::Container`], [`Kind::Baseline`],
/// whose limits are large) is read a block at a time and refused at its first NUL byte, which no JSON, YAML or
/// URL-encoded text holds: `/dev/zero`, a sparse file or a binary stops
/// there instead of filling 256 MiB first. (Other kinds have small limits,
/// and their parsers say where such a byte is.)
fn read_bounded(reader: impl Read, kind: Kind, size_hint: u64) -> io::Result<Vec<u8>> {
    const BLOCK: usize = 64 * 1024;
    let limit = kind.limit();
    // The size of a regular file, plus one byte to see its end: no regrowth.
    let capacity = usize::try_from(size_hint.min(limit).saturating_add(1)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    let mut reader = reader.take(limit.saturating_add(1));
    if matches!(kind, Kind::Container | Kind::Baseline) {
        let mut block = vec![0u8; BLOCK];
        loop {
            let n = match reader.read(&mut block) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            let new = block.get(..n).unwrap_or_default();
            // `contains` on bytes is memchr: the scan costs nothing next to the read.
            if new.contains(&0) {
                let at = new.iter().position(|&b| b == 0).unwrap_or(0);
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "a NUL byte at offset {}: not JSON, YAML or URL-encoded text",
                        bytes.len() + at
                    ),
                ));
            }
            bytes.extend_from_slice(new);
        }
    } else {
        reader.read_to_end(&mut bytes)?;
    }
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(kind.too_large());
    }
    Ok(bytes)
}

/// [`read`] as UTF-8 text, for inputs that are only ever text.
pub(crate) fn read_text(path: &Path, kind: Kind) -> io::Result<String> {
    String::from_utf8(read(path, kind)?)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))
}

/// One input found by [`collect`], not yet read.
#[derive(Debug)]
pub(crate) struct Candidate {
    /// How to name it in messages: the path as given or found, or `<stdin>`.
    pub name: String,
    /// Whether it was named on the command line (or is standard input),
    /// rather than found in a directory: such an input must hold what the
    /// command reads, a file found in a directory may be skipped.
    pub explicit: bool,
    source: Source,
}

#[derive(Debug)]
enum Source {
    Stdin,
    File(PathBuf),
    /// The walk could not list a directory or read an ignore file.
    Failed(io::Error),
}

/// One input: a file's bytes, or standard input's.
#[derive(Debug)]
pub(crate) struct Input {
    /// How to name it in messages: the path as given, or `<stdin>`.
    pub name: String,
    /// See [`Candidate::explicit`].
    pub explicit: bool,
    /// The bytes, or why they could not be read.
    pub bytes: Result<Vec<u8>, io::Error>,
}

impl Candidate {
    /// Reads it, bounded by `kind` (see [`read`]).
    pub(crate) fn read(self, kind: Kind) -> Input {
        let bytes = match self.source {
            Source::Stdin => read(Path::new("-"), kind),
            Source::File(path) => read(&path, kind),
            Source::Failed(e) => Err(e),
        };
        Input {
            name: self.name,
            explicit: self.explicit,
            bytes,
        }
    }
}

/// An entry a directory walk passed over, with the reason (`--verbose`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Skipped {
    /// The path found.
    pub name: String,
    /// Why it was not read.
    pub reason: &'static str,
}

/// What [`collect`] found.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    /// The inputs to read, in a stable order.
    pub candidates: Vec<Candidate>,
    /// Entries of walked directories not read: FIFOs, sockets, devices,
    /// links to directories.
    pub skipped: Vec<Skipped>,
}

/// Directories never entered: version-control data, dependencies and
/// Terraform's provider cache hold no policy of the project's own.
const NEVER_ENTERED: &[&str] = &[".git", "node_modules", ".terraform"];

/// Expands the paths: `-` is standard input; a directory contributes every
/// file below it whose extension is in `extensions` and that no earlier path
/// or name led to (see the module documentation for what a walk skips); any
/// other path is taken as is, whatever it is. Nothing is read yet.
pub(crate) fn collect(paths: &[PathBuf], extensions: &[&str]) -> Collected {
    let mut out = Collected::default();
    let mut seen = HashSet::new();
    for path in paths {
        if path.as_os_str() == "-" {
            out.candidates.push(Candidate {
                name: STDIN_NAME.to_owned(),
                explicit: true,
                source: Source::Stdin,
            });
        } else if path.is_dir() {
            walk(path, extensions, &mut seen, &mut out);
        } else {
            // Named on the command line: read as often as named (a walk
            // does not read it again).
            first_time(&mut seen, path);
            out.candidates.push(Candidate {
                name: path.display().to_string(),
                explicit: true,
                source: Source::File(path.clone()),
            });
        }
    }
    out
}

/// The extensions `audit` and `who` look for in directories: policy files,
/// account dumps and Terraform plans (JSON), manifests and CloudFormation
/// templates (YAML, `.template`).
pub(crate) const CONTAINER_EXTENSIONS: &[&str] = &["json", "yaml", "yml", "template"];

/// The candidates [`collect_some`] gives, and the walked entries not read,
/// as `(name, reason)`.
pub(crate) type Inputs = (Vec<Candidate>, Vec<(String, String)>);

/// [`collect`] for a command that needs at least one input.
///
/// # Errors
///
/// A usage error naming the extensions when the paths give nothing at all.
pub(crate) fn collect_some(
    paths: &[PathBuf],
    extensions: &[&str],
) -> Result<Inputs, crate::error::CliError> {
    let collected = collect(paths, extensions);
    if collected.candidates.is_empty() && collected.skipped.is_empty() {
        let globs: Vec<String> = extensions.iter().map(|e| format!("*.{e}")).collect();
        return Err(crate::error::CliError::Usage(format!(
            "no input files found (directories are searched for {})",
            globs.join(", ")
        )));
    }
    let skipped = collected
        .skipped
        .into_iter()
        .map(|s| (s.name, s.reason.to_owned()))
        .collect();
    Ok((collected.candidates, skipped))
}

/// Whether `path` was not collected before (by another name too).
fn first_time(seen: &mut HashSet<PathBuf>, path: &Path) -> bool {
    // A path that cannot be resolved is kept: reading it reports why.
    fs::canonicalize(path).map_or(true, |real| seen.insert(real))
}

fn walk(dir: &Path, extensions: &[&str], seen: &mut HashSet<PathBuf>, out: &mut Collected) {
    // A trailing separator makes a root given as a link to a directory
    // resolve (a link named on the command line is followed; links met
    // inside are not).
    let walker = ignore::WalkBuilder::new(dir.join(""))
        // Hidden files may hold policies (`.github/`, `.aws/`): only the
        // directories in NEVER_ENTERED are left out.
        .hidden(false)
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_some_and(|t| t.is_dir())
                    && e.file_name()
                        .to_str()
                        .is_some_and(|n| NEVER_ENTERED.contains(&n)))
        })
        // `.gitignore` (and `.git/info/exclude`) apply, also in a directory
        // that is not a git checkout; the user's global git excludes and
        // `.ignore` files do not, so results do not depend on the machine.
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .git_global(false)
        .ignore(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                out.candidates.push(Candidate {
                    name: dir.display().to_string(),
                    explicit: true,
                    source: Source::Failed(io::Error::other(e.to_string())),
                });
                continue;
            }
        };
        let Some(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            continue;
        }
        let path = entry.path();
        let name = path.display().to_string();
        if file_type.is_symlink() {
            // The link's target decides; a dangling link is reported when read.
            match fs::metadata(path) {
                Ok(m) if m.is_dir() => {
                    out.skipped.push(Skipped {
                        name,
                        reason: "a symbolic link to a directory (not followed)",
                    });
                    continue;
                }
                Ok(m) if !m.is_file() => {
                    if has_extension(path, extensions) {
                        out.skipped.push(Skipped {
                            name,
                            reason: "a link to a FIFO, socket or device (not read)",
                        });
                    }
                    continue;
                }
                _ => {}
            }
        } else if !file_type.is_file() {
            if has_extension(path, extensions) {
                out.skipped.push(Skipped {
                    name,
                    reason: "a FIFO, socket or device (not read)",
                });
            }
            continue;
        }
        if has_extension(path, extensions) && first_time(seen, path) {
            out.candidates.push(Candidate {
                name,
                explicit: false,
                source: Source::File(path.to_path_buf()),
            });
        }
    }
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_inputs_stop_at_the_first_nul_byte() {
        let err = read_bounded(io::repeat(0), Kind::Container, 0).err();
        assert_eq!(
            err.map(|e| e.to_string()),
            Some("a NUL byte at offset 0: not JSON, YAML or URL-encoded text".to_owned())
        );
        let mut text = vec![b'{'; 70_000];
        text.push(0);
        let err = read_bounded(text.as_slice(), Kind::Container, 0).err();
        assert!(err.is_some_and(|e| e.to_string().contains("offset 70000")));
        let ok = read_bounded(&b"{}"[..], Kind::Container, 2).ok();
        assert_eq!(ok.as_deref(), Some(&b"{}"[..]));
    }

    #[test]
    fn reads_stop_at_the_limit_plus_one_byte() {
        let policy = Kind::Policy.limit();
        let exact = vec![b' '; usize::try_from(policy).unwrap_or(0)];
        assert_eq!(
            read_bounded(exact.as_slice(), Kind::Policy, 0)
                .map(|b| b.len() as u64)
                .ok(),
            Some(policy)
        );
        // An endless reader: only limit + 1 bytes are taken, then refused.
        let err = read_bounded(io::repeat(b'x'), Kind::Policy, 0).err();
        let err = err.map(|e| (e.kind(), e.to_string()));
        assert_eq!(
            err,
            Some((
                io::ErrorKind::FileTooLarge,
                "larger than the 1048576-byte limit for a policy".to_owned()
            ))
        );
    }
}
