//! A structural check of GEXF 1.3 documents, written from the rules the
//! format states (no schema file ships with any package we may install, and
//! none may be fetched at run time). It checks what an XSD would, plus what
//! an XSD cannot: that edges join declared nodes, that ids are unique, that
//! times parse in the declared `timeformat` with start ≤ end, and that
//! attribute values name declared attributes and parse as their type.
//!
//! ```
//! let ok = r#"<gexf xmlns="http://gexf.net/1.3" version="1.3"><graph>
//!   <nodes><node id="a"/><node id="b"/></nodes>
//!   <edges><edge id="e" source="a" target="b"/></edges></graph></gexf>"#;
//! assert!(entente_query::gexf_check::problems(ok).is_empty());
//! ```

use std::collections::{HashMap, HashSet};

/// The GEXF 1.3 namespace.
pub const NS: &str = "http://gexf.net/1.3";

const ATTR_TYPES: &[&str] = &[
    "integer",
    "long",
    "double",
    "float",
    "boolean",
    "bigdecimal",
    "biginteger",
    "byte",
    "char",
    "short",
    "liststring",
    "listboolean",
    "listinteger",
    "listlong",
    "listfloat",
    "listdouble",
    "listbyte",
    "listshort",
    "listbigdecimal",
    "listbiginteger",
    "listchar",
    "string",
    "anyURI",
];

/// Everything wrong with `xml` as a GEXF 1.3 document; empty when valid.
pub fn problems(xml: &str) -> Vec<String> {
    let doc = match roxmltree::Document::parse(xml) {
        Ok(d) => d,
        Err(e) => return vec![format!("not well-formed XML: {e}")],
    };
    let mut c = Checker::default();
    c.root(doc.root_element());
    c.out
}

#[derive(Default)]
struct Checker {
    out: Vec<String>,
    timeformat: String,
    /// Declared attributes per class (`node`, `edge`): id → type.
    attrs: HashMap<String, HashMap<String, String>>,
    nodes: HashSet<String>,
    edges: HashSet<String>,
}

type Node<'a, 'i> = roxmltree::Node<'a, 'i>;

fn elements<'a, 'i>(n: Node<'a, 'i>) -> impl Iterator<Item = Node<'a, 'i>> {
    n.children().filter(|c| c.is_element())
}

fn at(n: Node<'_, '_>) -> String {
    let pos = n.document().text_pos_at(n.range().start);
    format!("<{}> at {}:{}", n.tag_name().name(), pos.row, pos.col)
}

fn is_date(s: &str) -> bool {
    // xs:date: an optional sign, a year of four or more digits, month, day,
    // and an optional time zone.
    let s = s.strip_prefix('-').unwrap_or(s);
    let body = s
        .strip_suffix('Z')
        .unwrap_or(s)
        .rsplit_once(['+', '-'])
        .filter(|(_, tz)| tz.len() == 5 && tz.as_bytes().get(2) == Some(&b':'))
        .map_or(s.strip_suffix('Z').unwrap_or(s), |(b, _)| b);
    let parts: Vec<&str> = body.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return false;
    };
    let num = |t: &str| t.bytes().all(|b| b.is_ascii_digit()) && !t.is_empty();
    if !(y.len() >= 4 && num(y) && m.len() == 2 && num(m) && d.len() == 2 && num(d)) {
        return false;
    }
    let (Ok(year), Ok(month), Ok(day)) = (y.parse::<i64>(), m.parse::<u32>(), d.parse::<u32>())
    else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let last = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=last).contains(&day)
}

impl Checker {
    fn bad(&mut self, n: Node<'_, '_>, what: impl std::fmt::Display) {
        self.out.push(format!("{}: {what}", at(n)));
    }

    /// An element of the GEXF namespace with one of these names.
    fn expect(&mut self, n: Node<'_, '_>, names: &[&str]) -> bool {
        let ok = n.tag_name().namespace() == Some(NS) && names.contains(&n.tag_name().name());
        if !ok {
            self.bad(n, format!("unexpected element (want one of {names:?})"));
        }
        ok
    }

