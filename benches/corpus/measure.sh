#!/bin/bash
# usage: measure.sh BINARY OUTFILE.json [CORPUS_DIR]
# Runs `BINARY lint --format json --shellcheck <shellcheck> <dir>` once per plugin folder of the corpus
# (default /work/corpus), from inside the corpus folder, so one bad plugin does not stop the others,
# and writes one JSON array:
#   [{"dir": ..., "exit_code": N, "plugins": N|null, "diagnostics": [{"code","severity","file","line","message"}],
#     "error": null|"..."}]
# `plugins` is the report's summary.plugins (how many plugins the linter found in the folder; null if no report).
# `file` is relative to the plugin folder (the "<dir>/" prefix the linter prints is removed).
# `error` is null, or says why the output was not the expected JSON (crash, timeout, stderr excerpt).
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 BINARY OUTFILE.json [CORPUS_DIR]" >&2; exit 2; fi
bin=$(realpath "$1"); out=$2; corpus=${3:-/work/corpus}
[ -x "$bin" ] || { echo "$0: $bin is not executable" >&2; exit 2; }
sc=$(command -v shellcheck) || { echo "$0: shellcheck not on PATH; the SC* findings would be missing" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0
for d in "$corpus"/*/; do
  dir=$(basename "$d")
  n=$((n + 1))
  rc=0
  (cd "$corpus" && timeout 300 "$bin" lint --format json --shellcheck "$sc" "$dir" \
      >"$tmp/$n.out" 2>"$tmp/$n.err") || rc=$?
  printf '%s\n' "$dir" > "$tmp/$n.dir"
  echo "$rc" > "$tmp/$n.rc"
done
python3 - "$tmp" "$n" "$out" <<'PY'
import json, sys, os
tmp, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
res = []
for i in range(1, n + 1):
    p = lambda ext: os.path.join(tmp, f"{i}.{ext}")
    d = open(p("dir")).read().strip()
    rc = int(open(p("rc")).read().strip())
    raw = open(p("out"), errors="replace").read()
    err = open(p("err"), errors="replace").read().strip()
    diags, error, plugins = [], None, None
    try:
        doc = json.loads(raw)
        plugins = (doc.get("summary") or {}).get("plugins")
        for x in doc.get("diagnostics", []):
            f = x.get("file") or ""
            if f == d:
                f = "."
            elif f.startswith(d + "/"):
                f = f[len(d) + 1:]
            diags.append({"code": x.get("code"), "severity": x.get("severity"), "file": f,
                          "line": x.get("line"), "message": x.get("message")})
    except (ValueError, AttributeError) as e:
        error = f"output is not the JSON report ({e}); exit {rc}" + ("; timeout" if rc == 124 else "")
        if err:
            error += "; stderr: " + err[:500]
    if error is None and rc not in (0, 1):
        error = f"exit {rc}" + ("; stderr: " + err[:500] if err else "")
    res.append({"dir": d, "exit_code": rc, "plugins": plugins, "diagnostics": diags, "error": error})
with open(out, "w") as fh:
    json.dump(res, fh, indent=1)
    fh.write("\n")
bad = [r["dir"] for r in res if r["error"]]
print(f"{len(res)} plugins, {sum(len(r['diagnostics']) for r in res)} findings, "
      f"{len(bad)} with errors{': ' + ', '.join(bad) if bad else ''} -> {out}", file=sys.stderr)
PY
