//! The ingest pipeline: walk the inputs, hash every file, skip the ones the
//! store already holds, read + recognise + extract the rest in parallel, and
//! write them through one writer, in batches of documents (one savepoint per
//! document, one commit per batch: see [`entente_store::Batch`]).
//!
//! ```text
//! walk ─► jobs ─► rayon: read, hash, (known? skip) parse, derive ─► bounded channel ─► writer (Store)
//! ```
//!
//! The channel is bounded so that at most a few parsed documents wait in
//! memory, whatever the size of the corpus. A bad file costs one
//! [`Event::Failed`] and the run goes on; the run then ends in
//! [`IngestError::Partial`] carrying the [`Summary`].

use crate::derive::derive;
use entente_source::{document_id, Format};
use entente_store::{BatchLimits, IngestItem, Outcome, Store, StoreError};
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, RecvTimeoutError};
use std::time::Instant;

/// How to run an ingest.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Draw a progress bar on stderr (the CLI asks for it only when stderr is
    /// a terminal).
    pub progress: bool,
    /// How many derived documents may wait for the writer.
    pub queue: usize,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            progress: false,
            queue: 2 * rayon::current_num_threads().max(1),
        }
    }
}

/// The counts of one run. Serialises to exactly the JSON summary line of
/// `entente ingest --format json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Summary {
    /// Files considered (supported files under the inputs, explicit file
    /// arguments, and entries the walk could not enter).
    pub files: u64,
    /// Documents written, new versions included.
    pub new: u64,
    pub unchanged: u64,
    pub failed: u64,
    /// Bytes of the files read.
    pub bytes: u64,
    pub seconds: f64,
    /// Of `new`, how many replaced an older version of the same path.
    #[serde(skip)]
    pub new_versions: u64,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} files: {} new ({} new versions), {} unchanged, {} failed; {} bytes in {:.2} s",
            self.files,
            self.new,
            self.new_versions,
            self.unchanged,
            self.failed,
            self.bytes,
            self.seconds
        )
    }
}

/// One file that could not be ingested.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The file as the walk named it.
    pub path: String,
    /// One line that names the file (and line:column for XML).
    pub message: String,
}

/// What an ingest reports as it goes, in the writer's order.
#[derive(Debug)]
pub enum Event<'a> {
    /// A file could not be ingested; `message` names it.
    Failed(&'a Failure),
    /// A file was read, with a problem worth telling (a legacy encoding).
    Warning { path: &'a str, message: &'a str },
    /// A document was stored or found unchanged.
    Stored {
        path: &'a str,
        id: &'a str,
        outcome: &'a Outcome,
    },
}

/// Why an ingest did not fully succeed.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// Some files failed; every other file was ingested.
    #[error("{} of {} files could not be ingested", summary.failed, summary.files)]
    Partial {
        summary: Summary,
        failures: Vec<Failure>,
    },
    /// The store itself failed before the run could start.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One unit of work.
#[derive(Debug)]
enum Job<'a> {
    File(PathBuf),
    Bytes {
        name: &'a str,
        bytes: &'a [u8],
    },
    /// The walk could not enter this entry (a symlink loop, no permission).
    Unreachable(Failure),
}

/// What a worker hands the writer.
#[derive(Debug)]
enum Msg {
    Parsed {
        shown: String,
        item: Box<IngestItem>,
        warnings: Vec<String>,
    },
    Known {
        bytes: u64,
    },
    Failed(Failure),
}

