#!/usr/bin/env python3
"""The simplest facts one can honestly build from the peer's NER output.

    facts.py --entities entities.jsonl --cow cow-codes.tsv > facts.json

Input: peer.py --out. Output: the facts interchange format (FORMAT.md).
No gazetteer, no rules beyond these:

- agreement: a sentence with a LAW or EVENT entity (or an ORG entity, since
  the small model often tags treaty names so) whose text has a treaty word.
  Name = the entity; signed = the first normalised DATE of the sentence;
  place = the first GPE after "in"/"at" in a sentence that says "signed";
  parties = the GPE and NORP entities of the sentence mapped to COW codes;
  signatories = PERSON entities of a "signed" sentence; secret_provisions =
  whether any sentence naming it says "secret". One agreement per name per
  document; later sentences only fill what is still empty.
- event: a sentence with a relations keyword (below) and at least one
  polity; date = its first normalised DATE, parties = its polities.
"""
import argparse
import json
import re
import sys

TREATY = re.compile(
    r"\b(treaty|agreement|convention|pact|alliance|entente|accord|protocol|declaration)\b",
    re.I,
)
# (kind, pattern) in order: the first that matches wins.
EVENTS = [
    ("legation_to_embassy", re.compile(r"legation.*embassy|embassy.*legation", re.I)),
    ("relations_suspended", re.compile(r"\b(sever|broke off|break off|suspend)", re.I)),
    ("relations_resumed", re.compile(r"\b(resum|re-?establish|restor)", re.I)),
    ("consular_relations", re.compile(r"\bconsular relations\b|\bconsulate\b", re.I)),
    ("diplomatic_relations", re.compile(r"\bdiplomatic relations\b", re.I)),
    ("recognition", re.compile(r"\brecogni[sz]", re.I)),
    ("negotiations_opened", re.compile(r"\b(open|start|begin|began)\w*\b.*\bnegotiat", re.I)),
    ("dialogue_session", re.compile(r"\bdialogue\b", re.I)),
    ("meeting", re.compile(r"\b(visit|met|meeting|summit)\b", re.I)),
]


def load_cow(path):
    names = {}
    with open(path, encoding="utf-8") as f:
        next(f)
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 2 and cols[0].strip().lstrip("-").isdigit():
                names[cols[1].strip().lower()] = (cols[1].strip(), int(cols[0]))
    return names


def polity(text, cow):
    """A GPE/NORP entity as a polity: exact COW name, or a demonym sharing
    the first five letters of one (Japanese -> Japan)."""
    t = re.sub(r"^(the|empire of|kingdom of|republic of)\s+", "", text.strip(), flags=re.I)
    t = t.lower().rstrip("s") if t.lower().endswith("ns") else t.lower()
    if t in cow:
        name, code = cow[t]
        return {"name": name, "cow": code}
    if len(t) >= 5:
        for key, (name, code) in cow.items():
            if key[:5] == t[:5]:
                return {"name": name, "cow": code}
    return None


def first_date(ents):
    for e in ents:
        if e["label"] == "DATE" and e.get("edtf"):
            return e["edtf"]
    return None


def polities(ents, cow):
    out, seen = [], set()
    for e in ents:
        if e["label"] in ("GPE", "NORP"):
            p = polity(e["text"], cow)
            if p and p["cow"] not in seen:
                seen.add(p["cow"])
                out.append(p)
    return out


def place_of(sentence, ents):
    for e in ents:
        if e["label"] == "GPE" and re.search(
            r"\b(in|at)\s+" + re.escape(e["text"]), sentence["text"]
        ):
            return e["text"]
    return None


def facts_for(doc, cow):
    agreements, by_name, events = [], {}, []
    for s in doc["sentences"]:
        ents = s["ents"]
        signed_here = re.search(r"\bsign", s["text"], re.I) is not None
        secret = re.search(r"\bsecret", s["text"], re.I) is not None
        names = [
            e["text"]
            for e in ents
            if e["label"] in ("LAW", "EVENT", "ORG") and TREATY.search(e["text"])
        ]
        for name in names:
            a = by_name.get(name.lower())
            if a is None:
                a = {
                    "name": name,
                    "signed": None,
                    "place": None,
                    "parties": [],
                    "signatories": [],
                    "secret_provisions": False,
                    "ended": None,
                }
                by_name[name.lower()] = a
                agreements.append(a)
            if a["signed"] is None:
                a["signed"] = first_date(ents)
            if not a["parties"]:
                a["parties"] = polities(ents, cow)
            if signed_here and a["place"] is None:
                a["place"] = place_of(s, ents)
            if signed_here and not a["signatories"]:
                a["signatories"] = [e["text"] for e in ents if e["label"] == "PERSON"]
            a["secret_provisions"] = a["secret_provisions"] or secret
        if names:
            continue
        for kind, pat in EVENTS:
            if pat.search(s["text"]):
                ps = polities(ents, cow)
                if ps:
                    events.append({"kind": kind, "date": first_date(ents), "parties": ps})
                break
    return {"agreements": agreements, "events": events}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--entities", required=True)
    ap.add_argument("--cow", required=True)
    args = ap.parse_args()
    cow = load_cow(args.cow)
    out = {"documents": {}}
    with open(args.entities, encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            out["documents"][doc["doc"]] = facts_for(doc, cow)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
