//! The facts interchange format (`../shared/eval/FORMAT.md`): what one
//! document states, built from that document's claims alone.

use crate::extract::{is_plural_name, precision};
use crate::Claim;
use entente_recognise::edtf::Edtf;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// A polity as the format names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolityRef {
    pub name: String,
    pub cow: Option<u16>,
}

/// One agreement a document states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreementFacts {
    pub name: String,
    pub signed: Option<String>,
    pub place: Option<String>,
    pub parties: Vec<PolityRef>,
    pub signatories: Vec<String>,
    pub secret_provisions: bool,
    pub ended: Option<String>,
}

/// One relations event a document states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventFacts {
    pub kind: String,
    pub date: Option<String>,
    pub parties: Vec<PolityRef>,
}

/// Everything one document states.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocFacts {
    pub agreements: Vec<AgreementFacts>,
    pub events: Vec<EventFacts>,
}

/// The whole export: document key (file stem) -> facts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub documents: BTreeMap<String, DocFacts>,
}

/// Claims below this confidence stay in the base but are not stated facts.
const MIN_CONFIDENCE: f32 = 0.2;

/// Events need a little more: prose mentions relations in passing often.
const MIN_EVENT_CONFIDENCE: f32 = 0.25;

pub(crate) fn polity_ref(v: &Value) -> Option<PolityRef> {
    let name = v.get("name")?.as_str()?.to_string();
    let cow = v
        .get("cow")
        .and_then(Value::as_u64)
        .and_then(|c| u16::try_from(c).ok());
    Some(PolityRef { name, cow })
}

fn same_polity(a: &PolityRef, b: &PolityRef) -> bool {
    match (a.cow, b.cow) {
        (Some(x), Some(y)) => x == y,
        _ => a.name.to_lowercase() == b.name.to_lowercase(),
    }
}

fn push_polity(list: &mut Vec<PolityRef>, p: PolityRef) {
    if !list.iter().any(|x| same_polity(x, &p)) {
        list.push(p);
    }
}

/// The date an EDTF value starts with, without its qualifiers: "1916-07-03"
/// of "1916-07-03~", "1907" of "1907/1908".
pub(crate) fn date_core(s: &str) -> &str {
    // Byte by byte: the merges call this for many pairs of short dates, and
    // `split` and `trim_end_matches` cost more to set up than to run.
    let b = s.as_bytes();
    let start = b.iter().position(|&c| c == b'/').unwrap_or(b.len());
    let end = b
        .get(..start)
        .and_then(|head| head.iter().rposition(|c| !matches!(c, b'~' | b'?' | b'%')))
        .map_or(0, |i| i + 1);
    s.get(..end).unwrap_or("")
}

/// True when one EDTF date is a prefix-refinement of the other ("1907" and
/// "1907-06-10"), ignoring qualifiers.
pub(crate) fn dates_compatible(a: &str, b: &str) -> bool {
    // Borrowed, not copied: the merges compare many pairs of dates.
    cores_compatible(date_core(a), date_core(b))
}

/// [`dates_compatible`] for dates already reduced by [`date_core`]: the
/// cross-document merge computes each core once.
pub(crate) fn cores_compatible(a: &str, b: &str) -> bool {
    !a.is_empty() && !b.is_empty() && (a.starts_with(b) || b.starts_with(a))
}

/// The value most claims support, refined to the most precise compatible
/// one: the best-supported date, then any more precise date that agrees
/// with it.
pub(crate) fn consensus_date<'a>(cands: &[(&'a str, f32)]) -> Option<&'a str> {
    let best = cands
        .iter()
        .filter(|c| c.1 >= MIN_CONFIDENCE)
        .map(|c| {
            // Each core once per candidate, not once per pair.
            let core = date_core(c.0);
            let support: f32 = cands
                .iter()
                .filter(|o| cores_compatible(date_core(o.0), core))
                .map(|o| o.1)
                .sum();
            (c.0, support + c.1)
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))?
        .0;
    let best = date_core(best);
    cands
        .iter()
        .filter(|c| c.1 >= MIN_CONFIDENCE && cores_compatible(date_core(c.0), best))
        .max_by(|a, b| {
            precision(a.0)
                .cmp(&precision(b.0))
                .then(a.1.total_cmp(&b.1))
        })
        .map(|c| c.0)
}

