//! Query speed at scale: a generated base of 1,000,000 agreements and
//! 5,000,000 claims, asked an as-of question and a dyad dossier two ways,
//! through the interval and pair indexes of `entente-query`, and with a
//! naive SQL scan in SQLite (no secondary indexes) over the same data. Both
//! answers are checked against each other before timing, and every timed
//! run checks its result size.
//!
//! `cargo bench -p entente --bench query` (set `ENTENTE_BENCH_AGREEMENTS`
//! for a smaller or larger base; claims are five per agreement).
//!
//! The generated base is the compact form the indexes work on (validity
//! ranges in days, party pairs, claims as rows), not a full
//! `KnowledgeBase`: the benchmark measures the temporal and pair lookups,
//! not the building of a million cited JSON values.

#![allow(clippy::unwrap_used)]

use entente_query::index::{IntervalIndex, PairIndex};
use entente_query::time::{parse_day, Day, DayRange, Tri, Validity};
use rusqlite::{params, Connection};
use std::sync::{LazyLock, Mutex};

const CLAIMS_PER_AGREEMENT: usize = 5;
const POLITIES: u16 = 200;

/// One claim row: which agreement, what predicate, which day, which doc.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct ClaimRow {
    day: Day,
    agreement: u32,
    predicate: u8,
    doc: u32,
}

struct Fixture {
    validity: Vec<Validity>,
    /// Claims of agreement `i` are `claims[offsets[i]..offsets[i + 1]]`.
    claims: Vec<ClaimRow>,
    offsets: Vec<u32>,
    index: IntervalIndex,
    pairs: PairIndex<u16>,
    sql: Mutex<Connection>,
    /// The query day, the pair, and the answer sizes both ways agree on.
    day: Day,
    pair: (u16, u16),
    asof_len: usize,
    dyad_len: usize,
}

/// xorshift64: deterministic, so every run measures the same base.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A bound at `day` with the imprecision sources have: most dates exact,
/// some known to the month or only to the year.
fn imprecise(rng: &mut Rng, day: Day) -> DayRange {
    match rng.below(10) {
        0..=6 => DayRange {
            earliest: day,
            latest: day,
        },
        7 => DayRange {
            earliest: day - (day.rem_euclid(30)),
            latest: day - (day.rem_euclid(30)) + 29,
        },
        _ => DayRange {
            earliest: day - (day.rem_euclid(365)),
            latest: day - (day.rem_euclid(365)) + 364,
        },
    }
}

fn generate(n: usize) -> Fixture {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let first = parse_day("1800-01-01").unwrap();
    let last = parse_day("2024-12-31").unwrap();
    let span = u64::try_from(last - first).unwrap();
    let mut validity = Vec::with_capacity(n);
    let mut parties = Vec::with_capacity(n);
    let mut claims = Vec::with_capacity(n * CLAIMS_PER_AGREEMENT);
    for i in 0..n {
        let a = u16::try_from(rng.below(u64::from(POLITIES))).unwrap() + 1;
        let b = (a + u16::try_from(rng.below(u64::from(POLITIES - 1))).unwrap()) % POLITIES + 1;
        parties.push((a, b));
        let s = first + Day::try_from(rng.below(span)).unwrap();
        let start = imprecise(&mut rng, s);
        let end = (rng.below(10) >= 4).then(|| {
            let years = Day::try_from(rng.below(60) + 1).unwrap();
            imprecise(&mut rng, s + years * 365)
        });
        validity.push(Validity { start, end });
        let id = u32::try_from(i).unwrap();
        for k in 0..CLAIMS_PER_AGREEMENT {
            claims.push(ClaimRow {
                day: s + Day::try_from(rng.below(3650)).unwrap(),
                agreement: id,
                predicate: u8::try_from(k).unwrap(),
                doc: u32::try_from(rng.below(100_000)).unwrap(),
            });
        }
    }
    // Claims arrive grouped by agreement; keep that order for the offsets.
    let offsets: Vec<u32> = (0..=n)
        .map(|i| u32::try_from(i * CLAIMS_PER_AGREEMENT).unwrap())
        .collect();
    let index = IntervalIndex::new(validity.iter().enumerate().map(|(i, v)| {
        let (lo, hi) = v.hull();
        (lo, hi, u32::try_from(i).unwrap())
    }));
    let mut pairs = PairIndex::default();
    for (i, (a, b)) in parties.iter().enumerate() {
        pairs.insert(*a, *b, u32::try_from(i).unwrap());
    }
    let sql = load_sql(&validity, &parties, &claims);
    let mut f = Fixture {
        validity,
        claims,
        offsets,
        index,
        pairs,
        sql: Mutex::new(sql),
        day: parse_day("1912-08-01").unwrap(),
        pair: (parties[0].0, parties[0].1),
        asof_len: 0,
        dyad_len: 0,
    };
    // Both ways must give the same answers before anything is timed.
    let mut by_index = asof_index(&f);
    let mut by_sql = asof_sql(&f);
    by_index.sort_unstable();
    by_sql.sort_unstable();
    assert_eq!(by_index, by_sql, "as-of answers differ");
    assert!(
        by_index.iter().any(|x| x.1 == Tri::Yes) && by_index.iter().any(|x| x.1 == Tri::Possibly)
    );
    f.asof_len = by_index.len();
    let d1 = dyad_index(&f);
    let d2 = dyad_sql(&f);
    assert_eq!(d1, d2, "dyad answers differ");
    assert!(!d1.is_empty());
    f.dyad_len = d1.len();
    eprintln!(
        "fixture: {n} agreements, {} claims; as-of {} in force, dyad {} claims",
        f.claims.len(),
        f.asof_len,
        f.dyad_len
    );
    f
}

