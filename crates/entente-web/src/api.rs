//! The JSON API. Every answer is built by the query crate's functions and
//! serialised by the same `Serialize` impls the CLI's `--format json` uses,
//! so the two always agree.

use crate::{App, WebError};
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use entente_extract::facts::PolityRef;
use entente_query::dyad::agreement_entries;
use entente_query::polities::resolve;
use entente_query::time::{parse_day, Day};
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// The OpenAPI document, written by hand and compiled in.
pub(crate) const OPENAPI: &str = include_str!("../../../data/web/openapi.json");

/// Query parameters, with a malformed query string answered as 400 JSON.
pub(crate) type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

pub(crate) fn params(p: Params) -> Result<HashMap<String, String>, WebError> {
    p.map(|Query(m)| m)
        .map_err(|e| WebError::BadRequest(format!("bad query string: {e}")))
}

pub(crate) fn path_param(p: Result<Path<String>, PathRejection>) -> Result<String, WebError> {
    p.map(|Path(s)| s)
        .map_err(|e| WebError::BadRequest(format!("bad path: {e}")))
}

fn required<'a>(m: &'a HashMap<String, String>, name: &str) -> Result<&'a str, WebError> {
    m.get(name)
        .map(String::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| WebError::BadRequest(format!("missing parameter {name:?}")))
}

/// A query date parameter: a full day `YYYY-MM-DD`.
pub(crate) fn day_param(m: &HashMap<String, String>, name: &str) -> Result<Day, WebError> {
    let s = required(m, name)?;
    parse_day(s).map_err(|e| WebError::BadRequest(format!("{name}: {e}")))
}

/// A boolean flag: absent, empty, `true/false`, `1/0`, `yes/no`, `on/off`.
pub(crate) fn flag(m: &HashMap<String, String>, name: &str) -> Result<bool, WebError> {
    match m
        .get(name)
        .map(|s| s.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("") | Some("false") | Some("0") | Some("no") | Some("off") => Ok(false),
        Some("true") | Some("1") | Some("yes") | Some("on") => Ok(true),
        Some(other) => Err(WebError::BadRequest(format!(
            "{name}: not a boolean: {other:?}"
        ))),
    }
}

pub(crate) fn polity(kb: &entente_query::KnowledgeBase, s: &str) -> Result<PolityRef, WebError> {
    resolve(kb, s).ok_or_else(|| WebError::NotFound(format!("unknown polity: {s:?}")))
}

pub(crate) async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// One row of `/api/agreements`.
#[derive(Debug, Serialize)]
pub(crate) struct AgreementRow<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'a str,
    aliases: &'a [String],
    signed: Option<&'a str>,
    ended: Option<&'a str>,
    place: Option<&'a str>,
    parties: &'a [PolityRef],
    secret_provisions: bool,
    conflicts: usize,
    facts: usize,
}

pub(crate) async fn agreements(State(app): State<App>) -> Response {
    let snap = app.snapshot();
    let base = snap.base();
    let rows: Vec<AgreementRow<'_>> = snap
        .kb()
        .agreements
        .iter()
        .zip(&base.prepared)
        .map(|(a, p)| AgreementRow {
            id: &a.id,
            name: &a.name,
            kind: p.kind,
            aliases: &a.aliases,
            signed: a.signed.as_deref(),
            ended: a.ended.as_deref(),
            place: a.place.as_deref(),
            parties: &a.parties,
            secret_provisions: a.secret_provisions,
            conflicts: a.conflicts.len(),
            facts: a.facts.len(),
        })
        .collect();
    Json(rows).into_response()
}

pub(crate) async fn agreement(
    State(app): State<App>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, WebError> {
    let id = path_param(id)?;
    let snap = app.snapshot();
    let base = snap.base();
    let Some((i, a)) = find_agreement(snap.kb(), &id) else {
        return Err(WebError::NotFound(format!("no agreement matches {id:?}")));
    };
    let kind = base.prepared.get(i).map_or("agreement", |p| p.kind);
    Ok(Json(json!({
        "agreement": a,
        "kind": kind,
        "provisions": base.provisions(i),
        "lifecycle": agreement_entries(a, kind),
    }))
    .into_response())
}

/// The agreement with this id, else the best match by name, with its index.
pub(crate) fn find_agreement<'a>(
    kb: &'a entente_query::KnowledgeBase,
    q: &str,
) -> Option<(usize, &'a entente_extract::resolve::Agreement)> {
    let a = kb.find(q)?;
    let i = kb.agreements.iter().position(|x| x.id == a.id)?;
    Some((i, a))
}

pub(crate) async fn asof(State(app): State<App>, p: Params) -> Result<Response, WebError> {
    let m = params(p)?;
    let day = day_param(&m, "date")?;
    let public = flag(&m, "public")?;
    let snap = app.snapshot();
    Ok(Json(snap.base().asof(day, public)).into_response())
}

