//! Helpers shared by the CLI integration tests.
#![allow(
    dead_code,
    reason = "each test binary uses its own subset of these shared helpers"
)]

use assert_cmd::Command;

/// The bundled `examples/` directory.
pub fn examples() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// The `rolecall` binary, with colour off.
pub fn rolecall() -> Command {
    let mut cmd = Command::cargo_bin("rolecall").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}

/// What to give a [`run_bounded`] child on standard input.
pub enum Feed {
    /// Nothing: standard input is `/dev/null`.
    Null,
    /// These bytes, written from a thread (a child that stops reading early
    /// makes the write fail, which is ignored).
    Bytes(Vec<u8>),
    /// This file opened for reading (`/dev/zero`, a FIFO, a big file).
    File(std::path::PathBuf),
}

/// How one [`run_bounded`] run ended.
#[derive(Debug)]
pub struct Bounded {
    /// The exit code; `None` when the child was killed (by the timeout or a signal).
    pub code: Option<i32>,
    /// Whether the timeout killed the child.
    pub timed_out: bool,
    /// Bytes the child wrote to stdout, counted to the end.
    pub stdout_len: u64,
    /// Bytes the child wrote to stderr, counted to the end.
    pub stderr_len: u64,
    /// The first [`CAPTURE`] bytes of stdout.
    pub stdout: String,
    /// The first [`CAPTURE`] bytes of stderr.
    pub stderr: String,
    /// The child's peak resident set size in KiB (the largest `VmHWM` seen
    /// while polling; see [`run_bounded_in`]); `None` where `/proc` is absent
    /// or the child ended before the first poll.
    pub peak_rss_kib: Option<u64>,
    /// Wall time from spawn to exit.
    pub elapsed: std::time::Duration,
}

/// How much of each output stream [`run_bounded`] keeps (the rest is only counted).
pub const CAPTURE: usize = 64 * 1024;
/// How long a [`run_bounded`] child may run before it is killed.
pub const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

impl Bounded {
    /// Asserts the exit code, that the run ended by itself, that stdout and
    /// stderr together stayed under `max_output` bytes and, where the peak
    /// RSS could be read, that it stayed under `max_rss_mib` MiB.
    pub fn assert_bounded(&self, code: i32, max_output: u64, max_rss_mib: u64) -> &Self {
        assert!(!self.timed_out, "killed after {TIMEOUT:?}: {self:#?}");
        assert_eq!(self.code, Some(code), "exit code: {self:#?}");
        let out = self.stdout_len + self.stderr_len;
        assert!(
            out <= max_output,
            "{out} bytes of output > {max_output}: {self:#?}"
        );
        if let Some(kib) = self.peak_rss_kib {
            assert!(
                kib < max_rss_mib * 1024,
                "peak RSS {kib} KiB >= {max_rss_mib} MiB: {self:#?}"
            );
        }
        self
    }

