#!/usr/bin/env python3
"""usage: tally.py OUT.json [--verdicts verdicts.tsv] [--severity]

Prints one row per finding code of a measure.sh output: how many findings, in how many plugins,
and their severity. With --verdicts, a TSV (columns: code, dir, file, line, verdict, reason;
verdict is `true` or `noise`; a header line starting with `code` and lines starting with `#`
are skipped) adds the true/noise counts and the number of findings without a verdict.
A verdict matches a finding by (code, dir, file, line); `file` is relative to the plugin folder
as in measure.sh's output, and line `*` matches every line of that file.
Verdicts that match no finding are listed at the end (stale verdicts).
"""
import argparse
import collections
import csv
import json
import sys


def load_verdicts(path):
    v = {}
    with open(path, newline="") as fh:
        for n, row in enumerate(csv.reader(fh, delimiter="\t"), 1):
            if not row or row[0].startswith("#") or (n == 1 and row[0].strip().lower() == "code"):
                continue
            if len(row) < 5:
                sys.exit(f"{path}:{n}: expected code, dir, file, line, verdict[, reason]")
            code, d, f, line, verdict = (c.strip() for c in row[:5])
            if verdict not in ("true", "noise"):
                sys.exit(f"{path}:{n}: verdict must be `true` or `noise`, not `{verdict}`")
            v[(code, d, f, line)] = [verdict, False]
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--verdicts")
    a = ap.parse_args()
    data = json.load(open(a.out))
    verdicts = load_verdicts(a.verdicts) if a.verdicts else None

    count = collections.Counter()
    plugins = collections.defaultdict(set)
    sev = collections.defaultdict(collections.Counter)
    judged = collections.defaultdict(collections.Counter)
    for r in data:
        for x in r["diagnostics"]:
            c = x["code"]
            count[c] += 1
            plugins[c].add(r["dir"])
            sev[c][x["severity"]] += 1
            if verdicts is not None:
                key = (c, r["dir"], x["file"], str(x["line"]))
                hit = verdicts.get(key) or verdicts.get((c, r["dir"], x["file"], "*"))
                if hit:
                    hit[1] = True
                    judged[c][hit[0]] += 1
                else:
                    judged[c]["unjudged"] += 1

    head = ["code", "severity", "findings", "plugins"]
    if verdicts is not None:
        head += ["true", "noise", "unjudged"]
    rows = []
    for c in sorted(count, key=lambda c: (-count[c], c)):
        s = "/".join(f"{k}" if len(sev[c]) == 1 else f"{k}:{n}" for k, n in sorted(sev[c].items()))
        row = [c, s, str(count[c]), str(len(plugins[c]))]
        if verdicts is not None:
            row += [str(judged[c]["true"]), str(judged[c]["noise"]), str(judged[c]["unjudged"])]
        rows.append(row)
    tot = ["TOTAL", "", str(sum(count.values())), str(sum(1 for r in data if r["diagnostics"]))]
    if verdicts is not None:
        tot += [str(sum(j[k] for j in judged.values())) for k in ("true", "noise", "unjudged")]
    rows.append(tot)
    w = [max(len(x) for x in col) for col in zip(head, *rows)]
    fmt = lambda row: "  ".join(x.ljust(w[0]) if i == 0 else x.rjust(w[i]) if x.isdigit() or x == "" else x.ljust(w[i])
                                 for i, x in enumerate(row)).rstrip()
    print(fmt(head))
    for row in rows:
        print(fmt(row))
    clean = sum(1 for r in data if not r["diagnostics"] and not r.get("error"))
    errs = [r["dir"] for r in data if r.get("error")]
    nz = sum(1 for r in data if r["exit_code"] != 0)
    noplug = [r["dir"] for r in data if r.get("plugins") == 0]
    print(f"\n{len(data)} plugin folders: {clean} without findings, {nz} with a non-zero exit, "
          f"{len(errs)} whose run failed{': ' + ', '.join(errs) if errs else ''}")
    if noplug:
        print(f"{len(noplug)} folders where the linter found no plugin: {', '.join(noplug)}")
    if verdicts is not None:
        stale = [k for k, (_, used) in verdicts.items() if not used]
        if stale:
            print(f"\n{len(stale)} verdicts match no finding:")
            for k in stale:
                print("  " + "\t".join(k))


if __name__ == "__main__":
    main()
