//! Development timing: where extraction spends its time on a set of files.
use std::time::Instant;
fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let mut docs = Vec::new();
    for f in &files {
        let p = std::path::Path::new(f);
        let Ok(b) = std::fs::read(p) else { continue };
        let Ok(d) = entente_source::read_bytes(p, &b) else {
            continue;
        };
        docs.push(d);
    }
    let t = Instant::now();
    let recs: Vec<_> = docs.iter().map(entente_recognise::recognise).collect();
    let rec_t = t.elapsed();
    let lex = entente_extract::rules::lexicon();
    let t = Instant::now();
    let mut n = 0;
    for (d, r) in docs.iter().zip(&recs) {
        for s in &r.sentences {
            n += lex.hits(s.span.slice(&d.text)).len();
        }
    }
    let hits_t = t.elapsed();
    let t = Instant::now();
    for (d, r) in docs.iter().zip(&recs) {
        for s in &r.sentences {
            n += lex.provisions_in(s.span.slice(&d.text)).len();
        }
    }
    println!("provisions {:?}", t.elapsed());
    let t = Instant::now();
    for (d, r) in docs.iter().zip(&recs) {
        n += entente_extract::extract("x", d, r).len();
    }
    let ext_t = t.elapsed();
    println!(
        "docs {} recognise {:?} hits+prov {:?} extract {:?} ({n})",
        docs.len(),
        rec_t,
        hits_t,
        ext_t
    );
}
