#!/bin/sh
# Seeds the fuzz corpora (fuzz/corpus/<target>/) from the repository's plugins: every
# plugin.yml for `manifest`, every rules script (prefixed with the format-version byte) for
# `rules`, and a few package trees for `deb`. Run from anywhere; adds files, removes nothing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mkdir -p "$here/corpus/manifest" "$here/corpus/rules" "$here/corpus/deb"
i=0
find "$root/examples" "$root/templates" "$root/tests/fixtures" -name plugin.yml -type f | while read -r f; do
    i=$((i + 1)); cp "$f" "$here/corpus/manifest/seed-$i"
done
i=0
find "$root/examples" "$root/templates" "$root/tests/fixtures" -name 'rules*' -type f | while read -r f; do
    i=$((i + 1)); { printf '\001'; cat "$f"; } > "$here/corpus/rules/seed-$i"
done
# deb: 5 bytes of mtime, then NUL-separated (spec, path, contents) records; see
# tests/common/deb_fuzz.rs.
python3 - "$here/corpus/deb" <<'PY'
import sys
out = sys.argv[1]
def seed(name, mtime, records):
    data = mtime + b"\0".join(b"\0".join(r) for r in records)
    open(f"{out}/{name}", "wb").write(data)
seed("seed-tree", b"\0\0\0\1\0", [
    (b"\x04", b"usr/lib/x", b"hello"), (b"\x05", b"usr/share/d", b""),
    (b"\x08", b"usr/bin/run", b"#!/bin/sh\n"), (b"\x02", b"usr/lib/link", b"../x"),
    (b"\x07", b"postinst", b"#!/bin/sh\n"), (b"\x02", b"usr/lib/abs", b"/etc/passwd")])
seed("seed-long", b"\0" * 5, [
    (b"\x04", b"a" * 150 + b"/" + b"b" * 120, b"x"), (b"\x02", b"l", b"/" + b"c" * 150)])
PY