    fn enumerated(&mut self, n: Node<'_, '_>, attr: &str, allowed: &[&str], required: bool) {
        match n.attribute(attr) {
            Some(v) if !allowed.contains(&v) => {
                self.bad(n, format!("{attr}={v:?} is not one of {allowed:?}"))
            }
            None if required => self.bad(n, format!("{attr} is required")),
            _ => {}
        }
    }

    /// A time value as the graph's `timeformat` reads it, as a sortable key.
    fn time(&mut self, n: Node<'_, '_>, attr: &str) -> Option<(f64, String)> {
        let v = n.attribute(attr)?;
        let key = match self.timeformat.as_str() {
            "integer" => v.parse::<i64>().ok().map(|i| (i as f64, String::new())),
            "date" => is_date(v).then(|| (0.0, v.to_string())),
            "dateTime" => v
                .split_once('T')
                .filter(|(d, t)| is_date(d) && t.len() >= 8)
                .map(|_| (0.0, v.to_string())),
            // `double` is the default.
            _ => v.parse::<f64>().ok().map(|f| (f, String::new())),
        };
        if key.is_none() {
            let tf = self.timeformat.clone();
            self.bad(n, format!("{attr}={v:?} is not a {tf}"));
        }
        key
    }

    fn interval(&mut self, n: Node<'_, '_>) {
        let start = self.time(n, "start");
        let end = self.time(n, "end");
        self.time(n, "timestamp");
        if let (Some(s), Some(e)) = (start, end) {
            // Dates compare as text only with the same sign and width.
            if e < s {
                self.bad(n, "end before start");
            }
        }
    }

    fn root(&mut self, n: Node<'_, '_>) {
        if !self.expect(n, &["gexf"]) {
            return;
        }
        if n.attribute("version") != Some("1.3") {
            self.bad(n, "version must be \"1.3\"");
        }
        let kids: Vec<Node<'_, '_>> = elements(n).collect();
        let names: Vec<&str> = kids.iter().map(|k| k.tag_name().name()).collect();
        if !(names == ["graph"] || names == ["meta", "graph"]) {
            self.bad(n, format!("children must be [meta] graph, not {names:?}"));
        }
        for k in kids {
            match k.tag_name().name() {
                "meta" => self.meta(k),
                "graph" => self.graph(k),
                _ => {
                    self.expect(k, &["meta", "graph"]);
                }
            }
        }
    }

    fn meta(&mut self, n: Node<'_, '_>) {
        if let Some(d) = n.attribute("lastmodifieddate") {
            if !is_date(d) {
                self.bad(n, format!("lastmodifieddate={d:?} is not a date"));
            }
        }
        for k in elements(n) {
            self.expect(k, &["creator", "keywords", "description"]);
        }
    }

    fn graph(&mut self, n: Node<'_, '_>) {
        self.enumerated(n, "mode", &["static", "dynamic", "slice"], false);
        self.enumerated(
            n,
            "defaultedgetype",
            &["directed", "undirected", "mutual"],
            false,
        );
        self.enumerated(
            n,
            "timeformat",
            &["integer", "double", "date", "dateTime"],
            false,
        );
        self.enumerated(n, "timerepresentation", &["interval", "timestamp"], false);
        self.timeformat = n.attribute("timeformat").unwrap_or("double").to_string();
        self.interval(n);
        // attributes*, then nodes, then edges.
        let mut stage = 0;
        for k in elements(n) {
            if !self.expect(k, &["attributes", "nodes", "edges"]) {
                continue;
            }
            let s = match k.tag_name().name() {
                "attributes" => 0,
                "nodes" => 1,
                _ => 2,
            };
            if s < stage || (s > 0 && s == stage) {
                self.bad(k, "out of order or repeated (attributes*, nodes, edges)");
            }
            stage = s;
            match s {
                0 => self.attributes(k),
                1 => {
                    for node in elements(k) {
                        self.node(node);
                    }
                }
                _ => {
                    for edge in elements(k) {
                        self.edge(edge);
                    }
                }
            }
        }
    }

