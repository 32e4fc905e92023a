#!/usr/bin/env python3
"""Import cycles among the top-level modules of src/: builds the graph of `crate::X`
references (in `use` lines and paths alike, outside `#[cfg(test)]` modules) between
src/X.rs or src/X/ and reports every strongly connected component of more than one
module. Exit 1 if there is one. Run: scripts/module-cycles.py"""
import os, re, sys

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
graph = {}
for dirpath, _, files in os.walk(root):
    for f in files:
        if not f.endswith(".rs"):
            continue
        path = os.path.join(dirpath, f)
        rel = os.path.relpath(path, root)
        top = rel.split(os.sep)[0].removesuffix(".rs")
        if top in ("main", "lib"):
            continue
        text = open(path, encoding="utf-8").read()
        text = text.split("#[cfg(test)]\nmod tests")[0]
        text = re.sub(r"//[^\n]*", "", text)
        uses = set(re.findall(r"crate::(\w+)", text))
        # `use crate::{a, b::c}` groups
        for group in re.findall(r"crate::\{([^}]*)\}", text):
            uses |= {g.strip().split("::")[0] for g in group.split(",") if g.strip()}
        graph.setdefault(top, set()).update(u for u in uses if u != top)

index, low, stack, on, comps, n = {}, {}, [], set(), [], [0]
def strong(v):
    index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
    for w in graph.get(v, ()):
        if w not in graph:
            continue
        if w not in index:
            strong(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            comps.append(sorted(comp))
sys.setrecursionlimit(10000)
for v in sorted(graph):
    if v not in index:
        strong(v)
for c in comps:
    edges = [f"{a} -> {b}" for a in c for b in sorted(graph[a]) if b in c]
    print("cycle:", ", ".join(c), "|", "; ".join(edges))
print(f"{len(graph)} modules, {len(comps)} cycles")
sys.exit(1 if comps else 0)
