//! The binary against hostile inputs: endless devices, FIFOs, symlink loops,
//! huge files. Each case asserts the exit code, that output stays bounded and
//! that peak memory stays bounded (under 64 MiB where the input limit is
//! 1 MiB), using `common::run_bounded`, which kills a child after 20 s.
//!
//! Sections: each area appends its cases at the end, under its marker.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
use common::{examples, run_bounded, Feed};

/// Output allowed for a run that reports one error: a few lines.
const SMALL_OUTPUT: u64 = 4 * 1024;

/// Memory allowed where the input limit is 1 MiB.
const SMALL_RSS_MIB: u64 = 64;

/// The harness itself: an ordinary run is measured and passes the bounds
/// every hostile case is held to.
#[test]
fn harness_measures_an_ordinary_run() {
    let run = run_bounded(
        &[
            std::ffi::OsString::from("check"),
            examples().join("irsa-single-service-account.json").into(),
        ],
        Feed::Null,
    );
    run.assert_bounded(0, SMALL_OUTPUT, SMALL_RSS_MIB);
    // (No figure when the run ended before the first poll: too short to matter.)
    assert!(run.peak_rss_kib.is_none_or(|k| k > 0));
}

/// The harness sees memory a run really takes: an 80 MB audit input (white
/// space, then a NUL byte) is read whole before the NUL refuses it, so the
/// peak is above 64 MiB. (Without this, a broken measurement would pass
/// every bound.)
#[test]
fn harness_sees_a_large_peak() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("padded.json");
    let mut text = vec![b' '; 80_000_000];
    text.push(0);
    std::fs::write(&path, text).unwrap();
    let run = run_bounded(
        &[std::ffi::OsStr::new("audit"), path.as_os_str()],
        Feed::Null,
    );
    run.assert_bounded(2, SMALL_OUTPUT, 1024)
        .says("a NUL byte at offset 80000000");
    if std::path::Path::new("/proc/self/status").exists() {
        assert!(run.peak_rss_kib.is_some_and(|k| k > 64 * 1024), "{run:#?}");
    }
}

/// The harness counts output past what it keeps and feeds stdin.
#[test]
fn harness_feeds_stdin_and_counts_output() {
    let policy = std::fs::read(examples().join("irsa-single-service-account.json")).unwrap();
    let run = run_bounded(&["check", "-"], Feed::Bytes(policy));
    run.assert_bounded(0, SMALL_OUTPUT, SMALL_RSS_MIB);
    let run = run_bounded(&["check", "-"], Feed::Bytes(b"{".to_vec()));
    run.assert_bounded(2, SMALL_OUTPUT, SMALL_RSS_MIB)
        .says("<stdin>:1:2");
    assert_eq!(
        run.stdout_len + run.stderr_len,
        (run.stdout.len() + run.stderr.len()) as u64
    );
}

// --- inputs ---

/// The two endless devices every input kind is tried with.
const DEVICES: [&str; 2] = ["/dev/zero", "/dev/urandom"];

fn good_policy() -> std::path::PathBuf {
    examples().join("irsa-single-service-account.json")
}

/// A temporary directory with the files the commands need beside the
/// hostile one: a providers file and a token (neither is checked before the
/// input under test is read).
fn fixtures() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("providers.json"),
        r#"{"Url":"oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE","ClientIDList":["sts.amazonaws.com"],"ThumbprintList":[]}"#,
    )
    .unwrap();
    std::fs::copy(
        examples().join("tokens/irsa-payments-api.jwt"),
        dir.path().join("t.jwt"),
    )
    .unwrap();
    dir
}

