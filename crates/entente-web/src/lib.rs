//! The Entente HTTP JSON API and its server-rendered web UI.
//!
//! The knowledge base is built once when the server starts (and again after
//! each upload when the server is writable) and every query is answered from
//! memory; only full-text search and document text go to the store, through
//! one connection behind a mutex on tokio's blocking pool, since a SQLite
//! connection cannot be shared between threads.
//!
//! The crate does not depend on the `entente` pipeline crate (which depends on
//! this one for `entente serve`): the caller hands in how to build the
//! knowledge base and, for a writable server, how to ingest a file.
//!
//! ```no_run
//! # async fn run(store: entente_store::Store) -> Result<(), Box<dyn std::error::Error>> {
//! use entente_web::{App, Hooks, Options};
//! let hooks = Hooks {
//!     load: Box::new(|_store| Ok(Default::default())),
//!     ingest: None,
//! };
//! let app = App::new(store, hooks, Options::default())?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! entente_web::serve(listener, app).await?;
//! # Ok(()) }
//! ```

mod api;
mod error;
mod pages;
mod regions;
mod svg;

pub use error::{HookError, WebError};

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use entente_extract::resolve::KnowledgeBase;
use entente_query::time::{Day, DayRange};
use entente_query::Base;
use entente_store::{DocInfo, Store};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// Builds the knowledge base from the store.
pub type LoadFn = dyn Fn(&Store) -> Result<KnowledgeBase, HookError> + Send + Sync;

/// Ingests one file `(path, bytes)` into the store and returns a JSON summary.
pub type IngestFn =
    dyn Fn(&mut Store, &str, &[u8]) -> Result<serde_json::Value, HookError> + Send + Sync;

/// What the embedding program supplies: the pipeline steps this crate does
/// not own.
pub struct Hooks {
    /// Builds the merged knowledge base of every current document.
    pub load: Box<LoadFn>,
    /// Ingests an uploaded file; `None` keeps the server read-only whatever
    /// [`Options::writable`] says.
    pub ingest: Option<Box<IngestFn>>,
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hooks")
            .field("ingest", &self.ingest.is_some())
            .finish_non_exhaustive()
    }
}

/// Server settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// Accept `POST /api/documents` uploads. Off by default: the server is
    /// read-only and answers every method but GET and HEAD with 405.
    pub writable: bool,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// How long one request may take before it is answered with 408.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            writable: false,
            body_limit: 4 << 20,
            timeout: Duration::from_secs(10),
        }
    }
}

self_cell::self_cell!(
    /// The knowledge base with its query index ([`Base`]), which borrows
    /// it: prepared once per build rather than once per request, since
    /// preparing dominates the cost of a small query.
    pub(crate) struct Prepared {
        owner: KnowledgeBase,
        #[covariant]
        dependent: Base,
    }
    impl {Debug}
);

/// What one build of the knowledge base gives the handlers.
#[derive(Debug)]
pub(crate) struct Snapshot {
    prepared: Prepared,
    pub docs: Vec<DocInfo>,
    /// `(document, quoted sentence)` → byte offset of the sentence, so a
    /// citation (which carries only its quote) can link to its place.
    pub sentence_at: HashMap<(String, String), usize>,
    /// The days the as-of slider spans.
    pub days: (Day, Day),
}

/// The shared state of a running server. Cheap to clone.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Mutex<Store>,
    snapshot: RwLock<Arc<Snapshot>>,
    hooks: Hooks,
    options: Options,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

/// Collapses runs of whitespace, as citations quote sentences.
pub(crate) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn build_snapshot(store: &Store, hooks: &Hooks) -> Result<Snapshot, WebError> {
    let kb = (hooks.load)(store).map_err(WebError::Load)?;
    let docs = store.documents()?;
    let mut sentence_at = HashMap::new();
    for (info, claims) in store.all_claims()? {
        let Some(doc) = store.document(&info.id)? else {
            continue;
        };
        for c in &claims {
            let s = c.source.sentence;
            if let Some(text) = doc.doc.text.get(s.start..s.end) {
                sentence_at
                    .entry((info.id.clone(), collapse(text)))
                    .or_insert(s.start);
            }
        }
    }
    Ok(Snapshot {
        days: day_span(&kb),
        prepared: Prepared::new(kb, |kb| Base::new(kb)),
        docs,
        sentence_at,
    })
}

impl Snapshot {
    /// The merged knowledge base.
    pub(crate) fn kb(&self) -> &KnowledgeBase {
        self.prepared.borrow_owner()
    }

    /// The knowledge base prepared for temporal queries.
    pub(crate) fn base(&self) -> &Base<'_> {
        self.prepared.borrow_dependent()
    }
}

