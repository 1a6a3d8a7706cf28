#!/usr/bin/env bash
# Fuzzing: every `func Fuzz…` target in the repository, one after the other,
# for BUDGET each: a duration (default 10m) or a count of executions (10000x,
# what ./build.sh test runs).
#
#   bench/fuzz.sh [BUDGET]        e.g. bench/fuzz.sh 30m, bench/fuzz.sh 10000x
#   FUZZ_TARGETS='FuzzDecode|FuzzParse' bench/fuzz.sh 2m   only these targets (an anchored regexp)
#
# Go 1.26's fuzzer can fail a target with a bare "context deadline exceeded"
# when a duration runs out while a worker is busy (go.dev/issue/75804, fixed in
# Go 1.27). A count has no deadline, so ./build.sh test uses one; a duration run
# that fails only that way and wrote no crasher is reported as such, not failed.
#
# A crasher is written by `go test -fuzz` to <package>/testdata/fuzz/<Target>/<hash>.
# Committing that file makes it a regression test: plain `go test` replays
# every file there. The summary at the end lists each new crasher and the
# command that replays it. Exit status: 1 if any target failed.
# Run it alone: it keeps both cores busy (FUZZ_PARALLEL, default 2).
set -uo pipefail
cd "$(dirname "$0")/.."
budget=${1:-${FUZZ_BUDGET:-10m}}
filter=${FUZZ_TARGETS:-.*}
logdir=${CKPTLENS_BENCH_DIR:-/tmp/ckptlens-bench}/fuzz
mkdir -p "$logdir"

targets=$(grep -rl --include='*_test.go' --exclude-dir=node_modules --exclude-dir=target --exclude-dir=.git '^func Fuzz' . |
	xargs -r grep -H '^func Fuzz' |
	sed -E 's#^\./(.*)/[^/]+_test.go:func (Fuzz[A-Za-z0-9_]*)\(.*#./\1 \2#' | sort -u | grep -E " ($filter)$" || true)
if [[ -z $targets ]]; then
	echo "fuzz: no fuzz targets match '$filter'" >&2
	exit 1
fi

# deadline_race: the run failed only with Go's own end-of-budget error.
deadline_race() {
	[[ $budget != *x ]] &&
		[[ $(grep -cE '^--- FAIL' "$1") == 1 ]] &&
		grep -A1 -E '^--- FAIL' "$1" | tail -1 | grep -qxE '\s+context deadline exceeded'
}

summary=()
failed=0
while read -r pkg fn; do
	corpus="$pkg/testdata/fuzz/$fn"
	before=$(ls "$corpus" 2>/dev/null | sort)
	log="$logdir/$(echo "${pkg#./}" | tr / _)_$fn.log"
	printf '\n== %s %s for %s (log %s)\n' "$pkg" "$fn" "$budget" "$log"
	start=$(date +%s)
	go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$budget" -parallel "${FUZZ_PARALLEL:-2}" "$pkg" 2>&1 | tee "$log" | grep -E '^(fuzz: elapsed|---|FAIL|ok|PASS|\s+Failing input)' | tail -n 20
	status=${PIPESTATUS[0]}
	took=$(($(date +%s) - start))
	execs=$(grep -oE 'execs: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || echo '?')
	new=$(comm -13 <(echo "$before") <(ls "$corpus" 2>/dev/null | sort) | sed '/^$/d')
	if [[ $status -ne 0 && -z $new ]] && deadline_race "$log"; then
		summary+=("ok   $pkg $fn ${took}s, $execs execs, no crasher (ended by Go's fuzztime race, go.dev/issue/75804)")
	elif [[ $status -ne 0 || -n $new ]]; then
		failed=1
		summary+=("FAIL $pkg $fn after ${took}s ($execs execs)")
		printf -- '-- the end of %s:\n' "$log"
		tail -n 40 "$log"
		for f in $new; do
			summary+=("     crasher $corpus/$f  (replay: go test -run '^$fn\$/$f\$' $pkg; commit it as a regression test)")
		done
	else
		summary+=("ok   $pkg $fn ${took}s, $execs execs, no crasher")
	fi
done <<<"$targets"

printf '\n== fuzz summary (%s per target)\n' "$budget"
printf '%s\n' "${summary[@]}"
exit $failed