/// Every kind of file input, given `/dev/zero` or `/dev/urandom`: each read
/// stops at its limit (plus one byte) or, for audit inputs, at the first NUL
/// byte, and the run ends at once with exit 2, a message naming the file
/// and the limit, a few lines of output and little memory.
#[test]
fn endless_devices_as_every_file_input() {
    let dir = fixtures();
    let p = |name: &str| dir.path().join(name).display().to_string();
    let policy = good_policy().display().to_string();
    let (providers, token) = (p("providers.json"), p("t.jwt"));
    let role = "arn:aws:iam::111122223333:role/app";
    for dev in DEVICES {
        let cases: Vec<(Vec<&str>, &str)> = vec![
            (vec!["check", dev], "limit for a policy"),
            (vec!["audit", dev], "NUL byte"),
            (vec!["debug", "parse", dev], "limit for a policy"),
            (
                vec!["eval", "--policy", dev, "--principal", "x"],
                "limit for a policy",
            ),
            (
                vec!["explain", "--policy", dev, "--principal", "x"],
                "limit for a policy",
            ),
            (
                vec![
                    "eval",
                    "--policy",
                    &policy,
                    "--token",
                    dev,
                    "--account",
                    "111122223333",
                ],
                "limit for a token",
            ),
            (
                vec![
                    "eval",
                    "--policy",
                    &policy,
                    "--principal",
                    "x",
                    "--context-file",
                    dev,
                ],
                "limit for a context file",
            ),
            (
                vec!["audit", &policy, "--config", dev],
                "limit for a configuration file",
            ),
            (
                vec!["audit", &policy, "--providers", dev],
                "limit for a providers file",
            ),
            (vec!["audit", &policy, "--baseline", dev], "NUL byte"),
            (vec!["token", "inspect", dev], "limit for a token"),
            (
                vec![
                    "sts",
                    "assume-role-with-web-identity",
                    "--policy",
                    dev,
                    "--token",
                    &token,
                    "--providers",
                    &providers,
                    "--jwks",
                    &providers,
                    "--role-arn",
                    role,
                ],
                "NUL byte",
            ),
            (
                vec![
                    "sts",
                    "assume-role-with-web-identity",
                    "--policy",
                    &policy,
                    "--token",
                    dev,
                    "--providers",
                    &providers,
                    "--jwks",
                    &providers,
                    "--role-arn",
                    role,
                ],
                "limit for a token",
            ),
            (
                vec![
                    "sts",
                    "assume-role-with-web-identity",
                    "--policy",
                    &policy,
                    "--token",
                    &token,
                    "--providers",
                    dev,
                    "--jwks",
                    &providers,
                    "--role-arn",
                    role,
                ],
                "limit for a providers file",
            ),
            (
                vec![
                    "sts",
                    "assume-role-with-web-identity",
                    "--policy",
                    &policy,
                    "--token",
                    &token,
                    "--providers",
                    &providers,
                    "--jwks",
                    dev,
                    "--role-arn",
                    role,
                ],
                "limit for a key set",
            ),
        ];
        for (args, says) in cases {
            let run = run_bounded(&args, Feed::Null);
            run.assert_bounded(2, SMALL_OUTPUT, SMALL_RSS_MIB)
                .says(dev)
                .says(says);
        }
    }
}

/// Standard input as an endless device, for every command that reads it.
#[test]
fn endless_devices_on_standard_input() {
    let policy = good_policy().display().to_string();
    for dev in DEVICES {
        let cases: [(&[&str], &str); 6] = [
            (&["check", "-"], "limit for a policy"),
            (&["audit", "-"], "NUL byte"),
            (
                &["eval", "--policy", "-", "--principal", "x"],
                "limit for a policy",
            ),
            (
                &["explain", "--policy", "-", "--principal", "x"],
                "limit for a policy",
            ),
            (
                &[
                    "eval",
                    "--policy",
                    &policy,
                    "--token",
                    "-",
                    "--account",
                    "111122223333",
                ],
                "limit for a token",
            ),
            (&["token", "inspect", "-"], "limit for a token"),
        ];
        for (args, says) in cases {
            let run = run_bounded(args, Feed::File(dev.into()));
            run.assert_bounded(2, SMALL_OUTPUT, SMALL_RSS_MIB)
                .says("<stdin>")
                .says(says);
        }
    }
}

/// A 200 MB file (sparse: all NUL bytes): a policy input is refused from its
/// size without being read; an audit input stops at the first block. A
/// 300 MB one is over the audit limit and refused unread.
#[test]
fn huge_files_are_refused_without_being_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.json");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(200_000_000)
        .unwrap();
    let bigger = dir.path().join("bigger.json");
    std::fs::File::create(&bigger)
        .unwrap()
        .set_len(300_000_000)
        .unwrap();
    let big = big.display().to_string();
    let bigger = bigger.display().to_string();
    for (args, says) in [
        (
            vec!["check", &big],
            "larger than the 1048576-byte limit for a policy",
        ),
        (
            vec!["eval", "--principal", "x", "--policy", &big],
            "larger than the 1048576-byte limit",
        ),
        (vec!["audit", &big], "a NUL byte at offset 0"),
        (
            vec!["audit", &bigger],
            "larger than the 268435456-byte limit for an audit input",
        ),
    ] {
        run_bounded(&args, Feed::Null)
            .assert_bounded(2, SMALL_OUTPUT, SMALL_RSS_MIB)
            .says(args[args.len() - 1])
            .says(says);
    }
    // Found in a directory, the NUL-filled file is skipped as binary (it
    // holds no trust policy); the one over the limit still fails the run:
    // what it holds is unknown.
    let run = run_bounded(
        &[
            std::ffi::OsStr::new("audit"),
            "--verbose".as_ref(),
            dir.path().as_os_str(),
        ],
        Feed::Null,
    );
    run.assert_bounded(2, SMALL_OUTPUT, SMALL_RSS_MIB)
        .says("skipped ")
        .says("big.json: a NUL byte at offset 0")
        .says("skipped 1 file that holds no trust policy")
        .says("bigger.json: error[unreadable]: cannot read input: larger than the 268435456-byte limit");
}

