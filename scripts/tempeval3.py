#!/usr/bin/env python3
"""Scores `borderwatch extract --times` on TempEval-3's gold TimeML news (task A, timex).

For each document of a part of the corpus it runs the tagger on the text of <TEXT> with
the document's creation time (<DCT>) as --published, writes the result as TimeML (the
gold file with its TIMEX3 tags replaced by ours) and compares the expressions with the
gold ones. The corpus is evaluation data and stays in ../shared; it is never copied here.

Figures, as the task's scorer (tools/evaluation-entities/evaluate_entities.py) reports
them: strict and relaxed precision, recall and F1 of the spans; type and value accuracy
over the gold expressions matched (relaxed); and type and value F1, which the task
defines as accuracy x relaxed F1. The copy of the task's scorer shipped with the corpus
pairs a system and a gold expression by their TIMEX3 tid, which only works for a system
that keeps the gold ids; this one pairs them by the characters they cover: relaxed when
they overlap, strict when they cover the same text.

Usage: scripts/tempeval3.py [--part TimeBank|AQUAINT] [--bin PATH] [--out DIR] [--errors]
"""
import argparse
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "benchmarks" / "tempeval3" / "TBAQ-cleaned"
TAG = re.compile(r"<(/?)([A-Za-z0-9]+)([^>]*)>")
ATTR = re.compile(r'(\w+)="([^"]*)"')


def parse(path):
    """The document's DCT, its plain text and its gold timexes (char spans)."""
    tml = path.read_text(encoding="utf-8")
    dct = re.search(r'<DCT>\s*<TIMEX3[^>]*value="([^"T]*)', tml).group(1)
    body = tml[tml.index("<TEXT>") + len("<TEXT>"):tml.index("</TEXT>")]
    text, gold, open_timex, pos = [], [], None, 0
    for m in TAG.finditer(body):
        piece = html.unescape(body[pos:m.start()])
        text.append(piece)
        pos = m.end()
        closing, name, attrs = m.group(1), m.group(2), dict(ATTR.findall(m.group(3)))
        length = sum(len(t) for t in text)
        if name == "TIMEX3" and not closing:
            open_timex = (length, attrs)
        elif name == "TIMEX3" and closing and open_timex:
            start, a = open_timex
            gold.append({"start": start, "end": length, "type": a.get("type", "").lower(),
                         "value": a.get("value", "")})
            open_timex = None
    text.append(html.unescape(body[pos:]))
    text = "".join(text)
    for g in gold:
        g["text"] = text[g["start"]:g["end"]]
    return tml, dct, text, gold


def tag(binary, text, dct):
    out = subprocess.run([binary, "extract", "--times", "--published", dct, "-"], input=text,
                         capture_output=True, text=True, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def timeml(tml, text, system):
    """The gold document with our TIMEX3 tags in place of every tag inside <TEXT>."""
    out, pos = [], 0
    for i, s in enumerate(system, 1):
        out.append(html.escape(text[pos:s["start"]], quote=False))
        out.append('<TIMEX3 tid="t%d" type="%s" value="%s">%s</TIMEX3>' % (
            i, s["type"].upper(), html.escape(s["value"]), html.escape(s["text"], quote=False)))
        pos = s["end"]
    out.append(html.escape(text[pos:], quote=False))
    head, tail = tml[:tml.index("<TEXT>") + 6], tml[tml.index("</TEXT>"):]
    return head + "".join(out) + tail


def overlap(a, b):
    return a["start"] < b["end"] and b["start"] < a["end"]


def same(a, b):
    return a["text"].strip() == b["text"].strip() and overlap(a, b)


def score(docs, errors):
    n = {"gold": 0, "sys": 0, "strict_r": 0, "relaxed_r": 0, "strict_p": 0, "relaxed_p": 0,
         "type": 0, "value": 0}
    for name, gold, system in docs:
        n["gold"] += len(gold)
        n["sys"] += len(system)
        for g in gold:
            hits = [s for s in system if overlap(g, s)]
            if not hits:
                if errors:
                    print(f"MISS  {name}\t{g['text']!r}\t{g['type']}\t{g['value']}")
                continue
            s = next((h for h in hits if same(g, h)), hits[0])
            n["relaxed_r"] += 1
            n["strict_r"] += same(g, s)
            n["type"] += g["type"] == s["type"]
            n["value"] += g["value"] == s["value"]
            if errors and (g["value"] != s["value"] or not same(g, s)):
                print(f"WRONG {name}\t{g['text']!r}\t{g['type']}\t{g['value']}\t"
                      f"got {s['text']!r}\t{s['type']}\t{s['value']}")
        for s in system:
            hits = [g for g in gold if overlap(g, s)]
            n["relaxed_p"] += bool(hits)
            n["strict_p"] += any(same(g, s) for g in hits)
            if errors and not hits:
                print(f"EXTRA {name}\t{s['text']!r}\t{s['type']}\t{s['value']}")
    return n


def f1(p, r):
    return 2 * p * r / (p + r) if p + r else 0.0


def report(n):
    div = lambda a, b: a / b if b else 0.0
    sp, sr = div(n["strict_p"], n["sys"]), div(n["strict_r"], n["gold"])
    rp, rr = div(n["relaxed_p"], n["sys"]), div(n["relaxed_r"], n["gold"])
    rf = f1(rp, rr)
    type_acc, value_acc = div(n["type"], n["relaxed_r"]), div(n["value"], n["relaxed_r"])
    print(f"gold timexes {n['gold']}  system timexes {n['sys']}")
    print(f"strict   P {sp:.4f}  R {sr:.4f}  F1 {f1(sp, sr):.4f}")
    print(f"relaxed  P {rp:.4f}  R {rr:.4f}  F1 {rf:.4f}")
    print(f"type     accuracy {type_acc:.4f}  F1 {type_acc * rf:.4f}")
    print(f"value    accuracy {value_acc:.4f}  F1 {value_acc * rf:.4f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", default="TimeBank", choices=["TimeBank", "AQUAINT"])
    ap.add_argument("--bin", default=str(ROOT / "target" / "debug" / "borderwatch"))
    ap.add_argument("--out", help="write our TimeML files here")
    ap.add_argument("--errors", action="store_true", help="print every miss, extra and wrong value")
    args = ap.parse_args()
    folder = CORPUS / args.part
    if not folder.is_dir():
        sys.exit(f"no corpus at {folder}")
    docs = []
    for path in sorted(folder.glob("*.tml")):
        tml, dct, text, gold = parse(path)
        system = tag(args.bin, text, dct)
        if args.out:
            os.makedirs(args.out, exist_ok=True)
            Path(args.out, path.name).write_text(timeml(tml, text, system), encoding="utf-8")
        docs.append((path.name, gold, system))
    report(score(docs, args.errors))


if __name__ == "__main__":
    main()
