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
# Needs cargo (rustup) and crates.io; the build takes a while on 2 cores.
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
rm -rf "$HERE/store"
RUST_LOG=${RUST_LOG:-warn} oracle/target/debug/slatedb-oracle "$scratch/objects" "$HERE/store"
# slatedb 0.15.0, the last release writing version-1 manifests: store/v1/.
RUST_LOG=${RUST_LOG:-warn} oracle/target/debug/slatedb-oracle-v1 "$scratch/objects-v1" "$HERE/store"
find "$HERE/store" -type f | sort | sed "s#^$HERE/##"