/// Ingests every supported file (`.txt .md .html .htm .xml`) under `paths`,
/// recursively, following symlinks but never around a loop. A path named
/// explicitly is tried whatever its extension.
pub fn ingest_paths(
    store: &mut Store,
    paths: &[PathBuf],
    opts: &IngestOptions,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Summary, IngestError> {
    let mut jobs = Vec::new();
    for root in paths {
        walk(root, &mut jobs);
    }
    run(store, jobs, opts, on_event)
}

/// Ingests in-memory files, `(path, bytes)`: the embedded sample corpus, or
/// tests. The path chooses the reader and names the document.
pub fn ingest_bytes(
    store: &mut Store,
    files: &[(&str, &[u8])],
    opts: &IngestOptions,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Summary, IngestError> {
    let jobs = files
        .iter()
        .map(|&(name, bytes)| Job::Bytes { name, bytes })
        .collect();
    run(store, jobs, opts, on_event)
}

fn walk(root: &Path, jobs: &mut Vec<Job<'_>>) {
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(e) => {
                if e.file_type().is_dir() {
                    continue;
                }
                if e.depth() == 0 || Format::from_path(e.path()).is_some() {
                    jobs.push(Job::File(e.into_path()));
                }
            }
            Err(err) => {
                let path = err.path().unwrap_or(root).display().to_string();
                let message = if let Some(ancestor) = err.loop_ancestor() {
                    format!(
                        "{path}: symlink loop (leads back to {}), not followed",
                        ancestor.display()
                    )
                } else if let Some(io) = err.io_error() {
                    format!("{path}: {io}")
                } else {
                    format!("{path}: {err}")
                };
                jobs.push(Job::Unreachable(Failure { path, message }));
            }
        }
    }
}

fn run(
    store: &mut Store,
    jobs: Vec<Job<'_>>,
    opts: &IngestOptions,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Summary, IngestError> {
    let start = Instant::now();
    // Hash-then-skip needs the ids up front; a set of 32-byte strings is
    // small next to the documents themselves.
    let known = store.current_ids()?;
    let bar = progress_bar(opts.progress, jobs.len());
    let (tx, rx) = sync_channel::<Msg>(opts.queue.max(1));
    let mut tally = Tally {
        summary: Summary::default(),
        failures: Vec::new(),
        held: Vec::new(),
        bar: &bar,
        on_event,
    };

    std::thread::scope(|s| {
        let known = &known;
        s.spawn(move || {
            jobs.into_par_iter().for_each_with(tx, |tx, job| {
                // A send fails only once the writer has gone; nothing to do.
                let _ = tx.send(process(job, known));
            });
        });

        // Documents are written in batches (see `entente_store::Batch`),
        // and events are held until their batch commits: `Stored` is only
        // said of a committed document, and events keep the writer's order.
        let mut batch = store.batch(BatchLimits::default());
        loop {
            // While a batch is open, wait no longer than its age limit, so
            // that slow documents do not keep it (and the write lock) open.
            let msg = match batch.time_left() {
                Some(left) => match rx.recv_timeout(left) {
                    Ok(msg) => Some(msg),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => break,
                },
                None => match rx.recv() {
                    Ok(msg) => Some(msg),
                    Err(_) => break,
                },
            };
            let timed_out = msg.is_none();
            if let Some(msg) = msg {
                tally.summary.files += 1;
                match msg {
                    Msg::Known { bytes } => {
                        tally.summary.unchanged += 1;
                        tally.summary.bytes += bytes;
                    }
                    Msg::Failed(failure) => tally.held.push(Held::Failed(failure)),
                    Msg::Parsed {
                        shown,
                        item,
                        warnings,
                    } => {
                        for message in warnings {
                            tally.held.push(Held::Warning {
                                path: shown.clone(),
                                message,
                            });
                        }
                        let t = Instant::now();
                        let stored = batch.ingest(&item);
                        tracing::debug!(path = %shown, ms = t.elapsed().as_millis(), "stored");
                        tally.held.push(match stored {
                            Ok(outcome) => Held::Stored {
                                path: shown,
                                id: item.id.clone(),
                                outcome,
                                bytes: item.bytes_len,
                            },
                            Err(e) => Held::Failed(Failure {
                                message: one_line(&format!("{shown}: cannot store: {e}")),
                                path: shown,
                            }),
                        });
                    }
                }
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
            }
            if timed_out || batch.is_full() {
                let committed = batch.commit();
                tally.release(committed.as_ref().err());
            } else if !batch.is_pending() {
                tally.release(None);
            }
        }
        let committed = batch.commit();
        tally.release(committed.as_ref().err());
    });

    let Tally {
        mut summary,
        failures,
        ..
    } = tally;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    summary.seconds = start.elapsed().as_secs_f64();
    if failures.is_empty() {
        Ok(summary)
    } else {
        Err(IngestError::Partial { summary, failures })
    }
}

/// An event held until the batch it belongs to is committed.
#[derive(Debug)]
enum Held {
    Warning {
        path: String,
        message: String,
    },
    Failed(Failure),
    Stored {
        path: String,
        id: String,
        outcome: Outcome,
        bytes: u64,
    },
}

/// The writer's counts, failures and held events.
struct Tally<'b, 'e> {
    summary: Summary,
    failures: Vec<Failure>,
    held: Vec<Held>,
    bar: &'b Option<indicatif::ProgressBar>,
    on_event: &'e mut dyn FnMut(Event<'_>),
}