#[derive(Debug, Default)]
struct Acc<'a> {
    decl: Option<&'a Claim>,
    claims: Vec<&'a Claim>,
}

/// Whether the polity claim value `p` can be a party at `date`
/// (`data/rules/polity_existence.tsv`).
fn exists_at(p: &Value, date: &str) -> bool {
    let text = |k: &str| p.get(k).and_then(Value::as_str);
    // A value without a form was written as the polity's name.
    let form = text("form").or(text("name")).unwrap_or("");
    text("id").is_none_or(|id| crate::successors::exists_at(id, form, date))
}

/// The polity claim value `p` as named at `date`: its successor when the
/// words the text used name another state then
/// (`data/rules/polity_successors.tsv`: "Austria" in 1829 is the Habsburg
/// state), else `p` itself.
fn as_of(p: &Value, date: &str) -> Option<PolityRef> {
    let text = |k: &str| p.get(k).and_then(Value::as_str);
    let form = text("form").or(text("name")).unwrap_or("");
    let moved = text("id").and_then(|id| crate::successors::successor(form, id, date));
    polity_ref(moved.as_ref().unwrap_or(p))
}

fn date_of_claim(c: &Claim) -> Option<&str> {
    c.value.get("date").and_then(Value::as_str)
}

/// Builds what one document states from its claims.
pub fn document_facts(claims: &[Claim]) -> DocFacts {
    let events: Vec<&Claim> = claims
        .iter()
        .filter(|c| c.predicate == "event" && c.confidence >= MIN_EVENT_CONFIDENCE)
        .collect();
    DocFacts {
        agreements: stated_agreements(claims).into_iter().map(|x| x.0).collect(),
        events: event_facts(&events),
    }
}

