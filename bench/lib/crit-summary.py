#!/usr/bin/env python3
"""Per-URL summary of `cargo bench -p lachan-core --bench url_lookup` output
(criterion prints time per batch of 2000 URLs): python3 bench/lib/crit-summary.py LOG"""
import re
import sys

BATCH = 2000
name = None
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if line.startswith("["):
        print(line)
        continue
    m = re.match(r"^((open|lookup)/\S+)(.*)$", line)
    if m:
        name, rest = m.group(1), m.group(3)
        if "time:" not in rest:
            continue
        line = rest
    if name and "time:" in line and "%" not in line:
        v = re.search(r"\[(\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\]", line)
        ns = float(v.group(3)) * {"ns": 1, "µs": 1e3, "ms": 1e6, "s": 1e9}[v.group(4)]
        if name.startswith("lookup"):
            print(f"{name:45} {ns / BATCH:8.1f} ns/URL")
        else:
            print(f"{name:45} {ns / 1000:8.2f} µs")
        name = None
