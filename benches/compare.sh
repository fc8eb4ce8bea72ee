#!/usr/bin/env bash
# Compares wazo-plugin with the tools people would otherwise use, in one run, and prints a
# Markdown table (docs/performance.md explains it and records the figures).
#
#   benches/compare.sh            # full run (a few minutes)
#   benches/compare.sh --quick    # fewer repetitions
#
# Needs: cargo, shellcheck, dpkg-deb, fakeroot, /usr/bin/time, and yamllint and cookiecutter
# (pip install yamllint cookiecutter). A missing tool's rows say so. Honours CARGO_TARGET_DIR.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
SCALE=1
[ "${1:-}" = "--quick" ] && SCALE=4

(cd "$ROOT" && cargo build --release --quiet --bin wazo-plugin)
BIN=$TARGET/release/wazo-plugin
WORK=$(mktemp -d "${TMPDIR:-/tmp}/wazo-plugin-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

have() { command -v "$1" >/dev/null 2>&1; }

# best_ms RUNS CMD...: the wall time of one run of CMD in milliseconds, the best of 5 batches of
# RUNS runs each (the machine is shared: the best batch is the least disturbed), after one
# warm-up run that must not fail (exit status 2 or more). Every command, /bin/true included, is started the same way,
# by this shell.
best_ms() {
    local runs=$(( ($1 + SCALE - 1) / SCALE )); shift
    local status=0
    "$@" >/dev/null 2>"$WORK/stderr" || status=$?
    if [ "$status" -ge 2 ]; then
        echo "benchmark command failed: $*" >&2
        cat "$WORK/stderr" >&2
        exit 1
    fi
    local best=""
    for _ in 1 2 3 4 5; do
        local start end per
        start=$(date +%s%N)
        for ((i = 0; i < runs; i++)); do "$@" >/dev/null 2>&1 || true; done
        end=$(date +%s%N)
        per=$(( (end - start) / runs ))
        if [ -z "$best" ] || [ "$per" -lt "$best" ]; then best=$per; fi
    done
    awk -v ns="$best" 'BEGIN { printf "%.2f", ns / 1e6 }'
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }
# verdict VALUE OP LIMIT: "yes" or "**no**".
verdict() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN {
    ok = (op == "<") ? (v < l) : (op == "<=") ? (v <= l) : (v >= l)
    print ok ? "yes" : "**no**" }'; }

row() { printf '| %s | %s | %s | %s | %s |\n' "$@"; }

# --- fixtures: 1, 100 and 1000 copies of the helloworld example -------------------------------
for n in 1 100 1000; do
    mkdir -p "$WORK/plugins-$n"
    for ((i = 1; i <= n; i++)); do cp -R "$ROOT/examples/helloworld" "$WORK/plugins-$n/p$i"; done
done
printf 'fn main() {}\n' > "$WORK/trivial.rs"
rustc -O -o "$WORK/trivial" "$WORK/trivial.rs"
SHELLCHECK=$(command -v shellcheck || true)

echo "wazo-plugin $("$BIN" --version | awk '{print $2}'), $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| what | ms per run | ratio | target | met |"
echo "|---|---:|---:|---|---|"

# --- process start --------------------------------------------------------------------------
TRUE_MS=$(best_ms 400 /bin/true)
row "/bin/true (bare process start)" "$TRUE_MS" "1.00" "" ""
TRIVIAL_MS=$(best_ms 400 "$WORK/trivial")
row "trivial Rust binary" "$TRIVIAL_MS" "$(ratio "$TRIVIAL_MS" "$TRUE_MS")" "" ""
VERSION_MS=$(best_ms 400 "$BIN" --version)
row "wazo-plugin --version" "$VERSION_MS" "$(ratio "$VERSION_MS" "$TRUE_MS")" "" ""

# --- lint -----------------------------------------------------------------------------------
# Without the shellcheck cache, except in the row that measures it.
lint() { "$BIN" lint --no-cache --format short --shellcheck "$@"; }
lint_cached() { XDG_CACHE_HOME="$WORK/cache" "$BIN" lint --format short --shellcheck "$@"; }
L1=$(best_ms 200 lint never "$WORK/plugins-1")
row "lint 1 plugin, no shellcheck" "$L1" "$(ratio "$L1" "$TRUE_MS") × /bin/true" "≤ 2 × /bin/true" "$(verdict "$(ratio "$L1" "$TRUE_MS")" "<=" 2)"
row "" "" "$(ratio "$L1" "$TRIVIAL_MS") × trivial Rust" "" ""
L100=$(best_ms 20 lint never "$WORK/plugins-100")
row "lint 100 plugins, no shellcheck" "$L100" "" "" ""
L1000=$(best_ms 6 lint never "$WORK/plugins-1000")
row "lint 1000 plugins, no shellcheck" "$L1000" "" "< 1000 ms" "$(verdict "$L1000" "<" 1000)"

# Inside a git work tree lint reads git's index for the modes it records (pre-commit always runs
# there): the same plugin, committed to a repository.
if have git; then
    mkdir -p "$WORK/repo"
    cp -R "$ROOT/examples/helloworld" "$WORK/repo/p1"
    git -C "$WORK/repo" init -q && git -C "$WORK/repo" add . \
        && git -C "$WORK/repo" -c user.name=b -c user.email=b@b commit -qm x
    LG=$(best_ms 200 lint never "$WORK/repo/p1")
    row "lint 1 plugin in a git work tree, no shellcheck" "$LG" "$(ratio "$LG" "$L1") × outside" "≤ 1.2 × outside" "$(verdict "$(ratio "$LG" "$L1")" "<=" 1.2)"
else
    row "lint in a git work tree" "git not installed" "" "" ""
fi

if [ -n "$SHELLCHECK" ]; then
    for n in 1 100 1000; do
        runs=$(( n == 1 ? 40 : (n == 100 ? 4 : 1) ))
        SC=$(best_ms "$runs" "$SHELLCHECK" -f json1 -s sh -- "$WORK"/plugins-$n/*/wazo/rules)
        row "shellcheck alone, $n rules" "$SC" "" "" ""
        LS=$(best_ms "$runs" lint "$SHELLCHECK" "$WORK/plugins-$n")
        r=$(ratio "$LS" "$SC")
        row "lint $n $([ "$n" = 1 ] && echo plugin || echo plugins) with shellcheck" "$LS" "$r × shellcheck" "≤ 1.3 × shellcheck" "$(verdict "$r" "<=" 1.3)"
        if [ "$n" = 100 ]; then
            # The warm-up run of best_ms fills the cache: the timed runs start no shellcheck.
            LC=$(best_ms 10 lint_cached "$SHELLCHECK" "$WORK/plugins-$n")
            r=$(ratio "$LC" "$SC")
            row "lint 100 unchanged plugins with shellcheck (cache)" "$LC" "$r × shellcheck" "≤ 0.2 × shellcheck" "$(verdict "$r" "<=" 0.2)"
        fi
    done
else
    row "shellcheck" "not installed" "" "" ""
fi

if have yamllint; then
    for n in 1 100 1000; do
        runs=$(( n == 1 ? 20 : (n == 100 ? 4 : 2) ))
        YL=$(best_ms "$runs" yamllint -d relaxed "$WORK"/plugins-$n/*/wazo/plugin.yml)
        LN=$([ "$n" = 1 ] && echo "$L1" || { [ "$n" = 100 ] && echo "$L100" || echo "$L1000"; })
        row "yamllint, $n plugin.yml" "$YL" "lint is $(ratio "$YL" "$LN") × faster" "" ""
    done
else
    row "yamllint" "not installed" "" "" ""
fi

# --- new ------------------------------------------------------------------------------------
COUNT=0
# Each timing runs in a subshell ($(...)), so each kind of run gets its own parent folder.
new_ours() { COUNT=$((COUNT + 1)); "$BIN" new "p$COUNT" --namespace acme -t helloworld --no-git --dir "$WORK/new"; }
new_git() { COUNT=$((COUNT + 1)); "$BIN" new "p$COUNT" --namespace acme -t helloworld --dir "$WORK/new-git"; }
new_cc() {
    COUNT=$((COUNT + 1))
    cookiecutter --no-input -o "$WORK/cc" "$ROOT/benches/cookiecutter-helloworld" "name=p$COUNT" namespace=acme
}
mkdir -p "$WORK/new" "$WORK/new-git" "$WORK/cc"
NEW=$(best_ms 50 new_ours)
row "new (helloworld, --no-git)" "$NEW" "" "" ""
NEWGIT=$(best_ms 20 new_git)
row "new (helloworld, with git init)" "$NEWGIT" "" "" ""
if have cookiecutter; then
    CC=$(best_ms 6 new_cc)
    r=$(ratio "$CC" "$NEW")
    row "cookiecutter (same template)" "$CC" "new is $r × faster" "≥ 20 ×" "$(verdict "$r" ">=" 20)"
else
    row "cookiecutter" "not installed" "" "" ""
fi

# --- package --------------------------------------------------------------------------------
mkdir -p "$WORK/deb-ours" "$WORK/deb-sh"
P1="$WORK/plugins-1/p1"
PKG=$(best_ms 10 "$BIN" package "$P1" --output "$WORK/deb-ours")
PKGNL=$(best_ms 10 "$BIN" package --no-lint "$P1" --output "$WORK/deb-ours")
SH=$(best_ms 10 "$ROOT/benches/package-with-dpkg-deb.sh" "$P1" "$WORK/deb-sh")
row "package (lint, isolation, audit)" "$PKG" "$(ratio "$PKG" "$SH") × script" "≤ 1 × script" "$(verdict "$(ratio "$PKG" "$SH")" "<=" 1)"
row "package --no-lint" "$PKGNL" "$(ratio "$PKGNL" "$SH") × script" "" ""
row "package-with-dpkg-deb.sh" "$SH" "" "" ""
# Validating a 1 MB plugin.yml (72 000 tags: many YAML events, where the old reader rescanned
# the text for each), as package reads it with or without lint.
cp -R "$P1" "$WORK/big"
{
    cat "$P1/wazo/plugin.yml"
    echo "tags:"
    for ((i = 0; i < 72000; i++)); do echo "  - tag$i"; done
} > "$WORK/big/wazo/plugin.yml"
BIG=$(best_ms 3 "$BIN" package --no-lint "$WORK/big" --output "$WORK/deb-ours")
row "package --no-lint, 1 MB plugin.yml" "$BIG" "" "< 500 ms" "$(verdict "$BIG" "<" 500)"

# --- test, against the host and in the Wazo-like root --------------------------------------
# `test --rootfs` copies the cached root (about 440 MB) and runs gdebi/apt in it; the root is
# made once first when it is not cached (not timed: 75-110 s with the network).
TST=$(best_ms 2 "$BIN" test --no-lint "$P1")
row "test helloworld (host mode)" "$TST" "" "" ""
if have mmdebstrap; then
    if ! "$BIN" rootfs status 2>/dev/null | grep -q '^Wazo '; then
        "$BIN" rootfs update >/dev/null 2>&1 || true
    fi
    if "$BIN" rootfs status 2>/dev/null | grep -q '^Wazo '; then
        TRF=$(best_ms 1 "$BIN" test --rootfs --no-lint "$P1")
        row "test --rootfs helloworld (root cached)" "$TRF" "$(ratio "$TRF" "$TST") × host mode" "" ""
    else
        row "test --rootfs" "no root: rootfs update failed (offline?)" "" "" ""
    fi
else
    row "test --rootfs" "mmdebstrap not installed" "" "" ""
fi

# --- memory ---------------------------------------------------------------------------------
rss() { /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ { printf "%.1f", $2 / 1024 }'; }
M1=$(rss "$BIN" lint --format short --shellcheck never "$WORK/plugins-1")
row "peak RSS, lint 1 plugin (MB)" "$M1" "" "< 20 MB" "$(verdict "$M1" "<" 20)"
M1000=$(rss "$BIN" lint --format short --shellcheck never "$WORK/plugins-1000")
row "peak RSS, lint 1000 plugins (MB)" "$M1000" "" "" ""
MT=$(rss /bin/true)
row "peak RSS, /bin/true (MB)" "$MT" "" "" ""

# --- pipeline memory: bounded output and a streaming .deb writer ------------------------------
# A build that prints 1 GiB (in 1 MiB lines and as one line without a newline), and a package
# holding one 1 GiB file: peak RSS of wazo-plugin must stay under 64 MB.
mk_plugin() { # DIR RULES
    mkdir -p "$1/wazo"
    printf 'name: big\nnamespace: bench\nversion: "1.0"\n' > "$1/wazo/plugin.yml"
    printf '%s\n' "$2" > "$1/wazo/rules"
    chmod 755 "$1/wazo/rules"
}
mk_plugin "$WORK/loud" '#!/bin/sh
[ "$1" = build ] && head -c 1073741824 /dev/zero | tr "\0" "x" | fold -w 1048576
[ "$1" = build ] && head -c 1073741824 /dev/zero | tr "\0" "y"
exit 0'
MLOUD=$(rss "$BIN" build --no-lint "$WORK/loud")
row "peak RSS, build printing 2 × 1 GiB (MB)" "$MLOUD" "" "< 64 MB" "$(verdict "$MLOUD" "<" 64)"
mk_plugin "$WORK/huge" '#!/bin/sh
[ "$1" = package ] && mkdir -p "$pkgdir/usr/share/big" && head -c 1073741824 /dev/urandom > "$pkgdir/usr/share/big/blob"
exit 0'
mkdir -p "$WORK/deb-huge"
MHUGE=$(rss "$BIN" package --no-lint "$WORK/huge" --output "$WORK/deb-huge")
row "peak RSS, package of a 1 GiB file (MB)" "$MHUGE" "" "< 64 MB" "$(verdict "$MHUGE" "<" 64)"
