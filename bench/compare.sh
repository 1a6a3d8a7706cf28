#!/usr/bin/env bash
# Side-by-side benchmark of ckptlens against Flink's own loader and the
# scanning heuristic, on the same files, in one run (issue 8).
#
#   bench/compare.sh            handle-dense (2,000 subtasks × 50 SSTs, ~16 MB),
#                               handle-dense XL (~650k handles, ~100 MB) and
#                               inline-heavy (1 GiB) files
#   bench/compare.sh --quick    the 16 MB handle-dense file and a 64 MiB inline-heavy one
#   bench/compare.sh FILE...    these _metadata files instead
#
# Generated files live in $CKPTLENS_BENCH_DIR (default /tmp/ckptlens-bench),
# are made on demand by bench/gen and are never committed. The markdown table
# goes to stdout and to $CKPTLENS_BENCH_DIR/results.md.
#
# Knobs: ITER (warm iterations, default 10), WASM_ITER (browser drops, 3),
# TIMEOUT (per contender and file, 15m), NO_WASM=1, NO_FLINK=1, ORACLE (path of oracle.sh).
# HEURISTIC_TIMEOUT (default 10m): the scanning script is slow on big files.
# Run it alone: the machine's cores are shared and timings need them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIR=${CKPTLENS_BENCH_DIR:-/tmp/ckptlens-bench}
mkdir -p "$DIR/bin"

log() { printf '== %s\n' "$*" >&2; }

gen() { # gen NAME ARGS...: generate $DIR/NAME/_metadata once
	local name=$1
	shift
	if [[ ! -s $DIR/$name/_metadata ]]; then
		log "generating $name"
		go run ./bench/gen -o "$DIR/$name" "$@" >"$DIR/$name.stats.json"
	fi
	echo "$DIR/$name/_metadata"
}

files=()
case "${1:-}" in
--quick)
	files+=("$(gen dense -kind dense)")
	files+=("$(gen inline-64m -kind inline -total $((64 << 20)))")
	;;
"")
	files+=("$(gen dense -kind dense)")
	files+=("$(gen dense-xl -kind dense-xl)")
	files+=("$(gen inline -kind inline)")
	;;
*) files=("$@") ;;
esac

log "building the native bench and the driver"
go build -o "$DIR/bin/native" ./bench/native
go build -o "$DIR/bin/compare" ./bench/compare

wasm_args=()
if [[ -z ${NO_WASM:-} && -d wasm/browsertest ]]; then
	if [[ ! -f dist/index.html ]] || [[ -n $(find parse wasm -name '*.go' -newer dist/index.html | head -1) ]]; then
		log "building dist/ (./build.sh)"
		./build.sh >&2
	fi
	if go build -o "$DIR/bin/wasm" ./bench/wasm; then
		wasm_args=(-wasm "$DIR/bin/wasm" -dist "$ROOT/dist")
	fi
fi

oracle=${ORACLE:-testdata/flink/oracle.sh}
[[ -n ${NO_FLINK:-} ]] && oracle=/nonexistent

IFS=,
"$DIR/bin/compare" -files "${files[*]}" -native "$DIR/bin/native" "${wasm_args[@]}" \
	-oracle "$oracle" -heuristic "$ROOT/../shared/peers/seed_heuristic.py" \
	-iter "${ITER:-10}" -wasm-iter "${WASM_ITER:-3}" -timeout "${TIMEOUT:-15m}" -heuristic-timeout "${HEURISTIC_TIMEOUT:-10m}" \
	-out "$DIR/results.md" -raw "$DIR/results.jsonl"
