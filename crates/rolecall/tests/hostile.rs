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
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
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

/// YAML built to be slow or huge: 100,000 nested flow collections (the
/// parser's time grows with the square of the depth: minutes) and an alias
/// bomb (nine levels of nine references). Both end at once, bounded.
#[test]
fn hostile_yaml_ends_at_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("deep.yaml"),
        format!("a: {}\n", "[".repeat(100_000)),
    )
    .unwrap();
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g", "h"])
    {
        bomb.push_str(&format!(
            "{name}: &{name} [{}]\n",
            vec![format!("*{prev}"); 9].join(",")
        ));
    }
    std::fs::write(dir.path().join("bomb.yaml"), bomb).unwrap();
    for name in ["deep.yaml", "bomb.yaml"] {
        let path = dir.path().join(name);
        let run = run_bounded(
            &[std::ffi::OsStr::new("audit"), path.as_os_str()],
            Feed::Null,
        );
        run.assert_bounded(2, SMALL_OUTPUT, SMALL_RSS_MIB)
            .says("holds no trust policy");
        assert!(run.elapsed < std::time::Duration::from_secs(5), "{run:#?}");
    }
    let run = run_bounded(
        &[
            std::ffi::OsStr::new("audit"),
            "--verbose".as_ref(),
            dir.path().as_os_str(),
        ],
        Feed::Null,
    );
    run.assert_bounded(0, SMALL_OUTPUT, SMALL_RSS_MIB)
        .says("skipped 2 files that hold no trust policy");
}

// --- tokens ---

/// A compact JWT from header and claims *text* (so repeated members
/// survive), with a placeholder signature: every case here is refused
/// before any signature check.
fn raw_token(header: &str, claims: &str) -> String {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    format!(
        "{}.{}.c2lnbmF0dXJl",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    )
}

const TOKEN_HEADER: &str = r#"{"alg":"RS256","kid":"k1"}"#;
const EKS_ISS: &str =
    "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

/// Claims with `sub` twice: the admin first, the allowed one last (the one
/// serde_json used to keep).
fn two_subs() -> String {
    format!(
        r#"{{"iss":"{EKS_ISS}","sub":"system:serviceaccount:kube-system:admin","aud":"sts.amazonaws.com","sub":"system:serviceaccount:payments:payments-api","exp":4102444800}}"#
    )
}