/// The days worth showing on the slider: from a year before the first dated
/// fact to a year after the last, or the twentieth century when nothing is
/// dated.
fn day_span(kb: &KnowledgeBase) -> (Day, Day) {
    let dates = kb
        .agreements
        .iter()
        .flat_map(|a| a.signed.iter().chain(a.ended.iter()))
        .chain(kb.events.iter().filter_map(|e| e.valid_time.as_ref()));
    let mut lo = Day::MAX;
    let mut hi = Day::MIN;
    for d in dates {
        if let Some(r) = DayRange::of_edtf(d) {
            // Open or unknown sides are sentinels: they must not stretch
            // the slider to the ends of time.
            for x in [r.earliest, r.latest] {
                if x != Day::MIN && x != Day::MAX {
                    lo = lo.min(x);
                    hi = hi.max(x);
                }
            }
        }
    }
    if lo > hi {
        // 1900-01-01 and 2000-12-31.
        return (-25_567, 11_322);
    }
    (lo.saturating_sub(365), hi.saturating_add(365))
}

impl App {
    /// Builds the knowledge base from `store` and prepares the server.
    pub fn new(store: Store, hooks: Hooks, options: Options) -> Result<App, WebError> {
        let snapshot = build_snapshot(&store, &hooks)?;
        Ok(App {
            inner: Arc::new(Inner {
                store: Mutex::new(store),
                snapshot: RwLock::new(Arc::new(snapshot)),
                hooks,
                options,
            }),
        })
    }

    /// The current build of the knowledge base.
    pub(crate) fn snapshot(&self) -> Arc<Snapshot> {
        match self.inner.snapshot.read() {
            Ok(g) => Arc::clone(&g),
            // A panic while swapping cannot leave a half-written Arc: the
            // value inside is still whole, so use it.
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Runs `f` with the store on the blocking pool.
    pub(crate) async fn with_store<T, F>(&self, f: F) -> Result<T, WebError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, WebError> + Send + 'static,
    {
        let app = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut store = app
                .inner
                .store
                .lock()
                .map_err(|_| WebError::Internal("the store lock is poisoned".into()))?;
            f(&mut store)
        })
        .await
        .map_err(|e| WebError::Internal(format!("store worker: {e}")))?
    }

    /// Ingests one file through the hook and rebuilds the knowledge base.
    pub(crate) async fn ingest(
        &self,
        path: String,
        bytes: Vec<u8>,
    ) -> Result<serde_json::Value, WebError> {
        let app = self.clone();
        self.with_store(move |store| {
            let Some(ingest) = app.inner.hooks.ingest.as_ref() else {
                return Err(WebError::MethodNotAllowed);
            };
            let summary = ingest(store, &path, &bytes).map_err(|source| WebError::Ingest {
                path: path.clone(),
                source,
            })?;
            let snap = build_snapshot(store, &app.inner.hooks)?;
            match app.inner.snapshot.write() {
                Ok(mut g) => *g = Arc::new(snap),
                Err(poisoned) => *poisoned.into_inner() = Arc::new(snap),
            }
            Ok(summary)
        })
        .await
    }

    /// Whether uploads are accepted.
    pub fn writable(&self) -> bool {
        self.inner.options.writable && self.inner.hooks.ingest.is_some()
    }

    /// The router: `/api/...` JSON endpoints and the HTML pages, with the
    /// body-size and time limits.
    pub fn router(&self) -> Router {
        let opts = &self.inner.options;
        let mut api = Router::new()
            .route("/api/openapi.json", get(api::openapi))
            .route("/api/agreements", get(api::agreements))
            .route("/api/agreements/{id}", get(api::agreement))
            .route("/api/asof", get(api::asof))
            .route("/api/dyad", get(api::dyad))
            .route("/api/spheres", get(api::spheres))
            .route("/api/network", get(api::network))
            .route("/api/conflicts", get(api::conflicts))
            .route("/api/search", get(api::search))
            .route("/api/documents/{id}", get(api::document));
        api = if self.writable() {
            api.route("/api/documents", get(api::documents).post(api::upload))
        } else {
            api.route("/api/documents", get(api::documents))
        };
        let pages = Router::new()
            .route("/", get(pages::home))
            .route("/agreements/{id}", get(pages::agreement))
            .route("/documents/{id}", get(pages::document))
            .route("/polities/{name}", get(pages::polity))
            .route("/dyad", get(pages::dyad))
            .route("/asof", get(pages::asof))
            .route("/search", get(pages::search));
        api.merge(pages)
            .fallback(fallback)
            .method_not_allowed_fallback(not_allowed)
            .layer(DefaultBodyLimit::max(opts.body_limit))
            .layer(RequestBodyLimitLayer::new(opts.body_limit))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                opts.timeout,
            ))
            .with_state(self.clone())
    }
}

async fn fallback(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") || uri.path() == "/api" {
        WebError::NotFound(format!("no such endpoint: {}", uri.path())).into_response()
    } else {
        pages::not_found(uri.path())
    }
}

async fn not_allowed() -> WebError {
    WebError::MethodNotAllowed
}

/// Serves `app` on `listener` until Ctrl-C.
pub async fn serve(listener: tokio::net::TcpListener, app: App) -> std::io::Result<()> {
    axum::serve(listener, app.router())
        .with_graceful_shutdown(async {
            // If the signal cannot be watched, serve until killed.
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
}
