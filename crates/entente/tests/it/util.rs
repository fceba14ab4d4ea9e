//! Running the real `entente` binary, with full context on failure.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

/// The path of the binary under test.
pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_entente"))
}

/// A command for the binary, run in `cwd`, with `ENTENTE_DB` unset so the
/// caller's environment cannot leak in.
pub fn command(cwd: &Path) -> Command {
    let mut c = Command::new(bin());
    c.current_dir(cwd)
        .env_remove("ENTENTE_DB")
        .env_remove("RUST_LOG");
    c
}

/// What one run printed, kept whole so a failing assertion can show it.
#[derive(Debug)]
pub struct Run {
    pub cmd: String,
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Runs `cmd` to completion.
    pub fn of(mut cmd: Command) -> Run {
        let shown = format!("{cmd:?}");
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run {shown}: {e}"));
        Run {
            cmd: shown,
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Everything about the run, for failure messages.
    pub fn context(&self) -> String {
        format!(
            "command: {}\nstatus: {}\n--- stdout ---\n{}\n--- stderr ---\n{}--- end ---",
            self.cmd, self.status, self.stdout, self.stderr
        )
    }

    /// Panics with `what` and the full context unless `cond` holds.
    #[track_caller]
    pub fn check(&self, cond: bool, what: &str) {
        if !cond {
            panic!("{what}\n{}", self.context());
        }
    }

    /// Asserts the run succeeded.
    #[track_caller]
    pub fn ok(&self) -> &Run {
        self.check(self.status.success(), "expected success");
        self.no_panic();
        self
    }

    /// Asserts nothing panicked.
    #[track_caller]
    pub fn no_panic(&self) {
        self.check(
            !self.stderr.contains("panicked") && !self.stderr.contains("RUST_BACKTRACE"),
            "panic text in stderr",
        );
    }

    /// The JSON object on the last line of stdout (`--format json`).
    #[track_caller]
    pub fn summary(&self) -> serde_json::Value {
        let last = self.stdout.lines().last().unwrap_or("");
        match serde_json::from_str::<serde_json::Value>(last) {
            Ok(v) if v.is_object() => v,
            _ => panic!("last stdout line is not a JSON object\n{}", self.context()),
        }
    }

    /// A number from the JSON summary.
    #[track_caller]
    pub fn count(&self, key: &str) -> u64 {
        match self.summary().get(key).and_then(|v| v.as_u64()) {
            Some(n) => n,
            None => panic!("summary has no count {key:?}\n{}", self.context()),
        }
    }

    /// The stderr lines starting with `error:`.
    pub fn error_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("error:"))
            .collect()
    }
}

/// Runs `entente --db DB ARGS...` in `cwd`.
pub fn entente(cwd: &Path, db: &Path, args: &[&str]) -> Run {
    let mut c = command(cwd);
    c.arg("--db").arg(db).args(args);
    Run::of(c)
}

/// `entente --db DB ingest PATH --format json`.
pub fn ingest(cwd: &Path, db: &Path, path: &Path) -> Run {
    let mut c = command(cwd);
    c.arg("--db")
        .arg(db)
        .arg("ingest")
        .arg(path)
        .args(["--format", "json"]);
    Run::of(c)
}

/// The `docs` listing as (id, path, title) rows.
#[track_caller]
pub fn docs(cwd: &Path, db: &Path) -> Vec<(String, String, String)> {
    let run = entente(cwd, db, &["docs"]);
    run.ok();
    run.stdout
        .lines()
        .map(|l| {
            let mut parts = l.splitn(3, '\t');
            let mut next = || parts.next().unwrap_or("").to_string();
            (next(), next(), next())
        })
        .collect()
}

/// Writes `text` to `dir/name`, creating folders.
pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("mkdir {parent:?}: {e}"));
    }
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {path:?}: {e}"));
    path
}

/// A paragraph of our own words, different for each `i`, for generated
/// corpora.
pub fn paragraph(i: usize) -> String {
    format!(
        "Record {i}. The harbour board of district {d} met on a grey morning and \
         agreed to share the cost of dredging channel {c} with its neighbour. \
         The minutes note that {n} barges passed the lock that week, and that \
         the lighthouse keeper asked for a new lamp.\n\n",
        d = i % 97,
        c = i % 13,
        n = (i * 7) % 50
    )
}