impl Tally<'_, '_> {
    fn report(&mut self, event: Event<'_>) {
        let on_event = &mut self.on_event;
        match self.bar {
            Some(bar) => bar.suspend(|| on_event(event)),
            None => on_event(event),
        }
    }

    fn fail(&mut self, failure: Failure) {
        self.summary.failed += 1;
        self.report(Event::Failed(&failure));
        self.failures.push(failure);
    }

    /// Counts and reports the held events, in order, once their batch is
    /// settled: `lost` is why its commit failed, if it did. The documents
    /// of a lost batch are failures (a later run stores them), and so is a
    /// duplicate found unchanged only because its twin was in that batch.
    fn release(&mut self, lost: Option<&StoreError>) {
        let held = std::mem::take(&mut self.held);
        let lost_ids: HashSet<String> = match lost {
            Some(_) => held
                .iter()
                .filter_map(|h| match h {
                    Held::Stored { id, outcome, .. } if *outcome != Outcome::Unchanged => {
                        Some(id.clone())
                    }
                    _ => None,
                })
                .collect(),
            None => HashSet::new(),
        };
        for h in held {
            match h {
                Held::Warning { path, message } => self.report(Event::Warning {
                    path: &path,
                    message: &message,
                }),
                Held::Failed(failure) => self.fail(failure),
                Held::Stored { path, id, .. } if lost_ids.contains(&id) => {
                    let e = lost.map(|e| e.to_string()).unwrap_or_default();
                    self.fail(Failure {
                        message: one_line(&format!("{path}: cannot store: {e}")),
                        path,
                    });
                }
                Held::Stored {
                    path,
                    id,
                    outcome,
                    bytes,
                } => {
                    self.summary.bytes += bytes;
                    match outcome {
                        Outcome::New => self.summary.new += 1,
                        Outcome::NewVersion { .. } => {
                            self.summary.new += 1;
                            self.summary.new_versions += 1;
                        }
                        Outcome::Unchanged => self.summary.unchanged += 1,
                    }
                    self.report(Event::Stored {
                        path: &path,
                        id: &id,
                        outcome: &outcome,
                    });
                }
            }
        }
    }
}

fn progress_bar(enabled: bool, len: usize) -> Option<indicatif::ProgressBar> {
    if !enabled {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(u64::try_from(len).unwrap_or(u64::MAX)),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} files ({per_sec})",
    ) {
        bar.set_style(style);
    }
    Some(bar)
}

/// Error messages become single lines: one bad file, one line on stderr.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// On the first new document of the process, compiles the extraction
/// rules on a thread of their own (`entente_extract::prepare`), so that
/// half of the pattern compilation overlaps the other half, done by the
/// first document's extraction: a small ingest is mostly that start-up.
/// A run that only finds known documents compiles nothing.
fn prepare_in_background() {
    static STARTED: std::sync::Once = std::sync::Once::new();
    STARTED.call_once(|| {
        // If no thread can be made, extraction compiles the rules itself.
        let _ = std::thread::Builder::new()
            .name("entente-prepare".into())
            .spawn(entente_extract::prepare);
    });
}