    fn attributes(&mut self, n: Node<'_, '_>) {
        self.enumerated(n, "class", &["node", "edge"], true);
        self.enumerated(n, "mode", &["static", "dynamic"], false);
        let class = n.attribute("class").unwrap_or("").to_string();
        for a in elements(n) {
            if !self.expect(a, &["attribute"]) {
                continue;
            }
            for req in ["id", "title", "type"] {
                if a.attribute(req).is_none() {
                    self.bad(a, format!("{req} is required"));
                }
            }
            self.enumerated(a, "type", ATTR_TYPES, false);
            let (Some(id), Some(ty)) = (a.attribute("id"), a.attribute("type")) else {
                continue;
            };
            let declared = self.attrs.entry(class.clone()).or_default();
            if declared.insert(id.to_string(), ty.to_string()).is_some() {
                self.bad(a, format!("attribute id {id:?} declared twice for {class}"));
            }
            for d in elements(a) {
                self.expect(d, &["default", "options"]);
            }
        }
    }

    fn node(&mut self, n: Node<'_, '_>) {
        if !self.expect(n, &["node"]) {
            return;
        }
        match n.attribute("id") {
            None => self.bad(n, "id is required"),
            Some(id) => {
                if !self.nodes.insert(id.to_string()) {
                    self.bad(n, format!("node id {id:?} is not unique"));
                }
            }
        }
        self.interval(n);
        self.content(n, "node");
    }

    fn edge(&mut self, n: Node<'_, '_>) {
        if !self.expect(n, &["edge"]) {
            return;
        }
        match n.attribute("id") {
            None => self.bad(n, "id is required"),
            Some(id) => {
                if !self.edges.insert(id.to_string()) {
                    self.bad(n, format!("edge id {id:?} is not unique"));
                }
            }
        }
        for end in ["source", "target"] {
            match n.attribute(end) {
                None => self.bad(n, format!("{end} is required")),
                Some(id) if !self.nodes.contains(id) => {
                    self.bad(n, format!("{end}={id:?} is no declared node"))
                }
                _ => {}
            }
        }
        self.enumerated(n, "type", &["directed", "undirected", "mutual"], false);
        if let Some(w) = n.attribute("weight") {
            if w.parse::<f64>().is_err() {
                self.bad(n, format!("weight={w:?} is not a number"));
            }
        }
        self.interval(n);
        self.content(n, "edge");
    }

    /// The children of a node or an edge: attribute values and spells (and
    /// the visual or hierarchy extensions, left alone).
    fn content(&mut self, n: Node<'_, '_>, class: &str) {
        for k in elements(n) {
            if k.tag_name().namespace() != Some(NS) {
                continue; // viz: and other extension namespaces
            }
            match k.tag_name().name() {
                "attvalues" => {
                    for v in elements(k) {
                        if self.expect(v, &["attvalue"]) {
                            self.attvalue(v, class);
                        }
                    }
                }
                "spells" => {
                    let spells: Vec<Node<'_, '_>> = elements(k).collect();
                    if spells.is_empty() {
                        self.bad(k, "spells needs at least one spell");
                    }
                    for s in spells {
                        if self.expect(s, &["spell"]) {
                            self.interval(s);
                        }
                    }
                }
                "parents" | "nodes" | "edges" => {}
                _ => {
                    self.expect(k, &["attvalues", "spells", "parents", "nodes", "edges"]);
                }
            }
        }
    }