/// The agreements a document states, each with the claims behind it
/// (a series member's include those of its series).
pub(crate) fn stated_agreements(claims: &[Claim]) -> Vec<(AgreementFacts, Vec<&Claim>)> {
    let mut ags: BTreeMap<usize, Acc> = BTreeMap::new();
    for c in claims {
        if let Some(n) = c
            .subject
            .strip_prefix("agreement:")
            .and_then(|n| n.parse::<usize>().ok())
        {
            let acc = ags.entry(n).or_default();
            if c.predicate == "agreement" {
                acc.decl = Some(c);
            } else {
                acc.claims.push(c);
            }
        }
    }
    let key = |s: &str| {
        s.strip_prefix("agreement:")
            .and_then(|n| n.parse::<usize>().ok())
    };
    let series_of = |a: &Acc| -> Option<usize> {
        a.decl
            .and_then(|d| d.value.get("series"))
            .and_then(Value::as_str)
            .and_then(key)
    };
    let members: Vec<usize> = ags.values().filter_map(series_of).collect();
    let mut out: Vec<(AgreementFacts, Vec<&Claim>, bool)> = Vec::new();
    for (n, acc) in &ags {
        let Some(decl) = acc.decl else { continue };
        let flag = |k: &str| decl.value.get(k).and_then(Value::as_bool).unwrap_or(false);
        let name = decl
            .value
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let dated = acc.claims.iter().any(|c| {
            c.predicate == "signed" && date_of_claim(c).is_some() && c.confidence >= MIN_CONFIDENCE
        });
        // A series is stated through its members; a plural name is one
        // instrument only when the text dates it ("the Treaties of 1858").
        if flag("is_series")
            && (members.contains(n) || flag("main") || (is_plural_name(&name) && !dated))
        {
            continue;
        }
        // A name in passing, once, with nothing said of it ("the principles
        // of the Charter"), is not a stated agreement.
        let said = acc.claims.iter().any(|c| {
            !matches!(
                c.predicate.as_str(),
                "party" | "provision" | "secret" | "led_to"
            )
        });
        let mentions = decl
            .value
            .get("mentions")
            .and_then(Value::as_u64)
            .unwrap_or(1);
        let named_parties = acc.claims.iter().any(|c| c.rule == "party.name");
        if !said && mentions <= 1 && !named_parties && series_of(acc).is_none() {
            continue;
        }
        // "the treaties of 1778", stated through the agreements of that year.
        if flag("expanded") {
            continue;
        }
        let series = series_of(acc).and_then(|s| ags.get(&s));
        let mut f = agreement_facts(name, &acc.claims);
        let mut cited: Vec<&Claim> = acc.claims.clone();
        cited.push(decl);
        if let Some(s) = series {
            let sf = agreement_facts(String::new(), &s.claims);
            if f.ended.is_none() {
                f.ended = sf.ended;
            }
            // A series is secret as a whole only when its name says so; a
            // secret clause of one member is that member's.
            let plural = s
                .decl
                .and_then(|d| d.value.get("name"))
                .and_then(Value::as_str)
                .is_some_and(is_plural_name);
            f.secret_provisions |= s.claims.iter().any(|c| c.rule == "secret.name")
                || (plural && sf.secret_provisions);
            if f.parties.len() < 2 {
                f.parties = sf.parties;
            }
            cited.extend(s.claims.iter().copied().filter(|c| {
                matches!(
                    c.predicate.as_str(),
                    "ended" | "secret" | "party" | "provision" | "disclosed"
                )
            }));
        }
        // A description ("the agreement on fisheries") is kept when the
        // text dates something of it.
        let any_date = acc.claims.iter().any(|c| {
            matches!(
                c.predicate.as_str(),
                "signed" | "effective" | "ratified" | "ended"
            ) && date_of_claim(c).is_some()
        });
        if f.name.is_empty() || (flag("indefinite") && !any_date) {
            continue;
        }
        out.push((f, cited, flag("indefinite")));
    }
    merge_descriptions(out)
}

/// "A new treaty signed in 1880" in one section and "the Angell Treaty"
/// dated 1880 in another: a description and a name with the same parties
/// and the same signing date are one agreement, under its name. Only an
/// exact date match merges, so two different treaties signed by the same
/// pair in one year stay apart unless the text dates neither more closely.
fn merge_descriptions(
    mut all: Vec<(AgreementFacts, Vec<&Claim>, bool)>,
) -> Vec<(AgreementFacts, Vec<&Claim>)> {
    let same_parties = |a: &AgreementFacts, b: &AgreementFacts| {
        a.parties.len() == b.parties.len()
            && a.parties
                .iter()
                .all(|p| b.parties.iter().any(|q| same_polity(p, q)))
    };
    let mut i = 0;
    while i < all.len() {
        // Into a name with the same date first, else into any agreement
        // the text dates as precisely or more ("an 1883 treaty with Korea"
        // and "the 1883 Korean treaty, signed on 22 May 1883").
        let target = match (&all[i].0.signed, all[i].2) {
            (Some(d), true) => {
                let fits = |j: usize, exact: bool| {
                    j != i
                        && same_parties(&all[j].0, &all[i].0)
                        && all[j].0.signed.as_deref().is_some_and(|dj| {
                            if exact {
                                dj == d && !all[j].2
                            } else {
                                dj.starts_with(d.as_str()) && dj.len() >= d.len()
                            }
                        })
                };
                (0..all.len())
                    .find(|&j| fits(j, true))
                    .or_else(|| (0..all.len()).find(|&j| fits(j, false)))
            }
            _ => None,
        };
        match target {
            Some(j) => {
                let (d, claims, _) = all.remove(i);
                let j = if j > i { j - 1 } else { j };
                if let Some((named, cited, _)) = all.get_mut(j) {
                    if named.place.is_none() {
                        named.place = d.place;
                    }
                    if named.signatories.is_empty() {
                        named.signatories = d.signatories;
                    }
                    if named.ended.is_none() {
                        named.ended = d.ended;
                    }
                    named.secret_provisions |= d.secret_provisions;
                    cited.extend(claims);
                }
            }
            None => i += 1,
        }
    }
    all.into_iter().map(|(f, c, _)| (f, c)).collect()
}