pub(crate) async fn spheres(State(app): State<App>, p: Params) -> Result<Response, WebError> {
    let m = params(p)?;
    let day = day_param(&m, "at")?;
    let public = flag(&m, "public")?;
    let snap = app.snapshot();
    Ok(Json(snap.base().spheres(day, public)).into_response())
}

pub(crate) async fn network(State(app): State<App>, p: Params) -> Result<Response, WebError> {
    let m = params(p)?;
    let day = day_param(&m, "at")?;
    let snap = app.snapshot();
    Ok(Json(snap.base().network(day)).into_response())
}

pub(crate) async fn dyad(State(app): State<App>, p: Params) -> Result<Response, WebError> {
    let m = params(p)?;
    let (a, b) = (required(&m, "a")?, required(&m, "b")?);
    let snap = app.snapshot();
    let (pa, pb) = (polity(snap.kb(), a)?, polity(snap.kb(), b)?);
    Ok(Json(snap.base().dyad(&pa, &pb)).into_response())
}

pub(crate) async fn conflicts(State(app): State<App>) -> Response {
    let snap = app.snapshot();
    Json(snap.base().conflicts()).into_response()
}

/// One passage of `/api/search`, in the shape `entente search --format
/// json` prints (`docs/query-json.md`): built by `entente_query::search`
/// for both.
pub(crate) use entente_query::search::Passage;

/// Runs a full-text search in the store: passages best first.
pub(crate) async fn run_search(
    app: &App,
    q: String,
    limit: usize,
) -> Result<Vec<Passage>, WebError> {
    app.with_store(move |store| {
        let hits = store.search(&q, limit)?;
        entente_query::search::passages(
            hits.iter().map(|h| entente_query::search::Hit {
                doc: &h.doc,
                block: h.block,
                span: [h.span.start, h.span.end],
                rank: h.rank,
            }),
            |doc| -> Result<_, WebError> {
                let (path, text) = store
                    .document(doc)?
                    .map(|d| (d.info.path, d.doc.text))
                    .unwrap_or_default();
                let claims = store.claims(doc)?;
                Ok(entente_query::search::PassageSource { path, text, claims })
            },
        )
    })
    .await
}

/// The `limit` parameter: 1 to 200, 20 when absent.
pub(crate) fn limit_param(m: &HashMap<String, String>) -> Result<usize, WebError> {
    match m.get("limit").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => Ok(20),
        Some(s) => s
            .parse::<usize>()
            .map(|n| n.clamp(1, 200))
            .map_err(|_| WebError::BadRequest(format!("limit: not a number: {s:?}"))),
    }
}

pub(crate) async fn search(State(app): State<App>, p: Params) -> Result<Response, WebError> {
    let m = params(p)?;
    let q = required(&m, "q")?.to_string();
    let limit = limit_param(&m)?;
    Ok(Json(run_search(&app, q, limit).await?).into_response())
}

/// One row of `/api/documents`.
#[derive(Debug, Serialize)]
struct DocRow<'a> {
    id: &'a str,
    path: &'a str,
    title: Option<&'a str>,
    format: &'a str,
    bytes: u64,
    sentences: u64,
    mentions: u64,
    claims: u64,
}

pub(crate) async fn documents(State(app): State<App>) -> Response {
    let snap = app.snapshot();
    let rows: Vec<DocRow<'_>> = snap
        .docs
        .iter()
        .map(|d| DocRow {
            id: &d.id,
            path: &d.path,
            title: d.title.as_deref(),
            format: d.format.as_str(),
            bytes: d.bytes,
            sentences: d.counts.sentences,
            mentions: d.counts.mentions,
            claims: d.counts.claims,
        })
        .collect();
    Json(rows).into_response()
}

pub(crate) async fn document(
    State(app): State<App>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, WebError> {
    let id = path_param(id)?;
    let doc = app
        .with_store(move |store| {
            store
                .document(&id)?
                .ok_or_else(|| WebError::NotFound(format!("no document {id:?}")))
        })
        .await?;
    Ok(Json(json!({
        "id": doc.info.id,
        "path": doc.info.path,
        "title": doc.info.title,
        "format": doc.info.format.as_str(),
        "text": doc.doc.text,
        "sentences": doc.sentences,
        "mentions": doc.mentions,
        "claims": doc.claims,
    }))
    .into_response())
}

/// `POST /api/documents?path=NAME` with the file as the body (writable
/// servers only).
pub(crate) async fn upload(
    State(app): State<App>,
    p: Params,
    body: Bytes,
) -> Result<Response, WebError> {
    let m = params(p)?;
    let path = required(&m, "path")?.to_string();
    let summary = app.ingest(path, body.to_vec()).await?;
    Ok(Json(summary).into_response())
}
