//! The shared fixture: the bundled sample corpus ingested once into a
//! SQLite file, and an [`App`] over it; helpers that send requests to the
//! real router and print full context when a check fails.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use entente::ingest::{ingest_bytes, IngestOptions};
use entente_store::Store;
use entente_web::{App, HookError, Hooks, Options};
use std::path::PathBuf;
use std::sync::OnceLock;
use tower::ServiceExt;

/// The database file and the app serving it, built once per test binary.
pub struct Fixture {
    pub db: PathBuf,
    pub app: App,
    _dir: tempfile::TempDir,
}

pub fn load_hook() -> Box<entente_web::LoadFn> {
    Box::new(|store: &Store| entente::query::load_kb(store).map_err(HookError::from))
}

pub fn ingest_hook() -> Box<entente_web::IngestFn> {
    Box::new(|store: &mut Store, path: &str, bytes: &[u8]| {
        let mut ignore = |_: entente::ingest::Event<'_>| {};
        let summary = ingest_bytes(
            store,
            &[(path, bytes)],
            &IngestOptions::default(),
            &mut ignore,
        )
        .map_err(HookError::from)?;
        Ok(serde_json::to_value(&summary)?)
    })
}

pub fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("web.db");
        let mut store = Store::open(&db).unwrap();
        let mut ignore = |_: entente::ingest::Event<'_>| {};
        let summary = ingest_bytes(
            &mut store,
            entente::demo::corpus(),
            &IngestOptions::default(),
            &mut ignore,
        )
        .unwrap();
        assert_eq!(summary.failed, 0, "{summary:?}");
        drop(store);
        let store = Store::open(&db).unwrap();
        let hooks = Hooks {
            load: load_hook(),
            ingest: None,
        };
        let app = App::new(store, hooks, Options::default()).unwrap();
        Fixture { db, app, _dir: dir }
    })
}

/// A response as the tests look at it.
#[derive(Debug)]
pub struct Reply {
    pub method: String,
    pub uri: String,
    pub status: StatusCode,
    pub content_type: String,
    pub body: String,
}

impl Reply {
    /// The body as JSON; fails with the whole exchange shown.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} {}: body is not JSON ({e}):\n{}",
                self.method, self.uri, self.body
            )
        })
    }

    /// Asserts the status, printing the exchange when it differs.
    pub fn expect(&self, status: u16) -> &Reply {
        assert_eq!(
            self.status.as_u16(),
            status,
            "{} {} gave {} ({}):\n{}",
            self.method,
            self.uri,
            self.status,
            self.content_type,
            excerpt(&self.body)
        );
        self
    }

    /// Asserts the status and that the body is a JSON error object.
    pub fn expect_error(&self, status: u16) -> String {
        self.expect(status);
        assert!(
            self.content_type.starts_with("application/json"),
            "{self:?}"
        );
        let v = self.json();
        v["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error message: {v}"))
            .to_string()
    }
}

fn excerpt(s: &str) -> &str {
    let mut end = s.len().min(2000);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

/// Sends one request to the app's router.
pub async fn send(app: &App, method: &str, uri: &str, body: Vec<u8>) -> Reply {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .body(Body::from(body))
        .unwrap();
    let res = app.router().oneshot(req).await.unwrap();
    let status = res.status();
    let content_type = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    Reply {
        method: method.to_string(),
        uri: uri.to_string(),
        status,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub async fn get(uri: &str) -> Reply {
    send(&fixture().app, "GET", uri, Vec::new()).await
}