    /// Asserts stderr (its captured prefix) contains `needle`.
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}: {self:#?}"
        );
        self
    }

    /// Asserts stdout or stderr (their captured prefixes) contains `needle`
    /// (diagnostics of `check` and `audit` go to stdout, errors to stderr).
    pub fn says(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle) || self.stderr.contains(needle),
            "output lacks {needle:?}: {self:#?}"
        );
        self
    }

    /// One row of TESTING.md's "Hostile inputs" table: exit, output bytes, peak RSS.
    pub fn figures(&self) -> String {
        let rss = self
            .peak_rss_kib
            .map_or("?".to_owned(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
        format!(
            "exit {:?}, {} B out + {} B err, peak RSS {rss}, {:?}",
            self.code, self.stdout_len, self.stderr_len, self.elapsed
        )
    }
}

/// Runs the built `rolecall` binary with `args` and `stdin`, in the current
/// directory; see [`run_bounded_in`].
pub fn run_bounded<S: AsRef<std::ffi::OsStr>>(args: &[S], stdin: Feed) -> Bounded {
    run_bounded_in(None, args, stdin)
}

/// Runs the built `rolecall` binary (colour off) with `args` and `stdin`,
/// in `dir` when given; kills it after [`TIMEOUT`]; keeps the first
/// [`CAPTURE`] bytes of stdout and stderr and counts the rest (both drained
/// by threads, so a child writing without end neither blocks nor fills
/// memory).
///
/// Peak memory: `/proc/<pid>/status`'s `VmHWM` (the kernel's high-water mark
/// of the resident set) is read every half millisecond while the child runs and
/// the largest value kept. Chosen over `getrusage(RUSAGE_CHILDREN)`, which is
/// the maximum over every child this test process has reaped, so tests
/// running in parallel (and earlier cases) would pollute each other's figure;
/// and over `wait4`'s per-child rusage, which needs `unsafe` or an unmaintained
/// crate. The cost: memory taken in the last millisecond before exit can be
/// missed, so the figure is a lower bound, and a child that exits before the
/// first poll has none; the runaway cases these tests guard against (reading
/// `/dev/zero` whole) grow for far longer than that: faulting in 64 MiB
/// alone takes several milliseconds. Where `/proc` is absent (not Linux) the
/// figure is `None` and not asserted.
pub fn run_bounded_in<S: AsRef<std::ffi::OsStr>>(
    dir: Option<&std::path::Path>,
    args: &[S],
    stdin: Feed,
) -> Bounded {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rolecall"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    let mut bytes = None;
    match stdin {
        Feed::Null => {
            cmd.stdin(Stdio::null());
        }
        Feed::Bytes(b) => {
            cmd.stdin(Stdio::piped());
            bytes = Some(b);
        }
        Feed::File(path) => {
            let file = std::fs::File::open(&path)
                .unwrap_or_else(|e| panic!("cannot open {}: {e}", path.display()));
            cmd.stdin(Stdio::from(file));
        }
    }
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn rolecall");
    let feeder = bytes.map(|b| {
        let mut pipe = child.stdin.take().expect("piped stdin");
        std::thread::spawn(move || {
            let _ = pipe.write_all(&b);
        })
    });
    fn drain(mut r: impl Read + Send + 'static) -> std::thread::JoinHandle<(Vec<u8>, u64)> {
        std::thread::spawn(move || {
            let mut kept = Vec::new();
            let mut total = 0u64;
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match r.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        total += n as u64;
                        let room = CAPTURE.saturating_sub(kept.len()).min(n);
                        kept.extend_from_slice(&buf[..room]);
                    }
                }
            }
            (kept, total)
        })
    }
    let out = drain(child.stdout.take().expect("piped stdout"));
    let err = drain(child.stderr.take().expect("piped stderr"));

    let status_path = format!("/proc/{}/status", child.id());
    let mut peak: Option<u64> = None;
    let mut timed_out = false;
    let status = loop {
        // Read before try_wait: once reaped, the pid may belong to another process.
        if let Some(kib) = std::fs::read_to_string(&status_path)
            .ok()
            .and_then(|s| vm_hwm_kib(&s))
        {
            peak = Some(peak.map_or(kib, |p| p.max(kib)));
        }
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait after kill");
        }
        std::thread::sleep(Duration::from_micros(500));
    };
    let elapsed = start.elapsed();
    if let Some(f) = feeder {
        let _ = f.join();
    }
    let (stdout, stdout_len) = out.join().expect("stdout drain");
    let (stderr, stderr_len) = err.join().expect("stderr drain");
    let run = Bounded {
        code: status.code(),
        timed_out,
        stdout_len,
        stderr_len,
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
        peak_rss_kib: peak,
        elapsed,
    };
    // Shown with `--nocapture`: the figures for TESTING.md's table.
    let shown: Vec<_> = args.iter().map(|a| a.as_ref().to_string_lossy()).collect();
    eprintln!("rolecall {}: {}", shown.join(" "), run.figures());
    run
}

/// The `VmHWM:` figure (KiB) of a `/proc/<pid>/status` text; absent once
/// the process has exited (a zombie has no memory map).
fn vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
