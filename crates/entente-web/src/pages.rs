//! The server-rendered pages (maud templates, compiled in). Every polity
//! links to its dossier, every agreement to its page, every citation to its
//! sentence in its document (`/documents/{id}#s-{offset}`).

use crate::api::{self, day_param, find_agreement, flag, params, path_param, Params};
use crate::svg::{self, polity_colour, urlencode, Bar, Point};
use crate::{App, Snapshot, WebError};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use entente_extract::facts::PolityRef;
use entente_extract::resolve::Cited;
use entente_query::base::polity_key;
use entente_query::dyad::agreement_entries;
use entente_query::time::{format_day, DayRange, Tri};
use entente_recognise::MentionKind;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};

const CSS: &str = r#"
body{font-family:system-ui,sans-serif;margin:0;color:#1a202c;background:#fff}
header{background:#1a365d;color:#fff;padding:.6em 1.2em;display:flex;gap:1.2em;align-items:center;flex-wrap:wrap}
header a{color:#fff;text-decoration:none;font-weight:600}
header form{margin-left:auto}
main{padding:1em 1.5em;max-width:1100px}
a{color:#2b6cb0}
table{border-collapse:collapse;margin:.5em 0}
td,th{border-bottom:1px solid #e2e8f0;padding:.25em .6em;text-align:left;vertical-align:top}
.counts span{display:inline-block;margin-right:1.5em;font-size:1.1em}
.counts b{font-size:1.5em;display:block}
blockquote{margin:.2em 0 .2em 1em;padding-left:.6em;border-left:3px solid #cbd5e0;color:#4a5568}
.doctext{white-space:pre-wrap;line-height:1.55;max-width:80ch}
.claim{background:#fefcbf;border-radius:2px}
.claim.hl,.claim:target{background:#f6ad55;outline:2px solid #c05621}
mark.m,a.m{background:none;border-bottom:2px solid #a0aec0;color:inherit;text-decoration:none}
.m-polity{border-color:#3182ce!important}mark.m-date{border-color:#38a169}
mark.m-person{border-color:#805ad5}mark.m-place{border-color:#dd6b20}mark.m-agreement{border-color:#e53e3e}
.cols{display:flex;gap:1em;flex-wrap:wrap}.cols>div{flex:1;min-width:240px;border:1px solid #e2e8f0;padding:.5em}
svg{max-width:100%;height:auto;display:block}
svg.network,svg.map{max-width:640px;border:1px solid #e2e8f0}
.tri-yes{color:#276749}.tri-possibly{color:#b7791f}.tri-no{color:#9b2c2c}
.swatch{display:inline-block;width:.9em;height:.9em;margin:0 .3em 0 .6em;vertical-align:middle}
.facts li{margin-bottom:.3em}
#slider{width:100%;max-width:640px}
.muted{color:#718096;font-size:.9em}
"#;

/// The script of the document page: whichever sentence the URL's fragment
/// names is marked and scrolled to, on load and on every fact clicked.
const HIGHLIGHT_JS: &str = r#"
function entHighlight(){
  document.querySelectorAll('.claim.hl').forEach(function(e){e.classList.remove('hl')});
  var id=decodeURIComponent(location.hash.slice(1)); if(!id) return;
  var el=document.getElementById(id); if(!el) return;
  el.classList.add('hl');
  // After the browser's own jump to the fragment, which puts the sentence
  // at the very top: centre it instead.
  setTimeout(function(){el.scrollIntoView({block:'center'})},0);
}
window.addEventListener('hashchange',entHighlight);
window.addEventListener('load',entHighlight);
"#;

/// The script of the as-of page: the slider moves in days; letting go of
/// it (or picking a day) loads the state at that day.
const SLIDER_JS: &str = r#"
(function(){
  var s=document.getElementById('slider'), d=document.getElementById('date'), f=document.getElementById('asof-form');
  function iso(n){return new Date(n*86400000).toISOString().slice(0,10)}
  s.addEventListener('input',function(){d.value=iso(+s.value)});
  s.addEventListener('change',function(){d.value=iso(+s.value); f.submit()});
  d.addEventListener('change',function(){ if(d.value) f.submit() });
})();
"#;

/// An error shown as a page, with its status.
#[derive(Debug)]
pub(crate) struct PageError(WebError);

impl From<WebError> for PageError {
    fn from(e: WebError) -> PageError {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        if status.is_server_error() {
            tracing::error!(error = %self.0, "page failed");
        }
        let title = status.canonical_reason().unwrap_or("Error");
        (
            status,
            Html(
                layout(
                    title,
                    html! { h1 { (title) } p.error { (self.0.to_string()) } p { a href="/" { "Home" } } },
                )
                .into_string(),
            ),
        )
            .into_response()
    }
}

type PageResult = Result<Response, PageError>;

fn page(title: &str, body: Markup) -> PageResult {
    Ok(Html(layout(title, body).into_string()).into_response())
}

pub(crate) fn not_found(path: &str) -> Response {
    PageError(WebError::NotFound(format!("no page at {path}"))).into_response()
}

fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Entente" }
                style { (PreEscaped(CSS)) }
            }
            body {
                header {
                    a href="/" { "Entente" }
                    a href="/asof" { "As of" }
                    a href="/dyad" { "Dyad" }
                    a href="/api/openapi.json" { "API" }
                    form action="/search" method="get" {
                        input type="search" name="q" placeholder="Search the documents" aria-label="search";
                    }
                }
                main { (body) }
            }
        }
    }
}

fn polity_link(p: &PolityRef) -> Markup {
    html! {
        a.polity href=(format!("/polities/{}", urlencode(&p.name))) { (p.name) }
    }
}

fn polities(ps: &[PolityRef]) -> Markup {
    html! {
        @for (i, p) in ps.iter().enumerate() {
            @if i > 0 { ", " }
            (polity_link(p))
        }
    }
}

fn tri(t: Tri) -> Markup {
    html! { span class=(format!("tri-{t}")) { (t) } }
}

/// Where a citation's sentence is: its document, at the sentence when the
/// quote is found there.
fn cite_href(snap: &Snapshot, c: &Cited) -> String {
    match snap
        .sentence_at
        .get(&(c.doc.to_string(), c.quote.to_string()))
    {
        Some(start) => format!("/documents/{}#s-{start}", c.doc),
        None => format!("/documents/{}", c.doc),
    }
}

fn citation(snap: &Snapshot, c: &Cited) -> Markup {
    html! {
        blockquote {
            (c.quote) " "
            a.cite href=(cite_href(snap, c)) title=(format!("{} ({}, {:.2})", c.path, c.rule, c.confidence)) { "↗ " (c.path) }
        }
    }
}

/// A fact's value in words: its date, name or kind, else compact JSON.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) => {
            let mut parts = Vec::new();
            for k in [
                "kind",
                "name",
                "date",
                "office",
                "regions",
                "beneficiary",
                "value",
            ] {
                match m.get(k) {
                    Some(Value::String(s)) => parts.push(s.clone()),
                    Some(Value::Array(a)) => parts.push(
                        a.iter()
                            .filter_map(|x| x.as_str().map(str::to_string))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    Some(Value::Object(o)) => {
                        if let Some(n) = o.get("name").and_then(Value::as_str) {
                            parts.push(n.to_string());
                        }
                    }
                    Some(Value::Number(n)) => parts.push(n.to_string()),
                    _ => {}
                }
            }
            if m.get("secret").and_then(Value::as_bool) == Some(true) {
                parts.push("secret".into());
            }
            if parts.is_empty() {
                v.to_string()
            } else {
                parts.join(" · ")
            }
        }
        other => other.to_string(),
    }
}

fn default_day(snap: &Snapshot) -> i32 {
    snap.days.0 + (snap.days.1 - snap.days.0) / 2
}

pub(crate) async fn home(State(app): State<App>) -> PageResult {
    let snap = app.snapshot();
    let kb = snap.kb();
    let mut count: BTreeMap<String, (PolityRef, usize)> = BTreeMap::new();
    for a in &kb.agreements {
        for p in &a.parties {
            count
                .entry(polity_key(p))
                .or_insert_with(|| (p.clone(), 0))
                .1 += 1;
        }
    }
    let mut main: Vec<(PolityRef, usize)> = count.into_values().collect();
    main.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.name.cmp(&b.0.name)));
    main.truncate(16);
    page(
        "Home",
        html! {
            h1 { "Entente" }
            p.counts {
                span { b #n-documents { (snap.docs.len()) } "documents" }
                span { b #n-agreements { (kb.agreements.len()) } "agreements" }
                span { b { (kb.events.len()) } "events" }
                span { b { (kb.indicators.len()) } "indicators" }
                span { b { (kb.conflicts.len()) } "conflicts" }
            }
            form action="/search" method="get" {
                input #q type="search" name="q" placeholder="a word, \"a phrase\", a OR b" size="40";
                " " button type="submit" { "Search" }
            }
            p { a #asof-link href=(format!("/asof?date={}", format_day(default_day(&snap)))) { "The state of the system at a date →" } }
            h2 { "Main polities" }
            p.polities {
                @for (p, n) in &main {
                    span.swatch style=(format!("background:{}", polity_colour(p))) {}
                    (polity_link(p)) " (" (n) ")"
                }
            }
            h2 { "Agreements" }
            table #agreements {
                tr { th { "id" } th { "name" } th { "signed" } th { "ended" } th { "parties" } }
                @for a in &kb.agreements {
                    tr {
                        td { (a.id) }
                        td { a.agreement href=(format!("/agreements/{}", a.id)) { (a.name) }
                             @if a.secret_provisions { " " span.muted { "[secret]" } }
                             @if !a.conflicts.is_empty() { " " span.muted { "[conflict]" } } }
                        td { (a.signed.as_deref().unwrap_or("?")) }
                        td { (a.ended.as_deref().unwrap_or("")) }
                        td { (polities(&a.parties)) }
                    }
                }
            }
            h2 { "Documents" }
            ul #documents {
                @for d in &snap.docs {
                    li { a.document href=(format!("/documents/{}", d.id)) { (d.title.as_deref().unwrap_or(&d.path)) }
                         " " span.muted { (d.path) " · " (d.counts.claims) " claims" } }
                }
            }
        },
    )
}

pub(crate) async fn agreement(
    State(app): State<App>,
    id: Result<Path<String>, PathRejection>,
) -> PageResult {
    let id = path_param(id)?;
    let snap = app.snapshot();
    let base = snap.base();
    let Some((i, a)) = find_agreement(snap.kb(), &id) else {
        return Err(WebError::NotFound(format!("no agreement matches {id:?}")).into());
    };
    let prepared = base.prepared.get(i);
    let kind = prepared.map_or("agreement", |p| p.kind);
    let lifecycle = agreement_entries(a, kind);
    let bars: Vec<Bar> = prepared
        .filter(|p| !p.is_undated())
        .map(|p| Bar {
            label: a.name.clone(),
            href: format!("/agreements/{}", a.id),
            validity: p.validity,
            in_force_now: None,
        })
        .into_iter()
        .collect();
    let mut docs: Vec<(&str, &str)> = a
        .facts
        .iter()
        .map(|f| (&*f.cited.doc, &*f.cited.path))
        .collect();
    docs.sort();
    docs.dedup();
    page(
        &a.name,
        html! {
            h1 #agreement-name { (a.name) }
            @if !a.aliases.is_empty() { p.muted { "Also: " (a.aliases.join("; ")) } }
            table.summary {
                tr { th { "id" } td { (a.id) } }
                tr { th { "kind" } td { (kind) } }
                tr { th { "signed" } td { (a.signed.as_deref().unwrap_or("?")) } }
                tr { th { "place" } td { (a.place.as_deref().unwrap_or("?")) } }
                tr { th { "ended" } td { (a.ended.as_deref().unwrap_or("—")) } }
                tr { th { "parties" } td { (polities(&a.parties)) } }
                tr { th { "signatories" } td { (a.signatories.join("; ")) } }
                tr { th { "secret provisions" } td { (if a.secret_provisions { "yes" } else { "no" }) } }
            }
            @if a.parties.len() >= 2 {
                p { a.dyad href=(format!("/dyad?a={}&b={}", urlencode(&a.parties[0].name), urlencode(&a.parties[1].name))) {
                    "Dossier of " (a.parties[0].name) " and " (a.parties[1].name) " →" } }
            }
            h2 { "Lifecycle" }
            (svg::timeline(&bars, &[], None))
            ol.lifecycle {
                @for e in &lifecycle {
                    li { b { (e.kind) } " " (e.date.as_deref().unwrap_or("undated"))
                        @for c in &e.citations { (citation(&snap, c)) } }
                }
            }
            @let provisions = base.provisions(i);
            @if !provisions.is_empty() {
                h2 { "Provisions" }
                ul {
                    @for p in provisions {
                        li { b { (p.kind) } @if p.secret { " (secret)" }
                            @if !p.regions.is_empty() { " — " (p.regions.join(", ")) }
                            @if let Some(b) = &p.beneficiary { " — for " (polity_link(b)) }
                            @for c in &p.citations { (citation(&snap, c)) } }
                    }
                }
            }
            @if !a.conflicts.is_empty() {
                h2 { "Where the sources disagree" }
                @for c in &a.conflicts {
                    h3 { (c.attribute) " (the base says " (c.consensus.as_deref().unwrap_or("?")) ")" }
                    div.cols.conflict {
                        @for (v, cites) in &c.values {
                            div { h4 { (v) } @for ct in cites { (citation(&snap, ct)) } }
                        }
                    }
                }
            }
            h2 { "Facts" }
            ol.facts #facts {
                @for f in &a.facts {
                    li { b { (f.predicate) } " " (value_text(&f.value))
                        @if let Some(t) = &f.valid_time { " @" (t) }
                        " " span.muted { (f.cited.rule) " " (format!("{:.2}", f.cited.confidence)) }
                        (citation(&snap, &f.cited)) }
                }
            }
            h2 { "Documents" }
            ul {
                @for (d, p) in &docs { li { a href=(format!("/documents/{d}")) { (p) } } }
            }
        },
    )
}

fn escape(s: &str, out: &mut String) {
    // maud's escaper (`&`, `<`, `>`, `"`), which cannot fail on a String.
    let _ = std::fmt::Write::write_str(&mut maud::Escaper::new(out), s);
}

fn mention_kind(k: &MentionKind) -> &'static str {
    match k {
        MentionKind::Date(_) => "date",
        MentionKind::Polity(_) => "polity",
        MentionKind::Person(_) => "person",
        MentionKind::Place(_) => "place",
        MentionKind::Agreement(_) => "agreement",
    }
}

/// Keeps spans that lie on character boundaries and do not overlap an
/// earlier one: markup cannot nest crossing elements.
fn clean<T>(text: &str, mut spans: Vec<(usize, usize, T)>) -> Vec<(usize, usize, T)> {
    spans.sort_by_key(|s| (s.0, std::cmp::Reverse(s.1)));
    let mut out: Vec<(usize, usize, T)> = Vec::new();
    for s in spans {
        if s.0 >= s.1 || text.get(s.0..s.1).is_none() {
            continue;
        }
        if out.last().is_some_and(|l| s.0 < l.1) {
            continue;
        }
        out.push(s);
    }
    out
}

/// How a mention is shown: its kind, and where it links (a polity to its
/// dossier).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tag {
    pub kind: &'static str,
    pub href: Option<String>,
}

/// The document text as HTML: claim sentences as `<span id="s-N">`, the
/// mentions inside and outside them as `<mark>` (or `<a>` when they link).
pub(crate) fn render_text(
    text: &str,
    sentences: Vec<(usize, usize, ())>,
    mentions: Vec<(usize, usize, Tag)>,
) -> String {
    let sentences = clean(text, sentences);
    // A mention that straddles a sentence edge is dropped: it cannot nest.
    let mentions: Vec<(usize, usize, Tag)> = clean(text, mentions)
        .into_iter()
        .filter(|m| {
            sentences
                .iter()
                .all(|s| m.1 <= s.0 || m.0 >= s.1 || (m.0 >= s.0 && m.1 <= s.1))
        })
        .collect();
    let mut out = String::with_capacity(text.len() * 2);
    let mut pos = 0;
    let mut mi = mentions.iter().peekable();
    let mut emit_until = |end: usize, pos: &mut usize, out: &mut String| {
        while let Some(m) = mi.next_if(|m| m.1 <= end) {
            escape(text.get(*pos..m.0).unwrap_or(""), out);
            let k = m.2.kind;
            match &m.2.href {
                Some(h) => {
                    out.push_str(&format!("<a class=\"m m-{k}\" title=\"{k}\" href=\""));
                    escape(h, out);
                    out.push_str("\">");
                    escape(text.get(m.0..m.1).unwrap_or(""), out);
                    out.push_str("</a>");
                }
                None => {
                    out.push_str(&format!("<mark class=\"m m-{k}\" title=\"{k}\">"));
                    escape(text.get(m.0..m.1).unwrap_or(""), out);
                    out.push_str("</mark>");
                }
            }
            *pos = m.1;
        }
        escape(text.get(*pos..end).unwrap_or(""), out);
        *pos = end;
    };
    for s in &sentences {
        emit_until(s.0, &mut pos, &mut out);
        out.push_str(&format!("<span class=\"claim\" id=\"s-{}\">", s.0));
        emit_until(s.1, &mut pos, &mut out);
        out.push_str("</span>");
    }
    emit_until(text.len(), &mut pos, &mut out);
    out
}

pub(crate) async fn document(
    State(app): State<App>,
    id: Result<Path<String>, PathRejection>,
) -> PageResult {
    let id = path_param(id)?;
    let doc = app
        .with_store(move |store| {
            store
                .document(&id)?
                .ok_or_else(|| WebError::NotFound(format!("no document {id:?}")))
        })
        .await?;
    let text = &doc.doc.text;
    let sentences = doc
        .claims
        .iter()
        .map(|c| (c.source.sentence.start, c.source.sentence.end, ()))
        .collect();
    let mentions = doc
        .mentions
        .iter()
        .map(|m| {
            let href = match &m.kind {
                MentionKind::Polity(p) => Some(format!("/polities/{}", urlencode(&p.name))),
                _ => None,
            };
            let kind = mention_kind(&m.kind);
            (m.span.start, m.span.end, Tag { kind, href })
        })
        .collect();
    let body = render_text(text, sentences, mentions);
    let title = doc
        .info
        .title
        .clone()
        .unwrap_or_else(|| doc.info.path.clone());
    let mut claims: Vec<&entente_extract::Claim> = doc.claims.iter().collect();
    claims.sort_by_key(|c| c.source.sentence.start);
    page(
        &title,
        html! {
            h1 { (title) }
            p.muted { (doc.info.path) " · " (doc.info.format.as_str()) " · " (doc.info.id) }
            p.muted {
                "Underlined: "
                @for k in ["polity", "date", "person", "place", "agreement"] {
                    mark class=(format!("m m-{k}")) { (k) } " "
                }
                " · highlighted: sentences facts were read from."
            }
            h2 { "Facts" }
            ol.facts #facts {
                @for c in &claims {
                    li { a.fact href=(format!("#s-{}", c.source.sentence.start)) {
                            b { (c.predicate) } " " (value_text(&c.value)) }
                        @if let Some(t) = &c.valid_time { " @" (t) }
                        " " span.muted { (c.subject) " · " (c.rule) " " (format!("{:.2}", c.confidence)) } }
                }
            }
            h2 { "Text" }
            div.doctext #text { (PreEscaped(body)) }
            script { (PreEscaped(HIGHLIGHT_JS)) }
        },
    )
}

pub(crate) async fn polity(
    State(app): State<App>,
    name: Result<Path<String>, PathRejection>,
) -> PageResult {
    let name = path_param(name)?;
    let snap = app.snapshot();
    let p = api::polity(snap.kb(), &name)?;
    let key = polity_key(&p);
    let ags: Vec<_> = snap
        .kb()
        .agreements
        .iter()
        .filter(|a| a.parties.iter().any(|x| polity_key(x) == key))
        .collect();
    let mut partners: BTreeMap<String, PolityRef> = BTreeMap::new();
    for a in &ags {
        for x in &a.parties {
            if polity_key(x) != key {
                partners.entry(polity_key(x)).or_insert_with(|| x.clone());
            }
        }
    }
    page(
        &p.name,
        html! {
            h1 { span.swatch style=(format!("background:{}", polity_colour(&p))) {} (p.name) }
            @if let Some(c) = p.cow { p.muted { "Correlates of War code " (c) } }
            h2 { "Dossiers with" }
            ul #partners {
                @for q in partners.values() {
                    li { a.dyad href=(format!("/dyad?a={}&b={}", urlencode(&p.name), urlencode(&q.name))) { (p.name) " – " (q.name) } }
                }
            }
            h2 { "Agreements" }
            ul {
                @for a in &ags {
                    li { a href=(format!("/agreements/{}", a.id)) { (a.name) } " " span.muted { (a.signed.as_deref().unwrap_or("?")) } }
                }
            }
        },
    )
}

pub(crate) async fn dyad(State(app): State<App>, p: Params) -> PageResult {
    let m = params(p)?;
    let snap = app.snapshot();
    let a = m.get("a").map(|s| s.trim()).unwrap_or("");
    let b = m.get("b").map(|s| s.trim()).unwrap_or("");
    let form = html! {
        form #dyad-form action="/dyad" method="get" {
            input name="a" value=(a) placeholder="Japan" aria-label="first polity";
            " – "
            input name="b" value=(b) placeholder="Russia" aria-label="second polity";
            " " button type="submit" { "Show" }
        }
    };
    if a.is_empty() || b.is_empty() {
        return page(
            "Dyad",
            html! { h1 { "Dossier of a pair of polities" } (form)
            p { "Give two polities: names, adjectives, ISO3 or COW codes." } },
        );
    }
    let (pa, pb) = (api::polity(snap.kb(), a)?, api::polity(snap.kb(), b)?);
    let base = snap.base();
    let d = base.dyad(&pa, &pb);
    let mut bars = Vec::new();
    for &i in base.pairs.get(&polity_key(&pa), &polity_key(&pb)) {
        let i = i as usize;
        if let (Some(ag), Some(pr)) = (snap.kb().agreements.get(i), base.prepared.get(i)) {
            if !pr.is_undated() {
                bars.push(Bar {
                    label: ag.name.clone(),
                    href: format!("/agreements/{}", ag.id),
                    validity: pr.validity,
                    in_force_now: None,
                });
            }
        }
    }
    bars.sort_by_key(|b| b.validity.start.earliest);
    let points: Vec<Point> = d
        .entries
        .iter()
        .filter(|e| e.category != "agreement")
        .filter_map(|e| {
            let when = DayRange::of_edtf(e.date.as_deref()?)?;
            Some(Point {
                label: format!("{} {}", e.date.as_deref().unwrap_or(""), e.title),
                when,
                href: e
                    .citations
                    .first()
                    .map(|c| cite_href(&snap, c))
                    .unwrap_or_default(),
            })
        })
        .collect();
    page(
        &format!("{} – {}", pa.name, pb.name),
        html! {
            h1 { (polity_link(&pa)) " – " (polity_link(&pb)) }
            (form)
            h2 { "Timeline" }
            div #timeline { (svg::timeline(&bars, &points, None)) }
            p.muted { "Bars: agreements in force; faded ends: uncertain dates; dots: events and indicators." }
            h2 { (d.entries.len()) " entries" }
            ol.entries {
                @for e in &d.entries {
                    li { b { (e.date.as_deref().unwrap_or("undated")) } " " (e.category) " · "
                        @if let Some(id) = &e.agreement { a href=(format!("/agreements/{id}")) { (e.title) } } @else { (e.title) }
                        @for c in &e.citations { (citation(&snap, c)) } }
                }
            }
        },
    )
}

pub(crate) async fn asof(State(app): State<App>, p: Params) -> PageResult {
    let m = params(p)?;
    let snap = app.snapshot();
    let day = if m.get("date").is_some_and(|s| !s.trim().is_empty()) {
        day_param(&m, "date")?
    } else {
        default_day(&snap)
    };
    let public = flag(&m, "public")?;
    let base = snap.base();
    let s = base.asof(day, public);
    let net = base.network(day);
    let (lo, hi) = snap.days;
    let bars: Vec<Bar> = snap
        .kb()
        .agreements
        .iter()
        .zip(&base.prepared)
        .filter(|(_, p)| !p.is_undated())
        .map(|(a, p)| Bar {
            label: a.name.clone(),
            href: format!("/agreements/{}", a.id),
            validity: p.validity,
            in_force_now: Some(p.validity.in_force(day)),
        })
        .collect();
    let date = format_day(day);
    page(
        &format!("As of {date}"),
        html! {
            h1 { "As of " span #current-date { (date) } @if public { " (public knowledge only)" } }
            form #asof-form action="/asof" method="get" {
                input #slider type="range" min=(lo.min(day)) max=(hi.max(day)) step="1" value=(day) aria-label="day";
                br;
                input #date type="date" name="date" value=(date);
                label { " " input type="checkbox" name="public" value="true" checked[public] onchange="this.form.submit()"; " public knowledge only" }
                " " button type="submit" { "Show" }
            }
            script { (PreEscaped(SLIDER_JS)) }
            h2 { (s.agreements.len()) " agreements in force" }
            table #in-force {
                tr { th { "agreement" } th { "signed" } th { "in force" } th { "public" } th { "parties" } }
                @for a in &s.agreements {
                    tr { td { a href=(format!("/agreements/{}", a.id)) { (a.name) } }
                         td { (a.signed.as_deref().unwrap_or("?")) }
                         td { (tri(a.in_force)) } td { (tri(a.public)) } td { (polities(&a.parties)) } }
                }
            }
            div.cols {
                div { h2 { "Network" } (svg::network(&net))
                      p.muted { "Solid: in force; dashed: possibly in force." } }
                div { h2 { "Spheres of influence" } (svg::map(&s.spheres))
                      p.muted { "Faded, dashed: possibly in force." } }
            }
            h2 { "Timeline" }
            (svg::timeline(&bars, &[], Some(day)))
            @if !s.undated.is_empty() {
                p.muted { "Undated, not placed: "
                    @for (i, id) in s.undated.iter().enumerate() { @if i > 0 { ", " } a href=(format!("/agreements/{id}")) { (id) } } }
            }
        },
    )
}

pub(crate) async fn search(State(app): State<App>, p: Params) -> PageResult {
    let m = params(p)?;
    let q = m.get("q").map(|s| s.trim().to_string()).unwrap_or_default();
    let form = html! {
        form action="/search" method="get" {
            input type="search" name="q" value=(q) size="40"; " " button type="submit" { "Search" }
        }
    };
    if q.is_empty() {
        return page("Search", html! { h1 { "Search" } (form) });
    }
    let limit = api::limit_param(&m)?;
    let passages = api::run_search(&app, q.clone(), limit).await?;
    let mut seen = HashSet::new();
    page(
        &format!("Search: {q}"),
        html! {
            h1 { "Search" } (form)
            p { (passages.len()) " passages" }
            ol #results {
                @for p in &passages {
                    li { a href=(format!("/documents/{}", p.doc)) { (p.path) }
                        blockquote { (p.text) }
                        ul { @for f in &p.facts {
                            @if seen.insert((p.doc.clone(), f.sentence, f.predicate.clone(), f.value.to_string())) {
                                li { a href=(format!("/documents/{}#s-{}", p.doc, f.sentence)) { b { (f.predicate) } " " (value_text(&f.value)) } }
                            }
                        } }
                    }
                }
            }
        },
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn tag(kind: &'static str, href: Option<&str>) -> Tag {
        Tag {
            kind,
            href: href.map(str::to_string),
        }
    }

    #[test]
    fn claims_and_mentions_nest_in_the_text() {
        let text = "Intro. Ruritania signed a pact in 1901. End.";
        let html = render_text(
            text,
            vec![(7, 39, ())],
            vec![
                (7, 16, tag("polity", Some("/polities/Ruritania"))),
                (34, 38, tag("date", None)),
                (40, 43, tag("place", None)),
            ],
        );
        assert_eq!(
            html,
            "Intro. <span class=\"claim\" id=\"s-7\"><a class=\"m m-polity\" title=\"polity\" href=\"/polities/Ruritania\">Ruritania</a> signed a pact in <mark class=\"m m-date\" title=\"date\">1901</mark>.</span> <mark class=\"m m-place\" title=\"place\">End</mark>."
        );
    }

    #[test]
    fn bad_spans_are_dropped_not_panicked_on() {
        let text = "Évora <b> & co";
        // 1 is inside "É"; 3..100 runs past the end; 2..8 straddles the
        // sentence edge at 6.
        let html = render_text(
            text,
            vec![(0, 6, ()), (1, 3, ())],
            vec![(3, 100, tag("x", None)), (2, 8, tag("y", None))],
        );
        assert_eq!(
            html,
            "<span class=\"claim\" id=\"s-0\">Évora</span> &lt;b&gt; &amp; co"
        );
    }

    #[test]
    fn values_read_as_words() {
        assert_eq!(value_text(&serde_json::json!("1907-06-10")), "1907-06-10");
        assert_eq!(
            value_text(
                &serde_json::json!({"kind": "sphere_of_influence", "regions": ["Korea"], "secret": true})
            ),
            "sphere_of_influence · Korea · secret"
        );
    }
}
