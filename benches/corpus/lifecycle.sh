#!/usr/bin/env bash
# Runs `wazo-plugin test` on every plugin of the corpus, in host mode and with --rootfs, and
# prints one TSV line per plugin and mode: dir, mode, exit code, failed step, first warning.
#
#   benches/corpus/lifecycle.sh CORPUS_DIR [BIN] > lifecycle.tsv
#
# CORPUS_DIR holds one folder per plugin (see extract-all.sh); BIN defaults to the release
# build. Each run has a 600 s limit (--timeout per step is 300 s). Needs jq. The plugins' code is
# run confined, as `test` always does; nothing is written into CORPUS_DIR.
set -uo pipefail

CORPUS=${1:?usage: lifecycle.sh CORPUS_DIR [BIN]}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${2:-$ROOT/target/release/wazo-plugin}
command -v jq >/dev/null || { echo "jq is needed" >&2; exit 2; }

printf 'plugin\tmode\texit\tfailed_step\tdetail\n'
for dir in "$CORPUS"/*/; do
    dir=${dir%/}
    [ -f "$dir/wazo/plugin.yml" ] || continue
    for mode in host rootfs; do
        flag=()
        [ "$mode" = rootfs ] && flag=(--rootfs)
        out=$(timeout 600 "$BIN" test --no-lint --timeout 300 --format json "${flag[@]}" "$dir" 2>/dev/null)
        code=$?
        step=$(jq -r '.error.step // ""' <<<"$out" 2>/dev/null)
        detail=$(jq -r '(.error.message // (.warnings[0] // "")) | gsub("[\t\n]"; " ") | .[0:160]' <<<"$out" 2>/dev/null)
        printf '%s\t%s\t%s\t%s\t%s\n' "$(basename "$dir")" "$mode" "$code" "$step" "$detail"
    done
done
