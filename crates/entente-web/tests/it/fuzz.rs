//! A property test over the routes of the OpenAPI document: arbitrary
//! parameter values and path segments never make the server answer 500,
//! and every API answer is JSON.

use crate::util::{fixture, send};
use proptest::prelude::*;

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Values that look like the real thing more often than pure noise would.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9]{1,5}-[0-9]{1,3}-[0-9]{1,3}",
        "(Japan|Russia|FRA|740|Franco|Atlantis|)",
        "(true|false|1|yes|maybe|)",
        "(A[0-9]{1,3}|[0-9a-f]{1,16})",
        "[\"*():^ a-zA-Z]{0,12}",
    ]
}

fn routes() -> Vec<(String, Vec<String>)> {
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("../../../../data/web/openapi.json")).unwrap();
    let mut out = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let names = ops["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect();
        out.push((path.clone(), names));
    }
    for page in [
        "/",
        "/asof",
        "/dyad",
        "/search",
        "/agreements/{id}",
        "/documents/{id}",
        "/polities/{id}",
    ] {
        let names = ["date", "public", "a", "b", "q", "limit"]
            .map(String::from)
            .to_vec();
        out.push((page.to_string(), names));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]
    #[test]
    fn no_input_makes_a_500(
        route in any::<prop::sample::Index>(),
        segment in value(),
        values in prop::collection::vec((any::<bool>(), value()), 6),
    ) {
        let routes = routes();
        let (path, names) = route.get(&routes);
        let mut uri = path.replace("{id}", &encode(&segment));
        let q: Vec<String> = names
            .iter()
            .zip(&values)
            .filter(|(_, (on, _))| *on)
            .map(|(n, (_, v))| format!("{n}={}", encode(v)))
            .collect();
        if !q.is_empty() {
            uri = format!("{uri}?{}", q.join("&"));
        }
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let r = rt.block_on(send(&fixture().app, "GET", &uri, Vec::new()));
        prop_assert!(r.status.as_u16() < 500, "{} gave {}: {}", uri, r.status, r.body);
        if uri.starts_with("/api/") {
            prop_assert!(serde_json::from_str::<serde_json::Value>(&r.body).is_ok(), "{} is not JSON: {}", uri, r.body);
        }
    }
}