    fn attvalue(&mut self, v: Node<'_, '_>, class: &str) {
        let (Some(id), Some(value)) = (v.attribute("for"), v.attribute("value")) else {
            self.bad(v, "for and value are required");
            return;
        };
        let ty = self
            .attrs
            .get(class)
            .and_then(|m| m.get(id))
            .map(String::as_str);
        let ok = match ty {
            None => {
                self.bad(v, format!("for={id:?} is no declared {class} attribute"));
                return;
            }
            Some("integer" | "long" | "short" | "byte" | "biginteger") => {
                value.parse::<i128>().is_ok()
            }
            Some("double" | "float" | "bigdecimal") => value.parse::<f64>().is_ok(),
            Some("boolean") => matches!(value, "true" | "false" | "1" | "0"),
            Some("char") => value.chars().count() == 1,
            _ => true,
        };
        if !ok {
            self.bad(
                v,
                format!("value={value:?} is not a {}", ty.unwrap_or("value")),
            );
        }
        self.interval(v);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn wrap(graph_attrs: &str, body: &str) -> String {
        format!(
            "<?xml version=\"1.0\"?><gexf xmlns=\"{NS}\" version=\"1.3\"><meta><creator>t</creator></meta>\
             <graph {graph_attrs}>{body}</graph></gexf>"
        )
    }

    const DECL: &str = "<attributes class=\"node\"><attribute id=\"n\" title=\"n\" type=\"integer\"/></attributes>";

    #[test]
    fn a_small_dynamic_graph_passes() {
        let x = wrap(
            "mode=\"dynamic\" timeformat=\"date\"",
            &format!(
                "{DECL}<nodes><node id=\"a\"><attvalues><attvalue for=\"n\" value=\"7\"/></attvalues></node>\
                 <node id=\"b\"/></nodes><edges><edge id=\"e\" source=\"a\" target=\"b\" start=\"1801-07-03\" end=\"1805-02-28\">\
                 <spells><spell start=\"1801-07-03\" end=\"1802-01-01\"/></spells></edge></edges>"
            ),
        );
        assert_eq!(problems(&x), Vec::<String>::new());
    }

    #[test]
    fn each_broken_rule_is_reported() {
        let cases = [
            (wrap("mode=\"sometimes\"", ""), "mode="),
            (wrap("timeformat=\"date\"", "<nodes><node id=\"a\" start=\"1801-13-01\"/></nodes>"), "is not a date"),
            (wrap("timeformat=\"date\"", "<nodes><node id=\"a\" start=\"1805-01-01\" end=\"1801-01-01\"/></nodes>"), "end before start"),
            (wrap("", "<nodes><node id=\"a\"/><node id=\"a\"/></nodes>"), "not unique"),
            (wrap("", "<nodes><node id=\"a\"/></nodes><edges><edge id=\"e\" source=\"a\" target=\"z\"/></edges>"), "no declared node"),
            (wrap("", &format!("{DECL}<nodes><node id=\"a\"><attvalues><attvalue for=\"n\" value=\"x\"/></attvalues></node></nodes>")), "is not a integer"),
            (wrap("", &format!("{DECL}<nodes><node id=\"a\"><attvalues><attvalue for=\"m\" value=\"1\"/></attvalues></node></nodes>")), "no declared node attribute"),
            (wrap("", "<attributes class=\"graph\"/>"), "class="),
            (wrap("", "<edges/><nodes/>"), "out of order"),
            (wrap("timeformat=\"integer\"", "<nodes><node id=\"a\"><spells><spell start=\"x\"/></spells></node></nodes>"), "is not a integer"),
            (format!("<gexf xmlns=\"{NS}\" version=\"1.2\"><graph/></gexf>"), "version"),
            ("<gexf xmlns=\"http://example.org/other\" version=\"1.3\"><graph/></gexf>".to_string(), "unexpected element"),
            ("<gexf".to_string(), "well-formed"),
        ];
        for (xml, want) in cases {
            let p = problems(&xml);
            assert!(
                p.iter().any(|m| m.contains(want)),
                "want {want:?} for {xml}\ngot {p:?}"
            );
        }
    }

    #[test]
    fn dates_follow_the_calendar() {
        assert!(is_date("1912-02-29"));
        assert!(!is_date("1900-02-29"));
        assert!(is_date("2000-02-29"));
        assert!(is_date("-0500-01-01"));
        assert!(is_date("1907-06-10Z"));
        assert!(!is_date("1907-6-10"));
        assert!(!is_date("1907"));
    }
}