/// Runs on a worker: read, hash, and (unless known) parse and derive.
fn process(job: Job<'_>, known: &std::collections::HashSet<String>) -> Msg {
    let from_disk = matches!(job, Job::File(_));
    let (shown, path, bytes): (String, PathBuf, Cow<'_, [u8]>) = match job {
        Job::Unreachable(f) => {
            return Msg::Failed(Failure {
                message: one_line(&f.message),
                path: f.path,
            })
        }
        Job::Bytes { name, bytes } => (name.to_string(), PathBuf::from(name), bytes.into()),
        Job::File(path) => {
            let shown = path.display().to_string();
            match std::fs::read(&path) {
                // Canonicalised below, once the file is known to be new.
                Ok(bytes) => (shown, path, bytes.into()),
                Err(e) => {
                    return Msg::Failed(Failure {
                        message: one_line(&format!("{shown}: cannot read: {e}")),
                        path: shown,
                    })
                }
            }
        }
    };
    let bytes_len = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    let id = document_id(&bytes);
    if known.contains(&id) {
        return Msg::Known { bytes: bytes_len };
    }
    prepare_in_background();
    // Versions are tracked per file, so the key must not depend on the
    // folder the command ran from. Only new files pay for it (a few
    // syscalls per path component): an unchanged file needs just its hash.
    // In-memory names stay as they are.
    let path = if from_disk {
        std::fs::canonicalize(&path).unwrap_or(path)
    } else {
        path
    };
    // Recognition and extraction are other crates' code: a bug there must
    // cost one file, not the run (and not the documents already queued).
    let t = Instant::now();
    let parsed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // The shown path names the file in errors, as the user typed it.
        let shown = Path::new(&shown);
        match bytes {
            // Handing the buffer over lets the reader reuse it as the text
            // of a UTF-8 file: a huge file is then held once, not twice.
            Cow::Owned(bytes) => entente_source::read_owned(shown, bytes),
            Cow::Borrowed(bytes) => entente_source::read_bytes(shown, bytes),
        }
    }));
    let doc = match parsed {
        Ok(Ok(doc)) => doc,
        Ok(Err(e)) => {
            return Msg::Failed(Failure {
                message: one_line(&e.to_string()),
                path: shown,
            })
        }
        Err(_) => {
            return Msg::Failed(Failure {
                message: format!("{shown}: internal error while reading (a bug: please report it)"),
                path: shown,
            })
        }
    };
    tracing::debug!(path = %shown, ms = t.elapsed().as_millis(), "read");
    let t = Instant::now();
    let derived = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| derive(&id, &doc)))
    {
        Ok(d) => d,
        Err(_) => {
            return Msg::Failed(Failure {
                message: format!(
                    "{shown}: internal error while recognising (a bug: please report it)"
                ),
                path: shown,
            })
        }
    };
    tracing::debug!(path = %shown, ms = t.elapsed().as_millis(), "derived");
    let warnings = doc.warnings.iter().map(|w| one_line(w)).collect();
    Msg::Parsed {
        shown,
        warnings,
        item: Box::new(IngestItem {
            id,
            path: path.to_string_lossy().into_owned(),
            bytes_len,
            doc,
            sentences: derived.sentences,
            mentions: derived.mentions,
            claims: derived.claims,
        }),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn summary_json_has_exactly_the_documented_keys() {
        let s = Summary {
            files: 3,
            new: 1,
            unchanged: 1,
            failed: 1,
            bytes: 10,
            seconds: 0.5,
            new_versions: 1,
        };
        let v: serde_json::Value = serde_json::to_value(&s).unwrap();
        let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            ["bytes", "failed", "files", "new", "seconds", "unchanged"]
        );
    }

    /// Releases `held` as a batch settled with `lost`, and returns the
    /// events reported, in order, with the counts.
    fn settle(held: Vec<Held>, lost: Option<&StoreError>) -> (Vec<String>, Summary, usize) {
        let bar = None;
        let mut seen = Vec::new();
        let mut on_event = |e: Event<'_>| {
            seen.push(match e {
                Event::Failed(f) => format!("failed {}", f.message),
                Event::Warning { path, message } => format!("warning {path}: {message}"),
                Event::Stored { path, outcome, .. } => format!("stored {path} {outcome:?}"),
            })
        };
        let mut tally = Tally {
            summary: Summary::default(),
            failures: Vec::new(),
            held,
            bar: &bar,
            on_event: &mut on_event,
        };
        tally.release(lost);
        assert!(tally.held.is_empty());
        let (summary, failures) = (tally.summary.clone(), tally.failures.len());
        drop(tally);
        (seen, summary, failures)
    }

    fn held_batch() -> Vec<Held> {
        let stored = |path: &str, id: &str, outcome: Outcome| Held::Stored {
            path: path.into(),
            id: id.into(),
            outcome,
            bytes: 10,
        };
        vec![
            Held::Warning {
                path: "a.txt".into(),
                message: "decoded as windows-1252".into(),
            },
            stored("a.txt", "id-a", Outcome::New),
            Held::Failed(Failure {
                path: "b.xml".into(),
                message: "b.xml: 3:1: unclosed tag".into(),
            }),
            // The same content as a.txt, found in this very batch.
            stored("copy-of-a.txt", "id-a", Outcome::Unchanged),
            // Content stored by an earlier run.
            stored("old.txt", "id-old", Outcome::Unchanged),
            stored(
                "c.txt",
                "id-c",
                Outcome::NewVersion {
                    superseded: vec!["id-c0".into()],
                },
            ),
        ]
    }

    #[test]
    fn a_committed_batch_reports_its_events_in_order() {
        let (seen, summary, failures) = settle(held_batch(), None);
        assert_eq!(
            seen,
            [
                "warning a.txt: decoded as windows-1252",
                "stored a.txt New",
                "failed b.xml: 3:1: unclosed tag",
                "stored copy-of-a.txt Unchanged",
                "stored old.txt Unchanged",
                r#"stored c.txt NewVersion { superseded: ["id-c0"] }"#,
            ]
        );
        assert_eq!(
            (summary.new, summary.new_versions, summary.unchanged),
            (2, 1, 2)
        );
        assert_eq!((summary.failed, failures), (1, 1));
        assert_eq!(summary.bytes, 40);
    }

    #[test]
    fn a_lost_batch_reports_its_new_documents_as_failures() {
        let lost = StoreError::BatchLost {
            documents: 2,
            reason: "disk full".into(),
        };
        let (seen, summary, failures) = settle(held_batch(), Some(&lost));
        assert_eq!(seen.len(), 6);
        assert_eq!(seen[0], "warning a.txt: decoded as windows-1252");
        assert!(
            seen[1].starts_with("failed a.txt: cannot store:") && seen[1].contains("disk full"),
            "{seen:?}"
        );
        assert_eq!(seen[2], "failed b.xml: 3:1: unclosed tag");
        assert!(seen[3].starts_with("failed copy-of-a.txt: cannot store:"));
        assert_eq!(seen[4], "stored old.txt Unchanged");
        assert!(seen[5].starts_with("failed c.txt: cannot store:"));
        assert_eq!((summary.new, summary.unchanged, summary.bytes), (0, 1, 10));
        assert_eq!((summary.failed, failures), (4, 4));
    }

    #[test]
    fn messages_are_single_lines() {
        assert_eq!(one_line("a\nb\r\nc"), "a b  c");
    }

    #[test]
    fn a_missing_input_is_one_failure() {
        let mut store = Store::memory().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nowhere");
        let mut seen = Vec::new();
        let r = ingest_paths(
            &mut store,
            &[missing],
            &IngestOptions::default(),
            &mut |e| {
                if let Event::Failed(f) = e {
                    seen.push(f.message.clone());
                }
            },
        );
        match r {
            Err(IngestError::Partial { summary, failures }) => {
                assert_eq!(summary.failed, 1);
                assert_eq!(summary.files, 1);
                assert_eq!(failures.len(), 1);
            }
            other => panic!("expected Partial, got {other:?}"),
        }
        assert_eq!(seen.len(), 1);
        assert!(seen[0].contains("nowhere"), "{seen:?}");
    }
}
