//! Development driver: reads files, recognises, extracts, and prints the
//! mentions, claims and facts of each, so misses can be traced to a stage.
//!
//! `cargo run -p entente-extract --example dump -- FILE... [--mentions] [--claims]`

use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show_m = args.iter().any(|a| a == "--mentions");
    let show_c = args.iter().any(|a| a == "--claims");
    let facts_out = args.iter().find_map(|a| a.strip_prefix("--facts-out="));
    let quiet = facts_out.is_some();
    let mut all = entente_extract::facts::Facts::default();
    for a in args.iter().filter(|a| !a.starts_with("--")) {
        let path = Path::new(a);
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("{a}: unreadable");
            continue;
        };
        let doc = match entente_source::read_bytes(path, &bytes) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{e}");
                continue;
            }
        };
        let rec = entente_recognise::recognise(&doc);
        if !quiet {
            println!("== {a}");
        }
        if args.iter().any(|a| a == "--blocks") {
            for b in &doc.blocks {
                let t: String = b.span.slice(&doc.text).chars().take(70).collect();
                println!("  B {:?} sec={:?} {:?}", b.kind, b.section, t);
            }
        }
        if show_m {
            for m in &rec.mentions {
                println!("  M {:?} {:?}", m.span.slice(&doc.text), m.kind);
            }
        }
        let claims = entente_extract::extract("doc", &doc, &rec);
        if show_c {
            for c in &claims {
                println!(
                    "  C {} {} {} {:?} [{} {:.2}] «{}»",
                    c.subject,
                    c.predicate,
                    c.value,
                    c.valid_time,
                    c.rule,
                    c.confidence,
                    c.source.evidence.slice(&doc.text)
                );
            }
        }
        let f = entente_extract::facts::document_facts(&claims);
        let key = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        all.documents.insert(key, f.clone());
        if quiet {
            continue;
        }
        for ag in &f.agreements {
            println!("  A {}", serde_json::to_string(ag).unwrap_or_default());
        }
        for ev in &f.events {
            println!("  E {}", serde_json::to_string(ev).unwrap_or_default());
        }
    }
    if let Some(out) = facts_out {
        let json = serde_json::to_string_pretty(&all).unwrap_or_default();
        if let Err(e) = std::fs::write(out, json) {
            eprintln!("{out}: {e}");
        }
    }
}
