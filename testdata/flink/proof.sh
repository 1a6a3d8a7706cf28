#!/usr/bin/env bash
# Proof by restore (see README.md): for each scenario, real Flink jobs write into a scratch root
# and keep every state file; `ckptlens orphans --paths` plans on a real listing of that root;
# every planned path is really deleted; every kept checkpoint and savepoint is restored in real
# Flink and each key's restored counter is checked. The committed outputs go to
# proof/<release>/<scenario>/: proof.json, the listings, every _metadata with its truth.json.
#
# Usage: ./proof.sh                                   (every scenario, Flink 2.0)
#        SCENARIOS="forst entropy" ./proof.sh
#        RELEASE=1.20 ./proof.sh                      (the scenarios without ForSt)
#        CKPTLENS_DROP_FLAGS="--stopped --margin --entropy-key" ./proof.sh   (a CLI without those flags)
# CI never runs this; it checks the committed outputs (cmd/ckptlens/flinkproof_test.go).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
RELEASE="${RELEASE:-2.0}"
ROOT="${PROOF_ROOT:-/tmp/ckptlens-proof}/$RELEASE"
# ForSt (forst, running, running-notimes) is Flink 2.x only; file merging needs 1.20+.
case "$RELEASE" in
  2.*) DEFAULT_SCENARIOS="incremental claim file-merging changelog forst entropy running running-notimes" ;;
  *) DEFAULT_SCENARIOS="incremental claim file-merging changelog entropy" ;;
esac
SCENARIOS="${SCENARIOS:-$DEFAULT_SCENARIOS}"
OUT="$HERE/proof/$RELEASE"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$REPO" && go build -o "$tmp/ckptlens" ./cmd/ckptlens)
commit="$(git -C "$REPO" rev-parse HEAD)"
git -C "$REPO" diff --quiet HEAD -- parse cmd go.mod go.sum || commit="$commit-dirty"
export CKPTLENS_COMMIT="$commit"

mkdir -p "$ROOT" "$tmp/out"
start=$(date +%s)
# shellcheck disable=SC2086
ORACLE_LOG_LEVEL="${ORACLE_LOG_LEVEL:-error}" nice "$HERE/oracle.sh" run "$RELEASE" proof "$ROOT" "$tmp/out" "$tmp/ckptlens" $SCENARIOS
for s in $SCENARIOS; do
  rm -rf "${OUT:?}/$s"
  mkdir -p "$OUT"
  mv "$tmp/out/$s" "$OUT/$s"
done
echo "proof.sh: $(($(date +%s) - start)) s; $(du -sh "$OUT" | cut -f1) in $OUT"
grep -h '"failedRestores"' "$OUT"/*/proof.json