fn agreement_facts(name: String, claims: &[&Claim]) -> AgreementFacts {
    fn by<'c, 'p>(
        claims: &'c [&'c Claim],
        p: &'p str,
    ) -> impl Iterator<Item = &'c &'c Claim> + use<'c, 'p> {
        claims.iter().filter(move |c| c.predicate == p)
    }
    let by = |p: &'static str| by(claims, p);
    let dates = |p: &'static str| -> Vec<(&str, f32)> {
        by(p)
            .filter_map(|c| date_of_claim(c).map(|d| (d, c.confidence)))
            .collect()
    };
    let signed = consensus_date(&dates("signed")).map(str::to_string);
    let ended = consensus_date(&dates("ended")).map(str::to_string);
    let place = by("place")
        .filter(|c| c.confidence >= MIN_CONFIDENCE)
        .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
        .and_then(|c| c.value.get("name").and_then(Value::as_str))
        .map(str::to_string);
    // Parties from the nearest evidence first: the name or infobox, the
    // signing clause, the sentence naming it, the document's pair.
    let tier = |c: &Claim| -> u8 {
        match c.rule.as_str() {
            "party.name" | "infobox.party" => 0,
            "party.sentence" => 2,
            "party.document-pair" | "party.paragraph" => 3,
            _ => 1,
        }
    };
    // A polity that did not yet exist when the agreement was signed is a
    // misreading of its name ("Indian" treaties of 1830 are not India's).
    let existed = |c: &Claim| exists_at(&c.value, signed.as_deref().unwrap_or(""));
    let mut parties = Vec::new();
    for t in 0..=3u8 {
        let mut ps = Vec::new();
        for c in by("party").filter(|c| tier(c) == t && existed(c)) {
            if let Some(p) = as_of(&c.value, signed.as_deref().unwrap_or("")) {
                push_polity(&mut ps, p);
            }
        }
        if ps.len() >= 2 {
            if parties.len() == 1 {
                // One party stated ("a treaty with Korea"): the other is
                // the first of the next evidence, most often the anchor
                // of the document's pair.
                if let Some(p) = ps.into_iter().find(|p| !same_polity(p, &parties[0])) {
                    parties.push(p);
                }
            } else {
                parties = ps;
            }
            break;
        }
        if parties.is_empty() {
            parties = ps;
        }
    }
    let mut signatories: Vec<String> = Vec::new();
    for c in by("signatory").filter(|c| c.confidence >= MIN_CONFIDENCE) {
        if let Some(n) = c.value.get("name").and_then(Value::as_str) {
            if !signatories.iter().any(|s| s == n) {
                signatories.push(n.to_string());
            }
        }
    }
    let secret = by("secret").any(|c| c.confidence >= MIN_CONFIDENCE)
        || by("provision").any(|c| c.value.get("secret").and_then(Value::as_bool) == Some(true));
    AgreementFacts {
        name,
        signed,
        place,
        parties,
        signatories,
        secret_provisions: secret,
        ended,
    }
}

/// Kinds of event that happen once between a pair at a time: two days
/// close together are one act told twice ("B severed relations on 20
/// February. A announced the suspension on 21 February"). Meetings and
/// dialogue sessions can come on consecutive days.
fn one_act(kind: &str) -> bool {
    !matches!(kind, "meeting" | "dialogue_session")
}