/// `sts` inputs that get as far as reading the token: a policy, providers
/// and a JWKS in `dir`, and the token file `token.jwt`.
fn sts_args(dir: &std::path::Path, token: &str) -> Vec<std::ffi::OsString> {
    std::fs::write(dir.join("token.jwt"), token).unwrap();
    std::fs::write(
        dir.join("providers.json"),
        format!(r#"{{"account": "111122223333", "providers": [{{"url": "{EKS_ISS}", "client_ids": ["sts.amazonaws.com"]}}]}}"#),
    )
    .unwrap();
    std::fs::write(
        dir.join("jwks.json"),
        r#"{"keys": [{"kty": "RSA", "kid": "k1", "alg": "RS256", "n": "AQAB", "e": "AQAB"}]}"#,
    )
    .unwrap();
    let mut args: Vec<std::ffi::OsString> = [
        "sts",
        "assume-role-with-web-identity",
        "--role-arn",
        "arn:aws:iam::111122223333:role/payments-api",
        "--now",
        "1750000000",
        "--policy",
    ]
    .iter()
    .map(Into::into)
    .collect();
    args.push(examples().join("irsa-single-service-account.json").into());
    for (flag, file) in [
        ("--token", "token.jwt"),
        ("--providers", "providers.json"),
        ("--jwks", "jwks.json"),
    ] {
        args.push(flag.into());
        args.push(dir.join(file).into());
    }
    args
}

/// A token with `sub` twice, through every command that reads tokens:
/// refused (InvalidIdentityToken) with the member named and neither value
/// shown; before, sts said success, inspect showed the last `sub` and eval
/// said Allow.
#[test]
fn tokens_with_a_repeated_sub() {
    let dir = tempfile::tempdir().unwrap();
    let token = raw_token(TOKEN_HEADER, &two_subs());
    let run = run_bounded(&sts_args(dir.path(), &token), Feed::Null);
    run.assert_bounded(1, SMALL_OUTPUT, SMALL_RSS_MIB)
        .says("InvalidIdentityToken")
        .says("member `sub` appears more than once in the token claims");
    eprintln!("sts, two sub: {}", run.figures());
    for (label, args, feed) in [
        (
            "inspect arg",
            vec!["token", "inspect", token.as_str()],
            Feed::Null,
        ),
        (
            "inspect stdin",
            vec!["token", "inspect", "-"],
            Feed::Bytes(token.clone().into_bytes()),
        ),
        (
            "inspect json",
            vec!["token", "inspect", token.as_str(), "--format", "json"],
            Feed::Null,
        ),
    ] {
        let run = run_bounded(&args, feed);
        run.assert_bounded(1, SMALL_OUTPUT, SMALL_RSS_MIB)
            .says("member `sub` appears more than once");
        assert!(
            !run.stdout.contains("kube-system") && !run.stdout.contains("payments:payments-api"),
            "{run:#?}"
        );
        eprintln!("{label}, two sub: {}", run.figures());
    }
    let policy = examples().join("irsa-single-service-account.json");
    for command in ["eval", "explain"] {
        let args: Vec<std::ffi::OsString> = vec![
            command.into(),
            "--account".into(),
            "111122223333".into(),
            "--token".into(),
            "-".into(),
            "--policy".into(),
            policy.clone().into(),
        ];
        let run = run_bounded(&args, Feed::Bytes(token.clone().into_bytes()));
        run.assert_bounded(2, SMALL_OUTPUT, SMALL_RSS_MIB)
            .stderr_has("InvalidIdentityToken")
            .stderr_has("member `sub` appears more than once");
        assert!(run.stdout.is_empty(), "{run:#?}");
        eprintln!("{command}, two sub: {}", run.figures());
    }
}

/// Two `aud`, `alg` twice (`none` first), a nested repeated tag, `crit`:
/// each refused by sts and inspect with the member or extension named.
#[test]
fn tokens_with_repeated_header_members_nested_duplicates_and_crit() {
    let claims = |extra: &str| {
        format!(
            r#"{{"iss":"{EKS_ISS}","sub":"s",{extra}"aud":"sts.amazonaws.com","exp":4102444800}}"#
        )
    };
    let cases = [
        (
            "two aud",
            raw_token(TOKEN_HEADER, &claims(r#""aud":"x","#)),
            "member `aud` appears more than once",
        ),
        (
            "alg none then RS256",
            raw_token(r#"{"alg":"none","alg":"RS256","kid":"k1"}"#, &claims("")),
            "member `alg` appears more than once in the token header",
        ),
        (
            "tag twice",
            raw_token(
                TOKEN_HEADER,
                &claims(
                    r#""https://aws.amazon.com/tags":{"principal_tags":{"t":["a"],"t":["b"]}},"#,
                ),
            ),
            "member `https://aws.amazon.com/tags.principal_tags.t` appears more than once",
        ),
        (
            "crit [exp]",
            raw_token(
                r#"{"alg":"RS256","kid":"k1","crit":["exp"],"exp":1}"#,
                &claims(""),
            ),
            "header `crit` requires extension(s) `exp`",
        ),
        (
            "crit []",
            raw_token(r#"{"alg":"RS256","kid":"k1","crit":[]}"#, &claims("")),
            "header `crit` is empty",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (label, token, said) in cases {
        let run = run_bounded(&sts_args(dir.path(), &token), Feed::Null);
        run.assert_bounded(1, SMALL_OUTPUT, SMALL_RSS_MIB)
            .says(said);
        eprintln!("sts, {label}: {}", run.figures());
        let run = run_bounded(&["token", "inspect", token.as_str()], Feed::Null);
        run.assert_bounded(1, SMALL_OUTPUT, SMALL_RSS_MIB)
            .says(said);
        eprintln!("inspect, {label}: {}", run.figures());
    }
}

/// Tokens built to make messages or memory grow, each just under the
/// 64 KiB token input limit: a 24,000-character member name given twice,
/// 5,000 `crit` names, 47 KiB of claims whose last member repeats the
/// first, claims nested 20,000 deep, and a 25,000-character token (over
/// STS's 20,000; inspect used to accept it); then a 1 MiB token, over the
/// input limit. Output stays a few lines, memory bounded.
#[test]
fn tokens_built_to_grow_output_or_memory() {
    let dir = tempfile::tempdir().unwrap();
    let long = "n".repeat(24_000);
    let many_crit = format!(
        r#"{{"alg":"RS256","crit":[{}]}}"#,
        (0..5_000)
            .map(|i| format!("\"c{i}\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    let mut big = String::from(r#"{"iss":"https://i.example.com","m0":0"#);
    let mut i = 1;
    while big.len() < 47 * 1024 {
        big.push_str(&format!(r#","m{i}":{i}"#));
        i += 1;
    }
    big.push_str(r#","m0":1}"#);
    let deep_claims = format!(r#"{{"x":{}{}}}"#, "[".repeat(20_000), "]".repeat(20_000));
    let mut padded = String::from(
        r#"{"iss":"https://i.example.com","sub":"s","aud":"a","exp":4102444800,"p":""#,
    );
    padded.push_str(&"x".repeat(19_000));
    padded.push_str("\"}");
    let mut huge = String::from(r#"{"p":""#);
    huge.push_str(&"x".repeat(1024 * 1024));
    huge.push_str("\"}");
    // (label, token, eval's exit, what eval says)
    let cases = [
        (
            "24,000-character name twice",
            raw_token(TOKEN_HEADER, &format!(r#"{{"{long}":1,"{long}":2}}"#)),
            2,
            "appears more than once",
        ),
        (
            "5,000 crit names",
            raw_token(&many_crit, "{}"),
            2,
            "and 4995 more",
        ),
        (
            "47 KiB claims, first member repeated last",
            raw_token(TOKEN_HEADER, &big),
            2,
            "member `m0` appears more than once",
        ),
        (
            "claims nested 20,000 deep",
            raw_token(TOKEN_HEADER, &deep_claims),
            2,
            "recursion limit exceeded",
        ),
        (
            "25,000-character token",
            raw_token(TOKEN_HEADER, &padded),
            1,
            "ImplicitDeny",
        ),
        (
            "1 MiB token",
            raw_token(TOKEN_HEADER, &huge),
            2,
            "limit for a token",
        ),
    ];
    let policy = examples().join("irsa-single-service-account.json");
    for (label, token, eval_code, said) in cases {
        let path = dir.path().join("t.jwt");
        std::fs::write(&path, &token).unwrap();
        // eval has no STS parameter limit, only the input limit.
        let args: Vec<std::ffi::OsString> = vec![
            "eval".into(),
            "--account".into(),
            "111122223333".into(),
            "--token".into(),
            path.clone().into(),
            "--policy".into(),
            policy.clone().into(),
        ];
        let run = run_bounded(&args, Feed::Null);
        run.assert_bounded(eval_code, SMALL_OUTPUT, SMALL_RSS_MIB)
            .says(said);
        eprintln!("eval, {label} ({} B): {}", token.len(), run.figures());
        // inspect applies STS's limit first: every one of these is over
        // 20,000 characters (the 1 MiB one stops at the input limit).
        let run = run_bounded(
            &[
                std::ffi::OsString::from("token"),
                "inspect".into(),
                path.into(),
            ],
            Feed::Null,
        );
        if token.len() > 64 * 1024 {
            run.assert_bounded(2, SMALL_OUTPUT, SMALL_RSS_MIB)
                .says("limit for a token");
        } else {
            run.assert_bounded(1, SMALL_OUTPUT, SMALL_RSS_MIB)
                .says("refused: ValidationError: 1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000");
        }
        eprintln!("inspect, {label}: {}", run.figures());
    }
}

/// A JWKS whose key names its `kid` twice, and an issuer mirror whose
/// discovery document names another issuer: neither verifies the token.
#[test]
fn key_sets_with_repeated_members_or_another_issuer() {
    let dir = tempfile::tempdir().unwrap();
    let token = raw_token(
        TOKEN_HEADER,
        &format!(r#"{{"iss":"{EKS_ISS}","sub":"s","aud":"sts.amazonaws.com","exp":4102444800}}"#),
    );
    let args = sts_args(dir.path(), &token);
    std::fs::write(
        dir.path().join("jwks.json"),
        r#"{"keys": [{"kty": "RSA", "kid": "other", "kid": "k1", "alg": "RS256", "n": "AQAB", "e": "AQAB"}]}"#,
    )
    .unwrap();
    let run = run_bounded(&args, Feed::Null);
    run.assert_bounded(2, SMALL_OUTPUT, SMALL_RSS_MIB)
        .stderr_has("duplicate member `keys[0].kid`");
    eprintln!("sts, jwks kid twice: {}", run.figures());
    let mirror = dir.path().join("mirror");
    std::fs::create_dir_all(mirror.join(".well-known")).unwrap();
    std::fs::write(
        mirror.join(".well-known/openid-configuration"),
        r#"{"issuer": "https://token.actions.githubusercontent.com", "jwks_uri": "https://token.actions.githubusercontent.com/keys"}"#,
    )
    .unwrap();
    std::fs::write(
        mirror.join("keys"),
        r#"{"keys": [{"kty": "RSA", "kid": "k1", "alg": "RS256", "n": "AQAB", "e": "AQAB"}]}"#,
    )
    .unwrap();
    let mut args = args;
    let last = args.len() - 1;
    args[last] = mirror.into();
    let run = run_bounded(&args, Feed::Null);
    run.assert_bounded(1, SMALL_OUTPUT, SMALL_RSS_MIB)
        .says("is a mirror of issuer `https://token.actions.githubusercontent.com`");
    eprintln!("sts, mirror of another issuer: {}", run.figures());
}

// --- outputs ---

/// Output allowed for text that summarises many findings: tens of snippets.
const SUMMARY_OUTPUT: u64 = 64 * 1024;

/// A one-line policy of 0.96 MB: 20,000 statements with `"Principal": "*"`
/// and a non-STS action, 40,001 findings for `check` and 60,001 for `audit`.
/// Text shows 10 findings per rule, each snippet cut around its caret, and
/// counts the rest (it echoed the whole line per finding: 38 GB). (JSON and
/// SARIF keep every finding; their figures are in TESTING.md.)
#[test]
fn many_findings_on_one_long_line_give_bounded_output() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many.json");
    let statement = r#"{"Effect":"Allow","Principal":"*","Action":"x"}"#;
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        vec![statement; 20_000].join(",")
    );
    assert!(policy.len() > 950_000 && policy.len() < 1024 * 1024);
    std::fs::write(&path, &policy).unwrap();
    let path = path.display().to_string();
    // (audit exits 2: IAM would refuse a non-STS action, TP-INVALID-POLICY.)
    for (command, rule, code) in [
        ("check", "TPV-ACTION-NOT-STS", 1),
        ("audit", "TP-PRINCIPAL-STAR-NO-COND", 2),
    ] {
        let run = run_bounded(&[command, &path], Feed::Null);
        run.assert_bounded(code, SUMMARY_OUTPUT, SMALL_RSS_MIB)
            .says(&format!("… and 19990 more {rule} findings in {path}\n"));
        assert_eq!(run.stdout.matches(&format!("[{rule}]")).count(), 10);
        assert!(run.stdout.lines().all(|l| l.chars().count() < 600));
    }
}

/// A 0.99 MB one-line policy whose syntax error is at its last column: the
/// snippet is the window before the caret, not the line.
#[test]
fn an_error_at_the_end_of_a_long_line_is_shown_in_a_window() {
    let mut policy = format!(r#"{{"Version":"2012-10-17",{}"#, " ".repeat(1_000_000));
    policy.push('!');
    let run = run_bounded(&["check", "-"], Feed::Bytes(policy.into_bytes()));
    run.assert_bounded(2, SMALL_OUTPUT, SMALL_RSS_MIB)
        .says("<stdin>:1:1000025: error")
        .says("1 | …");
}

/// A 200 MB one-line file: `check` refuses it by size; `audit` (whose limit
/// is 256 MiB) reads it and reports the policy too large, with line 1 shown
/// as 240 characters. Memory is the input's size, output a few lines.
#[test]
fn a_200_mb_one_line_file_gives_a_few_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.json");
    let mut text = br#"{"Version":"2012-10-17","Statement":["#.to_vec();
    text.resize(200_000_000, b'x');
    text.extend_from_slice(b"]}");
    std::fs::write(&path, text).unwrap();
    let path = path.display().to_string();
    run_bounded(&["check", &path], Feed::Null)
        .assert_bounded(2, SMALL_OUTPUT, SMALL_RSS_MIB)
        .says("larger than the 1048576-byte limit");
    let run = run_bounded(&["audit", &path], Feed::Null);
    run.assert_bounded(2, SMALL_OUTPUT, 3 * 200)
        .says("over the limit of 1048576 bytes")
        .says("xxx…\n");
}

// --- audit cost ---

/// One `StringLike` condition with 12,000 values. The audit checked every
/// sampled subject against every value in turn, quadratic in the values
/// (20,000 values: 115 s in a release build). Each entry's values are now one
/// set (hash set or `PatternSet`), one lookup per subject (20,000 values:
/// 1.5 s in release). In a debug build this case takes about 6 s; the old
/// code is killed by the harness at 20 s.
#[test]
fn many_string_like_values_are_audited_in_bounded_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("many-values.json");
    let values: Vec<String> = (0..12_000)
        .map(|i| format!("\"repo:octo-org/repo{i}:*\""))
        .collect();
    const GH: &str = "token.actions.githubusercontent.com";
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",
        "Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/{GH}"}},
        "Action":"sts:AssumeRoleWithWebIdentity","Condition":{{
        "StringEquals":{{"{GH}:aud":"sts.amazonaws.com"}},
        "StringLike":{{"{GH}:sub":[{}]}}}}}}]}}"#,
        values.join(",")
    );
    std::fs::write(&path, policy).unwrap();
    let path = path.display().to_string();
    let run = run_bounded(&["audit", &path], Feed::Null);
    run.assert_bounded(1, SMALL_OUTPUT, 256)
        .says("[TP-GHA-ANY-REF]")
        .says("audited 1 policy");
}
