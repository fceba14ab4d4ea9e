//! The state of the system at a date: agreements in force, spheres of
//! influence, alignments between pairs, the network; and the conflicts.

use crate::base::{polity_key, Base, Prepared, Provision};
use crate::time::{format_day, Day, Tri};
use entente_extract::facts::PolityRef;
use entente_extract::resolve::{Agreement, Cited, Conflict};
use serde::Serialize;
use std::collections::BTreeMap;

/// A provision as of a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProvisionAt {
    pub kind: String,
    pub secret: bool,
    /// Whether the public could know it at the date.
    pub public: Tri,
    pub regions: Vec<String>,
    pub beneficiary: Option<PolityRef>,
}

/// An agreement in force (certainly or possibly) at a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgreementAt {
    pub id: String,
    pub name: String,
    /// From the name: `treaty`, `alliance`, ... (`data/query/agreement_kinds.tsv`).
    pub kind: String,
    /// EDTF.
    pub signed: Option<String>,
    /// EDTF, when a source gives an effective date.
    pub effective: Option<String>,
    /// EDTF, when a source ends it.
    pub ended: Option<String>,
    /// `yes` or `possibly`.
    pub in_force: Tri,
    /// Whether the public could know of the agreement at the date.
    pub public: Tri,
    pub parties: Vec<PolityRef>,
    pub provisions: Vec<ProvisionAt>,
}

/// One polity's sphere in one region.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sphere {
    pub region: String,
    pub polity: PolityRef,
    /// The other parties of the agreement that grants it.
    pub recognised_by: Vec<PolityRef>,
    /// Whether the granting agreement is in force: `yes` or `possibly`.
    pub status: Tri,
    /// Whether the public could know it at the date.
    pub public: Tri,
    pub secret: bool,
    /// Id and name of the agreement.
    pub agreement: String,
    pub agreement_name: String,
}

/// What binds a pair of polities at a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alignment {
    /// The pair, ordered by COW code then name.
    pub pair: [PolityRef; 2],
    /// The kinds of the agreements, sorted.
    pub kinds: Vec<String>,
    /// Ids of the agreements.
    pub agreements: Vec<String>,
    /// The strongest answer among them.
    pub in_force: Tri,
}

/// The state of the system at a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AsOf {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// True when only what the public could know is shown.
    pub public_only: bool,
    pub agreements: Vec<AgreementAt>,
    pub spheres: Vec<Sphere>,
    pub alignments: Vec<Alignment>,
    /// Ids of the agreements no source dates: the base cannot say when
    /// they were in force, so they are in none of the lists above.
    pub undated: Vec<String>,
}

/// A node of the network: a polity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// `cow:740`, or `name:hawaii` for a polity without a COW code.
    pub id: String,
    pub name: String,
    pub cow: Option<u16>,
}

/// An edge: one agreement in force between two of its parties.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Edge {
    pub source: String,
    pub target: String,
    /// The agreement's kind.
    pub kind: String,
    pub agreement: String,
    pub name: String,
    pub in_force: Tri,
}

/// The network of agreements in force at a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Network {
    pub date: String,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
}

/// Every pair of distinct parties, each pair once, ordered within.
pub(crate) fn pairs(parties: &[PolityRef]) -> Vec<(PolityRef, PolityRef)> {
    let mut out = Vec::new();
    for (i, a) in parties.iter().enumerate() {
        for b in parties.iter().skip(i + 1) {
            if polity_key(a) == polity_key(b) {
                continue;
            }
            let (x, y) = if order(a) <= order(b) { (a, b) } else { (b, a) };
            out.push((x.clone(), y.clone()));
        }
    }
    out
}

fn order(p: &PolityRef) -> (u16, String) {
    (p.cow.unwrap_or(u16::MAX), p.name.clone())
}

fn provisions_at(p: &Prepared, d: Day, public_only: bool) -> Vec<ProvisionAt> {
    p.provisions
        .iter()
        .map(|pr| ProvisionAt {
            kind: pr.kind.clone(),
            secret: pr.secret,
            public: p.provision_known(pr, d),
            regions: pr.regions.clone(),
            beneficiary: pr.beneficiary.clone(),
        })
        .filter(|pr| !public_only || pr.public != Tri::No)
        .collect()
}

fn spheres_of(a: &Agreement, p: &Prepared, status: Tri, d: Day, public_only: bool) -> Vec<Sphere> {
    let mut out = Vec::new();
    for pr in p
        .provisions
        .iter()
        .filter(|pr| pr.kind == "sphere_of_influence")
    {
        let Some(holder) = &pr.beneficiary else {
            continue;
        };
        // A sphere is a claim of a party recognised by the others; a
        // beneficiary outside the parties is the region's sovereign or a
        // misread, not a sphere holder.
        if !a
            .parties
            .iter()
            .any(|x| polity_key(x) == polity_key(holder))
        {
            continue;
        }
        let public = p.provision_known(pr, d);
        if public_only && public == Tri::No {
            continue;
        }
        let recognised_by: Vec<PolityRef> = a
            .parties
            .iter()
            .filter(|x| polity_key(x) != polity_key(holder))
            .cloned()
            .collect();
        for region in &pr.regions {
            out.push(Sphere {
                region: region.clone(),
                polity: holder.clone(),
                recognised_by: recognised_by.clone(),
                status,
                public,
                secret: pr.secret,
                agreement: a.id.clone(),
                agreement_name: a.name.clone(),
            });
        }
    }
    out
}