/// A directory with a FIFO (named like a policy) beside a policy: `audit`
/// and `check` skip it instead of blocking on it forever, and say so with
/// `--verbose`.
#[cfg(unix)]
#[test]
fn fifo_in_a_directory_is_skipped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(good_policy(), dir.path().join("policy.json")).unwrap();
    mkfifo(&dir.path().join("pipe.json"));
    for command in ["audit", "check"] {
        let run = run_bounded(
            &[
                std::ffi::OsStr::new(command),
                "--verbose".as_ref(),
                dir.path().as_os_str(),
            ],
            Feed::Null,
        );
        run.assert_bounded(0, SMALL_OUTPUT, SMALL_RSS_MIB)
            .says("pipe.json: a FIFO, socket or device (not read)")
            .says("skipped 1 file that holds no trust policy");
    }
}

/// A FIFO named on the command line is read (bounded), as `<(cat t.jwt)`
/// (`/dev/fd/63`) is: `token inspect` used to call it "neither a file nor a
/// token".
#[cfg(unix)]
#[test]
fn named_pipe_given_explicitly_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("token");
    mkfifo(&fifo);
    let token = std::fs::read(examples().join("tokens/irsa-payments-api.jwt")).unwrap();
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            // Opening blocks until rolecall opens the other end.
            let _ = std::fs::write(&fifo, token);
        })
    };
    let run = run_bounded(
        &[
            std::ffi::OsStr::new("token"),
            "inspect".as_ref(),
            "--format".as_ref(),
            "json".as_ref(),
            fifo.as_os_str(),
        ],
        Feed::Null,
    );
    writer.join().unwrap();
    assert_ne!(run.code, Some(2), "{run:#?}");
    run.says("\"claims\"").says("system:serviceaccount:");
    assert!(
        !run.stderr.contains("neither a file nor a token"),
        "{run:#?}"
    );
}

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

/// Symbolic link loops in an audited directory: one loop (`loop -> .`) and
/// two (`a -> .`, `b -> ..` in a subdirectory). Links to directories are not
/// followed, so the walk ends and each file is reported once; a link to a
/// file beside its target is read once too.
#[cfg(unix)]
#[test]
fn symlink_loops_end_with_each_file_once() {
    use std::os::unix::fs::symlink;
    let one = tempfile::tempdir().unwrap();
    std::fs::copy(
        examples().join("irsa-namespace-prefix.bad.json"),
        one.path().join("loose.json"),
    )
    .unwrap();
    symlink(".", one.path().join("loop")).unwrap();
    symlink("loose.json", one.path().join("alias.json")).unwrap();

    let two = tempfile::tempdir().unwrap();
    std::fs::create_dir(two.path().join("sub")).unwrap();
    std::fs::copy(
        examples().join("irsa-namespace-prefix.bad.json"),
        two.path().join("sub/loose.json"),
    )
    .unwrap();
    symlink(".", two.path().join("a")).unwrap();
    symlink("..", two.path().join("sub/b")).unwrap();

    for dir in [one.path(), two.path()] {
        let run = run_bounded(
            &[
                std::ffi::OsStr::new("audit"),
                "--format".as_ref(),
                "json".as_ref(),
                dir.as_os_str(),
            ],
            Feed::Null,
        );
        run.assert_bounded(1, 64 * 1024, SMALL_RSS_MIB);
        let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let policies = report["policies"].as_array().unwrap();
        assert_eq!(policies.len(), 1, "{:#?}", report["policies"]);
        let run = run_bounded(
            &[
                std::ffi::OsStr::new("check"),
                "--format".as_ref(),
                "json".as_ref(),
                dir.as_os_str(),
            ],
            Feed::Null,
        );
        run.assert_bounded(0, 64 * 1024, SMALL_RSS_MIB);
        assert_eq!(run.stdout.matches("\"path\"").count(), 1, "{run:#?}");
    }
}

// --- tokens ---

// --- outputs ---
