#!/usr/bin/env bash
# Regenerates everything under testdata/flink from scratch with real Flink:
#   1. builds the oracle (Maven, Java 17) for each release,
#   2. runs the MiniCluster scenarios under /tmp/ckptlens-oracle/<release>/<scenario>/,
#   3. writes listing.txt (find -printf '%s %p\n') of each scenario root,
#   4. writes truth.json beside every _metadata with that release's own loader,
#   5. copies only _metadata, truth.json and listing.txt into generated/<release>/<scenario>/,
#   6. writes shared-truth/<fixture-id>.json for every fixture in ../shared/fixtures/flink.
#
# Usage: ./regenerate.sh [release...]        (default: all releases, then shared truth)
#        ./regenerate.sh shared              (only the shared-fixture truth)
#        SCENARIOS="hashmap unaligned" ./regenerate.sh 1.20
#        TRUTH_ONLY=1 ./regenerate.sh 1.20    (re-dump truth from the snapshots still under /tmp)
# CI never runs this; it only runs the Go comparison (parse/flink/oracle_test.go).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ORACLE_ROOT="${ORACLE_ROOT:-/tmp/ckptlens-oracle}"
ALL_RELEASES=(1.20 2.0 2.3 1.15 1.19)

scenarios_for() {
  case "$1" in
    1.15|1.19) echo hashmap incremental restore-no-claim restore-claim restore-legacy savepoints savepoints-hashmap changelog unaligned ;;
    1.20) echo hashmap incremental restore-no-claim restore-claim restore-legacy savepoints savepoints-hashmap changelog file-merging unaligned ;;
    2.*) echo hashmap incremental restore-no-claim restore-claim savepoints savepoints-hashmap changelog file-merging unaligned ;;
  esac
}

generate_release() {
  local rel="$1" s
  local root="$ORACLE_ROOT/$rel" out="$HERE/generated/$rel"
  "$HERE/oracle.sh" build "$rel"
  for s in ${SCENARIOS:-$(scenarios_for "$rel")}; do
    echo "== Flink $rel: $s"
    if [[ -z "${TRUTH_ONLY:-}" ]]; then
      rm -rf "$root/$s" "/tmp/ckptlens-oracle-work/$rel/$s"
      mkdir -p "$root/$s"
      "$HERE/oracle.sh" run "$rel" jobs "$root" "$s"
      find "$root/$s" -type f -printf '%s %p\n' | sort -k2 > "$root/$s.listing.txt"
    else
      [[ -d "$root/$s" ]] || { echo "regenerate.sh: $root/$s is gone; run without TRUTH_ONLY" >&2; exit 1; }
      cp "$out/$s/listing.txt" "$root/$s.listing.txt"
    fi
    "$HERE/oracle.sh" run "$rel" truth-tree "$root/$s"
    rm -rf "$out/$s"
    mkdir -p "$out/$s"
    mv "$root/$s.listing.txt" "$out/$s/listing.txt"
    (cd "$root/$s" && find . -name _metadata -o -name truth.json) | while read -r f; do
      mkdir -p "$out/$s/$(dirname "$f")"
      cp "$root/$s/$f" "$out/$s/$f"
    done
  done
}

generate_shared_truth() {
  local shared="${CKPTLENS_SHARED:-$HERE/../../../shared}"
  local fx="$shared/fixtures/flink"
  [[ -d "$fx" ]] || { echo "regenerate.sh: $fx not found; skipping shared-fixture truth" >&2; return 0; }
  rm -rf "$HERE/shared-truth"
  mkdir -p "$HERE/shared-truth"
  # The newest release first; older ones only for what it cannot read.
  local rel log="$HERE/shared-truth/UNREADABLE.txt"
  for rel in 2.3 2.0 1.20 1.19 1.15 1.3; do
    "$HERE/oracle.sh" run "$rel" truth-shared "$fx" "$HERE/shared-truth" --only-missing 2> >(tee "$log.$rel" >&2)
  done
  # What no release built here reads (Flink 1.3 is the last resort: version 1, legacy state).
  grep '^unreadable' "$log.1.3" > "$log" || true
  [[ -s "$log" ]] || rm -f "$log"
  rm -f "$log".*
}

if [[ $# -eq 0 ]]; then set -- "${ALL_RELEASES[@]}" shared; fi
for r in "$@"; do
  case "$r" in
    shared) generate_shared_truth ;;
    *) generate_release "$r" ;;
  esac
done
du -sh "$HERE"
