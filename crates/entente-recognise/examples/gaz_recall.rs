//! Throwaway recall check of the person and place finders against the inline
//! `<persName>`/`<placeName>` tags of TEI files (until `entente eval mentions`
//! exists). Usage: `cargo run -p entente-recognise --example gaz_recall -- FILE.xml...`
//! Add `-v` to list the misses.
use entente_recognise::{person, place, polity};
use entente_source::AnnotationKind;
use std::path::Path;

fn main() {
    let mut verbose = false;
    let mut show = String::new();
    let mut all_text = String::new();
    let mut texts: Vec<String> = Vec::new();
    let (mut pl_gold, mut pl_found, mut pe_gold, mut pe_found) = (0, 0, 0, 0);
    let mut unknown = 0;
    let mut bytes_total = 0usize;
    let mut secs = 0f64;
    for arg in std::env::args().skip(1) {
        if arg == "-v" {
            verbose = true;
            continue;
        }
        if let Some(kind) = arg.strip_prefix("--show=") {
            show = kind.to_string();
            continue;
        }
        let path = Path::new(&arg);
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("cannot read {arg}");
            continue;
        };
        let doc = match entente_source::read_bytes(path, &bytes) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{e}");
                continue;
            }
        };
        all_text.push_str(&doc.text);
        texts.push(doc.text.clone());
        all_text.push_str("\n\n");
        let t = std::time::Instant::now();
        let places: Vec<_> = place::find_in(&doc.text);
        let pols: Vec<_> = polity::find_in(&doc.text);
        let pers: Vec<_> = person::find_in(&doc.text);
        let agreements = entente_recognise::agreement::find_in(&doc.text);
        secs += t.elapsed().as_secs_f64();
        if show == "titles" {
            let title = doc.title.clone().unwrap_or_default();
            let short = title.rsplit(": ").next().unwrap_or("").to_string();
            if polity::find_in(&short).is_empty() && place::find_in(&short).is_empty() {
                println!("no polity in title: {short:?} ({arg})");
            }
        }
        match show.as_str() {
            "agreement" => agreements
                .iter()
                .filter(|a| !a.1.reference)
                .for_each(|(_, a)| println!("{arg}: {a:?}")),
            "person" => pers.iter().for_each(|(_, p)| {
                println!(
                    "{arg}: {} #{} {:?} {:?} {:?}",
                    p.name, p.person, p.office, p.title, p.polity
                )
            }),
            "place" => places.iter().for_each(|(_, p)| {
                println!("{arg}: {} {} {:?} {}", p.id, p.name, p.within, p.unknown)
            }),
            "polity" => pols
                .iter()
                .for_each(|(_, p)| println!("{arg}: {} {}", p.id, p.form)),
            _ => {}
        }
        bytes_total += doc.text.len();
        unknown += places.iter().filter(|p| p.1.unknown).count();
        for a in &doc.annotations {
            match a.kind {
                AnnotationKind::Place { .. } => {
                    pl_gold += 1;
                    let hit = places.iter().any(|(m, _)| m.span.overlaps(&a.span))
                        || pols.iter().any(|(m, _)| m.span.overlaps(&a.span));
                    if hit {
                        pl_found += 1;
                    } else if verbose {
                        println!("MISS place {:?}  in {arg}", a.span.slice(&doc.text));
                    }
                }
                AnnotationKind::Person { .. } => {
                    pe_gold += 1;
                    if pers.iter().any(|(m, _)| m.span.overlaps(&a.span)) {
                        pe_found += 1;
                    } else if verbose {
                        let ctx_s = a.span.start.saturating_sub(30);
                        let ctx = doc.text.get(ctx_s..a.span.end + 10).unwrap_or("");
                        println!("MISS person {:?}  ctx {:?}", a.span.slice(&doc.text), ctx);
                    }
                }
                _ => {}
            }
        }
    }
    // Per-finder throughput on the concatenated text, after a warm-up.
    let _ = polity::find_in("warm up Japan");
    let _ = person::find_in("warm up John Smith");
    let _ = place::find_in("warm up Paris");
    let _ = entente_recognise::agreement::find_in("warm up Treaty");
    let all_text = all_text.repeat(10);
    if show == "per-doc" {
        // Document by document, as `recognise()` sees them, after warm-up.
        let total: usize = texts.iter().map(String::len).sum();
        for (name, f) in [
            (
                "polity",
                &(|t: &str| polity::find_in(t).len()) as &dyn Fn(&str) -> usize,
            ),
            ("place", &|t: &str| place::find_in(t).len()),
            ("person", &|t: &str| person::find_in(t).len()),
            ("agreement", &|t: &str| {
                entente_recognise::agreement::find_in(t).len()
            }),
        ] {
            let t = std::time::Instant::now();
            let mut n = 0;
            for _ in 0..10 {
                for text in &texts {
                    n += f(text);
                }
            }
            let secs = t.elapsed().as_secs_f64();
            println!(
                "{name:10} {n:8} mentions {:.1} MB/s",
                10.0 * total as f64 / 1e6 / secs
            );
        }
        return;
    }
    if show == "perf-base" {
        return;
    }
    if show == "perf-polity" {
        for _ in 0..10 {
            let _ = polity::find_in(&all_text);
        }
        return;
    }
    if show == "perf-place" {
        for _ in 0..10 {
            let _ = place::find_in(&all_text);
        }
        return;
    }
    if show == "perf-person" {
        for _ in 0..10 {
            let _ = person::find_in(&all_text);
        }
        return;
    }
    if show == "perf-agreement" {
        for _ in 0..10 {
            let _ = entente_recognise::agreement::find_in(&all_text);
        }
        return;
    }
    let mb = all_text.len() as f64 / 1e6;
    // Best of five runs: the machine is shared. A different string each time
    // (a trailing space) so that the shared gazetteer scan is not reused.
    let time = |f: &dyn Fn(&str) -> usize| {
        let mut best = f64::MAX;
        let mut n = 0;
        let mut text = all_text.clone();
        for _ in 0..5 {
            text.push(' ');
            let t = std::time::Instant::now();
            n = f(&text);
            best = best.min(t.elapsed().as_secs_f64());
        }
        (n, mb / best.max(1e-9))
    };
    println!("{mb:.2} MB of text");
    println!(
        "scan    {:?}",
        time(&|t| entente_recognise::gazetteer::gazetteer().scan(t).len())
    );
    println!("polity  {:?}", time(&|t| polity::find_in(t).len()));
    println!("place   {:?}", time(&|t| place::find_in(t).len()));
    println!("person  {:?}", time(&|t| person::find_in(t).len()));
    println!(
        "agreem. {:?}",
        time(&|t| entente_recognise::agreement::find_in(t).len())
    );
    println!(
        "place {pl_found}/{pl_gold} = {:.3}; person {pe_found}/{pe_gold} = {:.3}; unknown places {unknown}; {:.1} MB/s (4 finders)",
        pl_found as f64 / pl_gold.max(1) as f64,
        pe_found as f64 / pe_gold.max(1) as f64,
        bytes_total as f64 / 1e6 / secs.max(1e-9)
    );
}
