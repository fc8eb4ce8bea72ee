#!/bin/bash
# Extract every plugin of corpus-sources.tsv into /work/corpus/<dir> from the fetched snapshots
# (/work/.mirror/<owner>+<name>/repo). Writes /work/corpus/MANIFEST.tsv.
set -uo pipefail
src=${1:-/work/shared/reference/corpus-sources.tsv}
out=/work/corpus
mkdir -p "$out"
man=$out/MANIFEST.tsv
printf 'dir\tstatus\treason\n' > "$man"
tail -n +2 "$src" | while IFS=$'\t' read -r dir repo sub commit _date; do
  [ -n "$dir" ] || continue
  g=/work/.mirror/${repo/\//+}/repo
  [ -d "$g/.git" ] && g=$g/.git
  if [ ! -d "$g" ]; then printf '%s\tfailed\tno snapshot at %s\n' "$dir" "$g" >> "$man"; continue; fi
  status=ok; reason=""
  use=$commit
  if ! git --git-dir="$g" cat-file -e "$commit^{commit}" 2>/dev/null; then
    use=$(git --git-dir="$g" rev-parse HEAD 2>/dev/null) || { printf '%s\tfailed\tcommit %s missing and no HEAD\n' "$dir" "$commit" >> "$man"; continue; }
    status=missing-commit-used-HEAD; reason="commit $commit not in snapshot; used HEAD $use"
  fi
  if msg=$(bash /work/shared/tools/extract-plugin.sh "$g" "$use" "$sub" "$out/$dir" 2>&1); then
    case $msg in *"left out:"*) lo=${msg#*(left out: }; lo=${lo%)}; reason="${reason:+$reason; }blobs absent from snapshot, left out: ${lo//:(exclude)/}";; esac
    printf '%s\t%s\t%s\n' "$dir" "$status" "$reason" >> "$man"
  else
    rm -rf "${out:?}/$dir"
    printf '%s\tfailed\t%s\n' "$dir" "$(echo "$msg" | tr '\t\n' '  ' | cut -c1-300)" >> "$man"
  fi
done
