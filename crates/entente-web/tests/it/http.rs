//! Every endpoint against the real router over a real SQLite file.

use crate::util::{fixture, get, ingest_hook, load_hook, send};
use entente_store::Store;
use entente_web::{App, Hooks, Options};

/// The endpoints the API must offer (issue 6).
const ENDPOINTS: &[&str] = &[
    "/api/agreements",
    "/api/agreements/{id}",
    "/api/asof",
    "/api/dyad",
    "/api/spheres",
    "/api/network",
    "/api/conflicts",
    "/api/search",
    "/api/documents",
    "/api/documents/{id}",
    "/api/openapi.json",
];

async fn first_doc_id() -> String {
    let docs = get("/api/documents").await.expect(200).json();
    docs[0]["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn openapi_documents_every_endpoint_and_every_documented_path_exists() {
    let r = get("/api/openapi.json").await;
    r.expect(200);
    assert!(r.content_type.starts_with("application/json"));
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    for e in ENDPOINTS {
        assert!(paths.contains_key(*e), "{e} is not documented");
    }
    let id = first_doc_id().await;
    for (path, ops) in paths {
        let mut uri = path.replace(
            "{id}",
            if path.contains("documents") {
                &id
            } else {
                "A1"
            },
        );
        let params: Vec<String> = ops["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "query" && p["required"] == true)
            .map(|p| {
                format!(
                    "{}={}",
                    p["name"].as_str().unwrap(),
                    p["example"].as_str().unwrap()
                )
            })
            .collect();
        if !params.is_empty() {
            uri = format!("{uri}?{}", params.join("&"));
        }
        get(&uri).await.expect(200);
    }
}

#[tokio::test]
async fn asof_equals_the_cli_json() {
    let api = get("/api/asof?date=1912-08-01").await.expect(200).json();
    let store = Store::open(&fixture().db).unwrap();
    let day = entente::query::parse_date("1912-08-01").unwrap();
    let mut out = Vec::new();
    entente::query::print_asof(&store, day, false, entente::query::Format::Json, &mut out).unwrap();
    let cli: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(api, cli);
    assert!(!api["agreements"].as_array().unwrap().is_empty(), "{api}");

    let public = get("/api/asof?date=1912-08-01&public=true")
        .await
        .expect(200)
        .json();
    let mut out = Vec::new();
    entente::query::print_asof(&store, day, true, entente::query::Format::Json, &mut out).unwrap();
    assert_eq!(
        public,
        serde_json::from_slice::<serde_json::Value>(&out).unwrap()
    );
    assert_eq!(public["public_only"], true);
}

#[tokio::test]
async fn bad_dates_and_parameters_are_400_json() {
    for uri in [
        "/api/asof?date=1912-13-45",
        "/api/asof?date=1912",
        "/api/asof",
        "/api/asof?date=1912-08-01&public=perhaps",
        "/api/spheres?at=yesterday",
        "/api/network",
        "/api/dyad?a=Japan",
        "/api/search",
        "/api/search?q=treaty&limit=many",
        "/api/search?q=%22unbalanced",
    ] {
        let msg = get(uri).await.expect_error(400);
        assert!(!msg.is_empty(), "{uri}");
    }
    let msg = get("/api/asof?date=1912-13-45").await.expect_error(400);
    assert!(msg.contains("1912-13-45"), "{msg}");
}

#[tokio::test]
async fn unknown_ids_are_404_json() {
    for uri in [
        "/api/agreements/Z999",
        "/api/documents/ffffffffffffffff",
        "/api/dyad?a=Japan&b=Atlantis",
        "/api/no-such-endpoint",
    ] {
        get(uri).await.expect_error(404);
    }
}

#[tokio::test]
async fn agreements_list_and_one_agreement_with_citations() {
    let list = get("/api/agreements").await.expect(200).json();
    let list = list.as_array().unwrap();
    assert!(list.len() >= 5, "{list:?}");
    let id = list[0]["id"].as_str().unwrap();
    let one = get(&format!("/api/agreements/{id}"))
        .await
        .expect(200)
        .json();
    assert_eq!(one["agreement"]["id"], id);
    assert!(!one["agreement"]["facts"].as_array().unwrap().is_empty());
    assert!(one["lifecycle"].is_array());
    // By name too, as the CLI's `show`.
    let name = list[1]["name"].as_str().unwrap();
    let uri = format!("/api/agreements/{}", name.replace(' ', "%20"));
    let by_name = get(&uri).await.expect(200).json();
    assert_eq!(by_name["agreement"]["name"], name);
}

#[tokio::test]
async fn dyad_spheres_network_conflicts() {
    let d = get("/api/dyad?a=Japan&b=RUS").await.expect(200).json();
    assert_eq!(d["a"]["cow"], 740);
    assert_eq!(d["b"]["cow"], 365);
    let entries = d["entries"].as_array().unwrap();
    assert!(!entries.is_empty());
    assert!(entries
        .iter()
        .all(|e| !e["citations"].as_array().unwrap().is_empty()));

    let s = get("/api/spheres?at=1912-08-01").await.expect(200).json();
    assert!(s.is_array());
    let n = get("/api/network?at=1912-08-01").await.expect(200).json();
    assert_eq!(n["date"], "1912-08-01");
    assert!(!n["edges"].as_array().unwrap().is_empty(), "{n}");
    let c = get("/api/conflicts").await.expect(200).json();
    assert!(c.is_array());
}

#[tokio::test]
async fn search_returns_passages_with_facts() {
    let r = get("/api/search?q=treaty&limit=5").await.expect(200).json();
    let hits = r.as_array().unwrap();
    assert!(!hits.is_empty() && hits.len() <= 5);
    assert!(hits[0]["text"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("treat"));
}

#[tokio::test]
async fn a_document_with_its_text_mentions_and_claim_spans() {
    let id = first_doc_id().await;
    let d = get(&format!("/api/documents/{id}"))
        .await
        .expect(200)
        .json();
    let text = d["text"].as_str().unwrap();
    assert!(!text.is_empty());
    for c in d["claims"].as_array().unwrap() {
        let s = &c["source"]["sentence"];
        let (a, b) = (
            s["start"].as_u64().unwrap() as usize,
            s["end"].as_u64().unwrap() as usize,
        );
        assert!(
            text.get(a..b).is_some(),
            "claim span {a}..{b} is not in the text"
        );
    }
    assert!(!d["mentions"].as_array().unwrap().is_empty());
    // A unique prefix works as in the CLI.
    get(&format!("/api/documents/{}", &id[..12]))
        .await
        .expect(200);
}

#[tokio::test]
async fn read_only_by_default() {
    let app = &fixture().app;
    for (m, uri) in [
        ("POST", "/api/asof?date=1912-08-01"),
        ("POST", "/api/documents?path=x.txt"),
        ("DELETE", "/api/agreements/A1"),
        ("PUT", "/"),
    ] {
        send(app, m, uri, b"x".to_vec()).await.expect_error(405);
    }
    assert!(!app.writable());
    send(app, "HEAD", "/api/agreements", Vec::new())
        .await
        .expect(200);
}

fn small_writable_app(limit: usize) -> App {
    let hooks = Hooks {
        load: load_hook(),
        ingest: Some(ingest_hook()),
    };
    let options = Options {
        writable: true,
        body_limit: limit,
        ..Options::default()
    };
    App::new(Store::memory().unwrap(), hooks, options).unwrap()
}

#[tokio::test]
async fn a_writable_server_ingests_uploads_and_limits_their_size() {
    let app = small_writable_app(4096);
    let before = send(&app, "GET", "/api/documents", Vec::new()).await.json();
    assert_eq!(before.as_array().unwrap().len(), 0);
    let text = "Pact of the Two Rivers\n\nRuritania and Borduria signed the Pact of the Two Rivers on 4 May 1921.\n";
    let r = send(
        &app,
        "POST",
        "/api/documents?path=two-rivers.txt",
        text.as_bytes().to_vec(),
    )
    .await;
    r.expect(200);
    let after = send(&app, "GET", "/api/documents", Vec::new()).await.json();
    assert_eq!(after.as_array().unwrap().len(), 1, "{after}");
    let big = vec![b'a'; 10_000];
    let r = send(&app, "POST", "/api/documents?path=big.txt", big).await;
    assert_eq!(r.status.as_u16(), 413, "{r:?}");
    send(&app, "POST", "/api/documents", b"no path".to_vec())
        .await
        .expect_error(400);
}

#[tokio::test]
async fn pages_render_and_link() {
    let home = get("/").await.expect(200).body.clone();
    assert!(home.contains("<h1>Entente</h1>"));
    assert!(
        home.contains("href=\"/agreements/A1\""),
        "agreements are linked"
    );
    assert!(
        home.contains("href=\"/polities/Japan\""),
        "polities are linked"
    );

    let ag = get("/agreements/A6").await.expect(200).body.clone();
    assert!(ag.contains("<blockquote>"), "facts quote their sentence");
    assert!(ag.contains("#s-"), "citations link to their sentence");
    assert!(ag.contains("href=\"/polities/"));

    // Conflicts side by side: one column per value.
    let list = get("/api/agreements").await.json();
    let disputed = list
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["conflicts"].as_u64().unwrap() > 0)
        .expect("the sample corpus has a conflict");
    let page = get(&format!("/agreements/{}", disputed["id"].as_str().unwrap()))
        .await
        .expect(200)
        .body
        .clone();
    assert!(page.contains("class=\"cols conflict\""), "{page}");

    let id = first_doc_id().await;
    let doc = get(&format!("/documents/{id}"))
        .await
        .expect(200)
        .body
        .clone();
    assert!(doc.contains("class=\"claim\" id=\"s-"));
    assert!(doc.contains("class=\"fact\" href=\"#s-"));
    assert!(doc.contains("<mark class=\"m m-"));

    let dyad = get("/dyad?a=Japan&b=Russia").await.expect(200).body.clone();
    assert!(dyad.contains("<svg class=\"timeline\""));
    let asof = get("/asof?date=1912-08-01").await.expect(200).body.clone();
    assert!(asof.contains("type=\"range\""));
    assert!(asof.contains("<svg class=\"network\""));
    assert!(asof.contains("<svg class=\"map\""));
    assert!(asof.contains("linearGradient"));
    get("/asof").await.expect(200);
    get("/polities/Japan").await.expect(200);
    get("/search?q=treaty").await.expect(200);
    get("/dyad").await.expect(200);

    assert_eq!(get("/asof?date=1912-13-45").await.status.as_u16(), 400);
    assert_eq!(get("/agreements/Z999").await.status.as_u16(), 404);
    assert_eq!(get("/polities/Atlantis").await.status.as_u16(), 404);
    assert_eq!(get("/no/such/page").await.status.as_u16(), 404);
    assert!(get("/no/such/page")
        .await
        .content_type
        .starts_with("text/html"));
}
