#!/usr/bin/env bash
# Regenerates the SlateDB fixtures under testdata/slatedb/store/ with the real
# slatedb crate (see oracle/Cargo.toml for the pinned version):
#   store/<db>/manifest/*.manifest   every manifest SlateDB wrote, byte for byte
#   store/<db>/manifests.json        SlateDB's reading of each (Admin::list_manifests)
#   store/<db>/checkpoints.json      Admin::list_checkpoints after GC
#   store/<db>/listing-{before,after}.txt  the real objects before/after GC
#                                    (find -printf '%s %p\n' form, store-relative)
#   store/<db>/gc.json, compactions.json   GC inputs and what it deleted
#   store/<db>/gc-compactions.json, listing-after-compactions.txt  then compactions GC alone
#   store/events.json                what the oracle did, in order
#   store/v1/<db>/                   the same (manifests and SlateDB 0.15's reading)
#                                    for version-1 manifests, from slatedb 0.15.0
#   proof/                           the restore proof of the deletion plan (below)
# Needs cargo (rustup) and crates.io; the build takes a while on 2 cores.
# `./regenerate.sh proof` redoes the restore proof alone:
#   proof/keys.json          what the oracle wrote: every key each database and
#                            each checkpoint must read back
#   proof/proof/<db>/        every manifest and compactions file, and SlateDB's
#                            reading of the compactions files (compactions.json)
#   proof/listing.txt        the store, find -printf '%T@ %s %p\n' form, taken
#                            after min_age (5 min) has passed
#   proof/plan.txt           what `ckptlens orphans --paths` lists for it
#   proof/restore.json       after deleting plan.txt from a copy of the store:
#                            every database and live checkpoint opened with the
#                            slatedb crate, every key read back, the failures
set -euo pipefail
cd "$(dirname "$0")"
HERE=$PWD
if ! command -v cargo >/dev/null; then
	# Debian's cargo works when it is recent enough for slatedb (Rust 1.85+).
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		apt-get update -qq && apt-get install -y -qq cargo >/dev/null
	fi
	command -v cargo >/dev/null || { echo "regenerate.sh: cargo is required (rustup or Debian's cargo)" >&2; exit 1; }
fi
(cd oracle && cargo build -j "${CARGO_JOBS:-2}" --locked 2>/dev/null || cargo build -j "${CARGO_JOBS:-2}")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The restore proof: real databases, the plan ckptlens makes for their
# listing, then SlateDB reads every key back from a copy with the plan applied.
proof() {
	rm -rf "$HERE/proof" && mkdir -p "$HERE/proof"
	RUST_LOG=${RUST_LOG:-warn} oracle/target/debug/slatedb-proof create "$scratch/proof-store" "$HERE/proof"
	# Objects younger than SlateDB's min_age (5 min) are never planned.
	sleep "${PROOF_WAIT:-310}"
	(cd "$scratch/proof-store" && find proof -type f -printf '%T@ %s %p\n' | LC_ALL=C sort -k3) >"$HERE/proof/listing.txt"
	(cd "$HERE/../.." && go run ./cmd/ckptlens orphans --paths --listing "$HERE/proof/listing.txt" \
		--prefix "$scratch/proof-store/" "$scratch/proof-store/proof/main" \
		"$scratch/proof-store/proof/clone" "$scratch/proof-store/proof/nocompactor" \
		"$scratch/proof-store/proof/nowal" "$scratch/proof-store/proof/projected") |
		sed "s#^$scratch/proof-store/##" >"$HERE/proof/plan.txt"
	RUST_LOG=${RUST_LOG:-warn} oracle/target/debug/slatedb-proof verify "$scratch/proof-store" \
		"$scratch/proof-copy" "$HERE/proof/plan.txt" "$HERE/proof"
	echo "restore proof: $(wc -l <"$HERE/proof/plan.txt") paths deleted, $(grep -c '"failureCount": 0' "$HERE/proof/restore.json") databases and checkpoints read back whole"
}
if [ "${1:-}" = proof ]; then
	proof
	exit
fi
rm -rf "$HERE/store"
RUST_LOG=${RUST_LOG:-warn} oracle/target/debug/slatedb-oracle "$scratch/objects" "$HERE/store"
# slatedb 0.15.0, the last release writing version-1 manifests: store/v1/.
RUST_LOG=${RUST_LOG:-warn} oracle/target/debug/slatedb-oracle-v1 "$scratch/objects-v1" "$HERE/store"
find "$HERE/store" -type f | sort | sed "s#^$HERE/##"
proof
