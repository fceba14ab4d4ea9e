//! The `entente` command line: parses arguments and calls the library.

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use entente::ingest::{self, Event, IngestError, IngestOptions, Summary};
use entente_store::Store;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod serve;

/// Extraction makes many small strings, vectors and JSON values per sentence:
/// mimalloc serves them faster than the system allocator (`BENCHMARKS.md`).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Entente: a temporal, cited knowledge base of international agreements
/// and relations, built from a folder of documents.
#[derive(Debug, Parser)]
#[command(name = "entente", version, about)]
struct Cli {
    /// The database file [default: entente.db in the current folder].
    #[arg(long, global = true, env = "ENTENTE_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Ingest files and folders (recursively): .txt .md .html .htm .xml.
    Ingest {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// `json` makes the last line of stdout one JSON summary object.
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// List current documents: id, source path, title.
    Docs,
    /// Show one document's blocks with their spans.
    Doc {
        /// A document id or a unique prefix of one.
        id: String,
    },
    /// Ingest the bundled sample corpus into a fresh in-memory database (or
    /// into --db / ENTENTE_DB when given) and show what is there.
    Demo,
    /// Export the knowledge base.
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Facts)]
        format: ExportFormat,
        /// Write to this file instead of stdout (`csv`: the folder to write).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// `timeline`: the pair of polities, `A,B`.
        #[arg(long, value_name = "A,B")]
        dyad: Option<String>,
        /// `timeline`: one agreement, by name or id.
        #[arg(long, value_name = "NAME_OR_ID")]
        agreement: Option<String>,
    },
    /// List the merged agreements.
    Agreements,
    /// Show one agreement, by id or name, with its citations.
    Show {
        #[arg(value_name = "NAME_OR_ID")]
        query: String,
    },
    /// Full-text search over the blocks of current documents.
    Search {
        /// An FTS5 query: words, "a phrase", a OR b, prefix*.
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = entente::query::Format::Table)]
        format: entente::query::Format,
    },
    /// The state of the system at DATE: agreements in force, spheres, alignments.
    Asof {
        /// A day, YYYY-MM-DD.
        #[arg(value_parser = entente::query::parse_date)]
        date: i32,
        /// Only what the public could know at DATE.
        #[arg(long)]
        public: bool,
        #[arg(long, value_enum, default_value_t = entente::query::Format::Table)]
        format: entente::query::Format,
    },
    /// The dossier of a pair of polities (names, adjectives, ISO3 or COW codes).
    Dyad {
        a: String,
        b: String,
        #[arg(long, value_enum, default_value_t = entente::query::Format::Table)]
        format: entente::query::Format,
    },
    /// Spheres of influence at a date.
    Spheres {
        /// A day, YYYY-MM-DD.
        #[arg(long, value_parser = entente::query::parse_date)]
        at: i32,
        /// Only what the public could know at the date.
        #[arg(long)]
        public: bool,
        #[arg(long, value_enum, default_value_t = entente::query::Format::Table)]
        format: entente::query::Format,
    },
    /// The network of agreements in force at a date.
    Network {
        /// A day, YYYY-MM-DD.
        #[arg(long, value_parser = entente::query::parse_date)]
        at: i32,
        #[arg(long, value_enum, default_value_t = entente::query::Format::Table)]
        format: entente::query::Format,
    },
    /// Every disagreement between sources, with all of them.
    Conflicts {
        #[arg(long, value_enum, default_value_t = entente::query::Format::Table)]
        format: entente::query::Format,
    },
    /// Serve the web UI and the HTTP JSON API (read-only unless --writable).
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
        addr: std::net::SocketAddr,
        /// Accept uploads (`POST /api/documents?path=NAME`).
        #[arg(long)]
        writable: bool,
    },
    /// Evaluations.
    Eval {
        #[command(subcommand)]
        what: EvalCommand,
    },
    /// Benchmark helpers.
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// Write a deterministic synthetic corpus (every format) of about SIZE.
    Gen {
        /// How much to write: 10MB, 1GB, 512MiB (decimal units are SI).
        #[arg(long, value_parser = entente::gen::parse_size, value_name = "SIZE")]
        size: u64,
        /// The folder to write into (created if needed).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The seed: the same seed and size give byte-identical files.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[derive(Debug, Subcommand)]
enum EvalCommand {
    /// Recall of the recogniser against the inline TEI tags.
    Mentions {
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ExportFormat {
    /// The facts interchange format (`../shared/eval/FORMAT.md`).
    Facts,
    /// CSV tables (agreements, parties, provisions, events, indicators) into the folder -o DIR.
    Csv,
    /// COW/ATOP-style directed dyad-year CSV.
    DyadYear,
    /// GEXF 1.3 (dynamic) for Gephi.
    Gexf,
    /// TimelineJS3 JSON for --dyad A,B or --agreement NAME.
    Timeline,
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // `entente docs | head` closes the pipe early: that is not an error.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn open(db: Option<&Path>) -> anyhow::Result<Store> {
    let path = db.unwrap_or(Path::new("entente.db"));
    Store::open(path).with_context(|| format!("opening database {}", path.display()))
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let db = cli.db.as_deref();
    let code = match cli.command {
        Command::Ingest { paths, format } => {
            let mut store = open(db)?;
            let code = run_ingest(&mut store, &paths, format, &mut out)?;
            out.flush()?;
            code
        }
        Command::Docs => {
            entente::listing::print_docs(&open(db)?, &mut out)?;
            ExitCode::SUCCESS
        }
        Command::Doc { id } => {
            entente::listing::print_doc(&open(db)?, &id, &mut out)?;
            ExitCode::SUCCESS
        }
        Command::Demo => {
            let mut store = match db {
                Some(_) => open(db)?,
                None => Store::memory().context("creating an in-memory database")?,
            };
            let summary = entente::demo::run(&mut store, &mut out, &mut std::io::stderr().lock())?;
            failure_code(&summary)
        }
        Command::Export {
            format,
            output,
            dyad,
            agreement,
        } => {
            let store = open(db)?;
            match format {
                ExportFormat::Facts => match &output {
                    Some(path) => {
                        let file = std::fs::File::create(path)
                            .with_context(|| format!("creating {}", path.display()))?;
                        let mut w = std::io::BufWriter::new(file);
                        entente::kb::export_facts(&store, &mut w)?;
                        w.flush()
                            .with_context(|| format!("writing {}", path.display()))?;
                    }
                    None => entente::kb::export_facts(&store, &mut out)?,
                },
                ExportFormat::Csv
                | ExportFormat::DyadYear
                | ExportFormat::Gexf
                | ExportFormat::Timeline => {
                    let kind = match format {
                        ExportFormat::Csv => entente::query::ExportKind::Csv,
                        ExportFormat::DyadYear => entente::query::ExportKind::DyadYear,
                        ExportFormat::Gexf => entente::query::ExportKind::Gexf,
                        _ => entente::query::ExportKind::Timeline,
                    };
                    entente::query::export(
                        &store,
                        kind,
                        output.as_deref(),
                        dyad.as_deref(),
                        agreement.as_deref(),
                        &mut out,
                    )?;
                }
            }
            ExitCode::SUCCESS
        }
        Command::Agreements => {
            entente::kb::list_agreements(&open(db)?, &mut out)?;
            ExitCode::SUCCESS
        }
        Command::Show { query } => {
            entente::kb::show_agreement(&open(db)?, &query, &mut out)?;
            ExitCode::SUCCESS
        }
        Command::Search {
            query,
            limit,
            format,
        } => {
            entente::query::print_search(&open(db)?, &query, limit, format, &mut out)?;
            ExitCode::SUCCESS
        }
        Command::Asof {
            date,
            public,
            format,
        } => {
            entente::query::print_asof(&open(db)?, date, public, format, &mut out)?;
            ExitCode::SUCCESS
        }
        Command::Dyad { a, b, format } => {
            entente::query::print_dyad(&open(db)?, &a, &b, format, &mut out)?;
            ExitCode::SUCCESS
        }
        Command::Spheres { at, public, format } => {
            entente::query::print_spheres(&open(db)?, at, public, format, &mut out)?;
            ExitCode::SUCCESS
        }
        Command::Network { at, format } => {
            entente::query::print_network(&open(db)?, at, format, &mut out)?;
            ExitCode::SUCCESS
        }
        Command::Conflicts { format } => {
            entente::query::print_conflicts(&open(db)?, format, &mut out)?;
            ExitCode::SUCCESS
        }
        Command::Serve { addr, writable } => {
            serve::run(open(db)?, addr, writable)?;
            ExitCode::SUCCESS
        }
        Command::Eval {
            what: EvalCommand::Mentions { paths, format },
        } => {
            entente::eval::eval_mentions(&paths, format == OutputFormat::Json, &mut out)?;
            ExitCode::SUCCESS
        }
        Command::Bench {
            what:
                BenchCommand::Gen {
                    size,
                    out: dir,
                    seed,
                },
        } => {
            let opts = entente::gen::GenOptions { size, seed };
            let s = entente::gen::generate(&dir, &opts)
                .with_context(|| format!("generating a corpus in {}", dir.display()))?;
            writeln!(
                out,
                "wrote {} files, {} bytes to {}",
                s.files,
                s.bytes,
                dir.display()
            )?;
            ExitCode::SUCCESS
        }
    };
    out.flush().context("writing to stdout")?;
    Ok(code)
}

fn failure_code(summary: &Summary) -> ExitCode {
    if summary.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn run_ingest(
    store: &mut Store,
    paths: &[PathBuf],
    format: OutputFormat,
    out: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let opts = IngestOptions {
        progress: std::io::stderr().is_terminal(),
        ..IngestOptions::default()
    };
    let mut on_event = |e: Event<'_>| match e {
        Event::Failed(f) => eprintln!("error: {}", f.message),
        Event::Warning { path, message } => eprintln!("warning: {path}: {message}"),
        Event::Stored { path, id, outcome } => tracing::debug!(path, id, ?outcome, "stored"),
    };
    let summary = match ingest::ingest_paths(store, paths, &opts, &mut on_event) {
        Ok(summary) => summary,
        Err(IngestError::Partial { summary, .. }) => summary,
        Err(e) => return Err(e).context("ingest"),
    };
    match format {
        OutputFormat::Json => writeln!(out, "{}", serde_json::to_string(&summary)?)?,
        OutputFormat::Text => writeln!(out, "ingested {summary}")?,
    }
    Ok(failure_code(&summary))
}