/// How many days lie between two full days (`YYYY-MM-DD`); `None` unless
/// both are certain days.
fn days_apart(a: &str, b: &str) -> Option<i64> {
    let day = |s: &str| {
        (precision(s) == 3)
            .then(|| Edtf::parse(s).ok())
            .flatten()
            .and_then(|e| e.bounds().earliest)
    };
    let (x, y) = (day(a)?, day(b)?);
    let span = x.until(y).ok()?;
    Some(i64::from(span.get_days()).abs())
}

fn event_facts(events: &[&Claim]) -> Vec<EventFacts> {
    // (facts, dedup key: kind + ordinal for dialogue sessions + instance,
    // best precision seen, best confidence)
    let mut out: Vec<(EventFacts, String, f32)> = Vec::new();
    for c in events {
        let kind = c.value.get("kind").and_then(Value::as_str).unwrap_or("");
        let date = date_of_claim(c).or(c.valid_time.as_deref()).unwrap_or("");
        let mut parties = Vec::new();
        for p in c
            .value
            .get("parties")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|p| exists_at(p, date))
        {
            if let Some(p) = polity_ref(p) {
                push_polity(&mut parties, p);
            }
        }
        // Sessions of standing dialogues are separate facts even on one
        // date (two dialogues met during one visit): never merged unless
        // they come from the same trigger.
        let sub = if kind == "dialogue_session" {
            format!(
                "{}/{}/{}",
                c.source.evidence.start,
                c.value
                    .get("ordinal")
                    .map(Value::to_string)
                    .unwrap_or_default(),
                c.value
                    .get("instance")
                    .map(Value::to_string)
                    .unwrap_or_default()
            )
        } else {
            String::new()
        };
        let k = format!("{kind}#{sub}");
        let date = c.valid_time.clone();
        let same_parties = |a: &[PolityRef], b: &[PolityRef]| {
            a.len() == b.len() && a.iter().all(|x| b.iter().any(|y| same_polity(x, y)))
        };
        let found = out.iter_mut().find(|(e, key, _)| {
            *key == k
                && same_parties(&e.parties, &parties)
                && match (&e.date, &date) {
                    (Some(a), Some(b)) => {
                        dates_compatible(a, b)
                            || (one_act(kind) && days_apart(a, b).is_some_and(|d| d <= 3))
                    }
                    _ => false,
                }
        });
        match found {
            Some((e, _, conf)) => {
                let (old, new) = (
                    e.date.as_deref().map(precision).unwrap_or(0),
                    date.as_deref().map(precision).unwrap_or(0),
                );
                if new > old {
                    e.date = date;
                    *conf = conf.max(c.confidence);
                }
            }
            None => out.push((
                EventFacts {
                    kind: kind.to_string(),
                    date,
                    parties,
                },
                k,
                c.confidence,
            )),
        }
    }
    out.into_iter().map(|x| x.0).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn consensus_prefers_precise_agreeing_value() {
        let c = [("1907", 0.5), ("1907-06-10", 0.8), ("1908", 0.3)];
        assert_eq!(consensus_date(&c), Some("1907-06-10"));
        let c = [("1917", 0.6), ("1918", 0.7), ("1917", 0.5)];
        assert_eq!(consensus_date(&c), Some("1917"));
    }

    #[test]
    fn compatible_dates() {
        assert!(dates_compatible("1916-07-03~", "1916-07"));
        assert!(!dates_compatible("1917", "1918"));
        assert!(dates_compatible("2018-01-26/2018-01-29", "2018-01"));
    }

    #[test]
    fn date_cores() {
        assert_eq!(date_core("1916-07-03~"), "1916-07-03");
        assert_eq!(date_core("1907?~/1908"), "1907");
        assert_eq!(date_core("/1908"), "");
        assert_eq!(date_core("%"), "");
        assert_eq!(date_core("19XX"), "19XX");
    }

    fn claim(predicate: &str, value: Value, rule: &str) -> Claim {
        Claim {
            subject: "agreement:0".into(),
            predicate: predicate.into(),
            value,
            valid_time: None,
            source: crate::Citation {
                doc: "d".into(),
                sentence: entente_source::Span::new(0, 1),
                evidence: entente_source::Span::new(0, 1),
            },
            rule: rule.into(),
            confidence: 0.9,
        }
    }

    /// One break told twice, a day apart and from each side, is one fact;
    /// a break and another a week later are two, and so are meetings on
    /// consecutive days.
    #[test]
    fn one_act_told_twice_is_one_event() {
        let ev = |kind: &str, day: &str, first: &str| {
            let (a, b) = (
                serde_json::json!({"id": "USA", "name": "United States", "cow": 2}),
                serde_json::json!({"id": "BGR", "name": "Bulgaria", "cow": 355}),
            );
            let parties = if first == "USA" { [a, b] } else { [b, a] };
            let mut c = claim(
                "event",
                serde_json::json!({"kind": kind, "parties": parties}),
                "ev.test",
            );
            c.valid_time = Some(day.into());
            c
        };
        let dates = |claims: &[Claim]| {
            let refs: Vec<&Claim> = claims.iter().collect();
            event_facts(&refs)
                .into_iter()
                .map(|e| e.date.unwrap_or_default())
                .collect::<Vec<_>>()
        };
        let kind = "relations_suspended";
        assert_eq!(
            dates(&[ev(kind, "1950-02-20", "BGR"), ev(kind, "1950-02-21", "USA")]),
            ["1950-02-20"]
        );
        assert_eq!(
            dates(&[ev(kind, "1950-02-20", "BGR"), ev(kind, "1950-02-28", "USA")]),
            ["1950-02-20", "1950-02-28"]
        );
        assert_eq!(
            dates(&[
                ev("meeting", "2018-01-26", "USA"),
                ev("meeting", "2018-01-27", "USA")
            ]),
            ["2018-01-26", "2018-01-27"]
        );
    }

    /// "Indian" read as India in a treaty of 1830 is not a party; the same
    /// claims in 1950 keep it. Events are judged by their own dates.
    #[test]
    fn a_polity_is_no_party_before_it_acts_as_a_state() {
        let parties = |year: &str| {
            let claims = [
                claim("signed", serde_json::json!({"date": year}), "sign.signed"),
                claim(
                    "party",
                    serde_json::json!({"id": "IND", "name": "India", "cow": 750, "form": "Indian"}),
                    "party.name",
                ),
                claim(
                    "party",
                    serde_json::json!({"id": "USA", "name": "United States", "cow": 2}),
                    "party.name",
                ),
            ];
            let refs: Vec<&Claim> = claims.iter().collect();
            agreement_facts("Treaty".into(), &refs)
                .parties
                .into_iter()
                .map(|p| p.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(parties("1830"), ["United States"]);
        assert_eq!(parties("1950-01-26"), ["India", "United States"]);

        let mut event = claim(
            "event",
            serde_json::json!({"kind": "meeting", "parties": [
                {"id": "USA", "name": "United States", "cow": 2},
                {"id": "GEO", "name": "Georgia", "cow": 372, "form": "Georgia"}]}),
            "event.meeting",
        );
        event.valid_time = Some("1774-09-05".into());
        let old = event_facts(&[&event]);
        event.valid_time = Some("1995-05-05".into());
        let new = event_facts(&[&event]);
        assert_eq!(old[0].parties.len(), 1);
        assert_eq!(new[0].parties.len(), 2);
    }

    proptest::proptest! {
        /// The byte-wise core is the part before the first `/` with the
        /// qualifiers trimmed from its end.
        #[test]
        fn date_core_is_the_head_without_qualifiers(s in "[0-9~?%/X\\-é]{0,14}") {
            let want = s.split('/').next().unwrap_or("").trim_end_matches(['~', '?', '%']);
            proptest::prop_assert_eq!(date_core(&s), want);
        }
    }
}