fn merge_spheres(mut all: Vec<Sphere>) -> Vec<Sphere> {
    // One row per (region, holder, agreement): the same sphere stated by
    // several sources or clauses keeps its strongest answers.
    all.sort_by(|a, b| {
        (a.region.as_str(), order(&a.polity), a.agreement.as_str()).cmp(&(
            b.region.as_str(),
            order(&b.polity),
            b.agreement.as_str(),
        ))
    });
    let mut out: Vec<Sphere> = Vec::new();
    for s in all {
        match out.last_mut() {
            Some(l)
                if l.region == s.region && l.polity == s.polity && l.agreement == s.agreement =>
            {
                l.public = l.public.max(s.public);
                l.secret &= s.secret;
            }
            _ => out.push(s),
        }
    }
    out
}

impl Base<'_> {
    /// The state of the system at day `d`; with `public_only`, only what
    /// the public could know at `d`.
    pub fn asof(&self, d: Day, public_only: bool) -> AsOf {
        let mut agreements = Vec::new();
        let mut spheres = Vec::new();
        let mut pairs_map: BTreeMap<(String, String), Alignment> = BTreeMap::new();
        for (a, p, t) in self.in_force_at(d) {
            let known = p.known(d);
            if public_only && known == Tri::No {
                continue;
            }
            agreements.push(AgreementAt {
                id: a.id.clone(),
                name: a.name.clone(),
                kind: p.kind.to_string(),
                signed: a.signed.clone(),
                effective: p.effective.clone(),
                ended: a.ended.clone(),
                in_force: t,
                public: known,
                parties: a.parties.clone(),
                provisions: provisions_at(p, d, public_only),
            });
            spheres.extend(spheres_of(a, p, t, d, public_only));
            for (x, y) in pairs(&a.parties) {
                let al = pairs_map
                    .entry((polity_key(&x), polity_key(&y)))
                    .or_insert_with(|| Alignment {
                        pair: [x, y],
                        kinds: Vec::new(),
                        agreements: Vec::new(),
                        in_force: Tri::No,
                    });
                if !al.kinds.iter().any(|k| k == p.kind) {
                    al.kinds.push(p.kind.to_string());
                    al.kinds.sort();
                }
                al.agreements.push(a.id.clone());
                al.in_force = al.in_force.max(t);
            }
        }
        let mut alignments: Vec<Alignment> = pairs_map.into_values().collect();
        alignments.sort_by(|a, b| {
            (order(&a.pair[0]), order(&a.pair[1])).cmp(&(order(&b.pair[0]), order(&b.pair[1])))
        });
        AsOf {
            date: format_day(d),
            public_only,
            agreements,
            spheres: merge_spheres(spheres),
            alignments,
            undated: self.undated().map(|a| a.id.clone()).collect(),
        }
    }

    /// The spheres of influence at day `d`.
    pub fn spheres(&self, d: Day, public_only: bool) -> Vec<Sphere> {
        self.asof(d, public_only).spheres
    }

    /// Polities as nodes, agreements in force as typed edges, at day `d`.
    pub fn network(&self, d: Day) -> Network {
        let mut nodes: BTreeMap<String, Node> = BTreeMap::new();
        let mut edges = Vec::new();
        for (a, p, t) in self.in_force_at(d) {
            for party in &a.parties {
                nodes.entry(polity_key(party)).or_insert_with(|| Node {
                    id: polity_key(party),
                    name: party.name.clone(),
                    cow: party.cow,
                });
            }
            for (x, y) in pairs(&a.parties) {
                edges.push(Edge {
                    source: polity_key(&x),
                    target: polity_key(&y),
                    kind: p.kind.to_string(),
                    agreement: a.id.clone(),
                    name: a.name.clone(),
                    in_force: t,
                });
            }
        }
        let mut nodes: Vec<Node> = nodes.into_values().collect();
        nodes.sort_by_key(|n| (n.cow.unwrap_or(u16::MAX), n.name.clone()));
        Network {
            date: format_day(d),
            nodes,
            edges,
        }
    }

    /// Every disagreement between sources, with all of them.
    pub fn conflicts(&self) -> Vec<ConflictOut> {
        self.kb
            .conflicts
            .iter()
            .map(|c| ConflictOut::new(c, self.kb.agreements.iter().find(|a| a.id == c.agreement)))
            .collect()
    }

    /// The provisions of agreement `i` (index into `kb.agreements`).
    pub fn provisions(&self, i: usize) -> &[Provision] {
        self.prepared
            .get(i)
            .map_or(&[], |p| p.provisions.as_slice())
    }
}

/// A conflict as the query reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictOut {
    pub agreement: String,
    pub agreement_name: String,
    /// `signed`, `ended`, ...
    pub attribute: String,
    /// The value the base reports.
    pub consensus: Option<String>,
    /// Each value with the sources that give it.
    pub values: Vec<ConflictValue>,
}

/// One side of a conflict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictValue {
    pub value: String,
    pub sources: Vec<Cited>,
}

impl ConflictOut {
    fn new(c: &Conflict, a: Option<&Agreement>) -> ConflictOut {
        ConflictOut {
            agreement: c.agreement.clone(),
            agreement_name: a.map(|a| a.name.clone()).unwrap_or_default(),
            attribute: c.attribute.clone(),
            consensus: c.consensus.clone(),
            values: c
                .values
                .iter()
                .map(|(v, s)| ConflictValue {
                    value: v.clone(),
                    sources: s.clone(),
                })
                .collect(),
        }
    }
}
