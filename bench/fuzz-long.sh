#!/usr/bin/env bash
# Long fuzzing: every `func Fuzz…` target in the repository, one after the
# other, for DURATION each (default 10m; ./build.sh test only runs seconds).
#
#   bench/fuzz-long.sh [DURATION]        e.g. bench/fuzz-long.sh 30m
#   FUZZ_TARGETS='FuzzDecode|FuzzParse' bench/fuzz-long.sh 2m   only these targets (an anchored regexp)
#
# A crasher is written by `go test -fuzz` to <package>/testdata/fuzz/<Target>/<hash>.
# Committing that file makes it a regression test: plain `go test` replays
# every file there. The summary at the end lists each new crasher and the
# command that replays it. Exit status: 1 if any target failed.
# Run it alone: it keeps both cores busy (FUZZ_PARALLEL, default 2).
set -uo pipefail
cd "$(dirname "$0")/.."
duration=${1:-${FUZZ_LONG_TIME:-10m}}
filter=${FUZZ_TARGETS:-.*}
logdir=${CKPTLENS_BENCH_DIR:-/tmp/ckptlens-bench}/fuzz
mkdir -p "$logdir"

targets=$(grep -rl --include='*_test.go' --exclude-dir=node_modules --exclude-dir=target --exclude-dir=.git '^func Fuzz' . |
	xargs -r grep -H '^func Fuzz' |
	sed -E 's#^\./(.*)/[^/]+_test.go:func (Fuzz[A-Za-z0-9_]*)\(.*#./\1 \2#' | sort -u | grep -E " ($filter)$" || true)
if [[ -z $targets ]]; then
	echo "fuzz-long: no fuzz targets match '$filter'" >&2
	exit 1
fi

summary=()
failed=0
while read -r pkg fn; do
	corpus="$pkg/testdata/fuzz/$fn"
	before=$(ls "$corpus" 2>/dev/null | sort)
	log="$logdir/$(echo "${pkg#./}" | tr / _)_$fn.log"
	printf '\n== %s %s for %s (log %s)\n' "$pkg" "$fn" "$duration" "$log"
	start=$(date +%s)
	go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$duration" -parallel "${FUZZ_PARALLEL:-2}" "$pkg" 2>&1 | tee "$log" | grep -E '^(fuzz: elapsed|---|FAIL|ok|PASS|\s+Failing input)' | tail -n 20
	status=${PIPESTATUS[0]}
	took=$(($(date +%s) - start))
	execs=$(grep -oE 'execs: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo '?')
	new=$(comm -13 <(echo "$before") <(ls "$corpus" 2>/dev/null | sort) | sed '/^$/d')
	if [[ $status -ne 0 || -n $new ]]; then
		failed=1
		summary+=("FAIL $pkg $fn after ${took}s ($execs execs)")
		for f in $new; do
			summary+=("     crasher $corpus/$f  (replay: go test -run '^$fn\$/$f\$' $pkg; commit it as a regression test)")
		done
	else
		summary+=("ok   $pkg $fn ${took}s, $execs execs, no crasher")
	fi
done <<<"$targets"

printf '\n== fuzz-long summary (%s per target)\n' "$duration"
printf '%s\n' "${summary[@]}"
exit $failed