fn opt(d: Day) -> Option<i64> {
    (d != Day::MIN && d != Day::MAX).then_some(i64::from(d))
}

fn load_sql(validity: &[Validity], parties: &[(u16, u16)], claims: &[ClaimRow]) -> Connection {
    let mut c = Connection::open_in_memory().unwrap();
    c.execute_batch(
        "CREATE TABLE agreements (id INTEGER PRIMARY KEY, s_lo INTEGER, s_hi INTEGER, e_lo INTEGER, e_hi INTEGER);
         CREATE TABLE parties (agreement INTEGER, cow INTEGER);
         CREATE TABLE claims (agreement INTEGER, predicate INTEGER, day INTEGER, doc INTEGER);",
    )
    .unwrap();
    let tx = c.transaction().unwrap();
    {
        let mut ag = tx
            .prepare("INSERT INTO agreements VALUES (?1, ?2, ?3, ?4, ?5)")
            .unwrap();
        let mut pa = tx.prepare("INSERT INTO parties VALUES (?1, ?2)").unwrap();
        for (i, v) in validity.iter().enumerate() {
            let i = i64::try_from(i).unwrap();
            let (e_lo, e_hi) = v
                .end
                .map_or((None, None), |e| (opt(e.earliest), opt(e.latest)));
            ag.execute(params![i, v.start.earliest, v.start.latest, e_lo, e_hi])
                .unwrap();
            let (a, b) = parties[usize::try_from(i).unwrap()];
            pa.execute(params![i, a]).unwrap();
            pa.execute(params![i, b]).unwrap();
        }
        let mut cl = tx
            .prepare("INSERT INTO claims VALUES (?1, ?2, ?3, ?4)")
            .unwrap();
        for r in claims {
            cl.execute(params![r.agreement, r.predicate, r.day, r.doc])
                .unwrap();
        }
    }
    tx.commit().unwrap();
    c
}

/// As of `f.day`: every agreement possibly or certainly in force.
fn asof_index(f: &Fixture) -> Vec<(u32, Tri)> {
    f.index
        .stab(f.day)
        .filter_map(|i| {
            let t = f.validity.get(i as usize)?.in_force(f.day);
            (t != Tri::No).then_some((i, t))
        })
        .collect()
}

fn asof_sql(f: &Fixture) -> Vec<(u32, Tri)> {
    let c = f.sql.lock().unwrap();
    let mut st = c
        .prepare_cached(
            "SELECT id, CASE WHEN s_hi <= ?1 AND (e_lo IS NULL OR e_lo > ?1) THEN 2 ELSE 1 END
             FROM agreements WHERE s_lo <= ?1 AND (e_hi IS NULL OR e_hi > ?1)",
        )
        .unwrap();
    st.query_map([f.day], |r| {
        Ok((
            r.get::<_, u32>(0)?,
            if r.get::<_, i64>(1)? == 2 {
                Tri::Yes
            } else {
                Tri::Possibly
            },
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// The dossier of `f.pair`: every claim of their agreements, by date.
fn dyad_index(f: &Fixture) -> Vec<ClaimRow> {
    let mut out = Vec::new();
    for &i in f.pairs.get(&f.pair.0, &f.pair.1) {
        let (a, b) = (
            f.offsets[i as usize] as usize,
            f.offsets[i as usize + 1] as usize,
        );
        out.extend_from_slice(&f.claims[a..b]);
    }
    out.sort_unstable();
    out
}

fn dyad_sql(f: &Fixture) -> Vec<ClaimRow> {
    let c = f.sql.lock().unwrap();
    let mut st = c
        .prepare_cached(
            "SELECT c.day, c.agreement, c.predicate, c.doc FROM claims c
             WHERE c.agreement IN (SELECT p1.agreement FROM parties p1 JOIN parties p2
                                   ON p1.agreement = p2.agreement
                                   WHERE p1.cow = ?1 AND p2.cow = ?2)
             ORDER BY c.day, c.agreement, c.predicate, c.doc",
        )
        .unwrap();
    st.query_map([f.pair.0, f.pair.1], |r| {
        Ok(ClaimRow {
            day: r.get(0)?,
            agreement: r.get(1)?,
            predicate: r.get(2)?,
            doc: r.get(3)?,
        })
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

static FIXTURE: LazyLock<Fixture> = LazyLock::new(|| {
    let n = std::env::var("ENTENTE_BENCH_AGREEMENTS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    generate(n)
});

fn main() {
    // Build (and cross-check) the base before any timing starts.
    LazyLock::force(&FIXTURE);
    divan::main();
}

#[divan::bench(sample_count = 30)]
fn asof_interval_index() {
    let f = &*FIXTURE;
    assert_eq!(divan::black_box(asof_index(f)).len(), f.asof_len);
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn asof_naive_sql() {
    let f = &*FIXTURE;
    assert_eq!(divan::black_box(asof_sql(f)).len(), f.asof_len);
}

#[divan::bench(sample_count = 30)]
fn dyad_pair_index() {
    let f = &*FIXTURE;
    assert_eq!(divan::black_box(dyad_index(f)).len(), f.dyad_len);
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn dyad_naive_sql() {
    let f = &*FIXTURE;
    assert_eq!(divan::black_box(dyad_sql(f)).len(), f.dyad_len);
}
