//! Errors of the web layer and how they become HTTP responses.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use entente_store::StoreError;

/// An error from a hook the embedding program supplies (loading the
/// knowledge base, ingesting a document): the web crate only reports it.
pub type HookError = Box<dyn std::error::Error + Send + Sync>;

/// Why a request or the start of the server failed. Client mistakes map to
/// 4xx statuses; only faults of the server itself are 500s.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// A parameter is missing or malformed (a date that is not a day, a
    /// limit that is not a number, a full-text query SQLite cannot parse).
    #[error("{0}")]
    BadRequest(String),
    /// The id, name or path names nothing.
    #[error("{0}")]
    NotFound(String),
    /// The method is not allowed here (the server is read-only by default).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The store failed on something that is not the client's fault.
    #[error("store: {0}")]
    Store(#[source] StoreError),
    /// Building the knowledge base from the store failed.
    #[error("loading the knowledge base: {0}")]
    Load(#[source] HookError),
    /// Ingesting an uploaded document failed.
    #[error("ingesting {path}: {source}")]
    Ingest {
        path: String,
        #[source]
        source: HookError,
    },
    /// A worker thread died or a lock was poisoned by an earlier panic.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> WebError {
        match e {
            // A full-text query is client input: its syntax errors are the
            // client's to fix.
            StoreError::Search { .. } => WebError::BadRequest(e.to_string()),
            StoreError::NotFound { .. } => WebError::NotFound(e.to_string()),
            StoreError::Ambiguous { .. } => WebError::BadRequest(e.to_string()),
            other => WebError::Store(other),
        }
    }
}

impl WebError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::BadRequest(_) | WebError::Ingest { .. } => StatusCode::BAD_REQUEST,
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            WebError::Store(_) | WebError::Load(_) | WebError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        (
            status,
            Json(serde_json::json!({ "error": self.to_string() })),
        )
            .into_response()
    }
}
