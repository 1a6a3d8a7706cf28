#!/usr/bin/env bash
# Proves bench/gen's files valid: Flink's own loader reads each one
# (testdata/flink/oracle.sh truth writes truth.json beside it), then the
# decoder must agree with Flink field by field (TestGeneratedFilesMatchFlink).
#
#   bench/verify-gen.sh           encoder samples V2–V6 (plain and hostile text),
#                                 small dense and inline files, and the benchmark
#                                 files: dense, dense-xl (~100 MB), inline (1 GiB)
#   bench/verify-gen.sh --small   only the samples and the small files
#
# Output: $CKPTLENS_BENCH_DIR/verify (default /tmp/ckptlens-bench/verify).
set -euo pipefail
cd "$(dirname "$0")/.."
DIR=${CKPTLENS_BENCH_DIR:-/tmp/ckptlens-bench}/verify
ORACLE=${ORACLE:-testdata/flink/oracle.sh}
mkdir -p "$DIR"

# A truth is kept only while the file and the oracle that wrote it are
# unchanged: oracle_id fingerprints the oracle's sources and its script.
oracle_id=$(find testdata/flink/oracle/src testdata/flink/oracle/pom.xml "$ORACLE" -type f | sort | xargs cat | sha256sum | cut -c1-16)

gen() { # gen NAME ARGS...
	local name=$1
	shift
	[[ -s $DIR/$name/_metadata ]] || go run ./bench/gen -o "$DIR/$name" "$@" >/dev/null
	if [[ ! -s $DIR/$name/truth.json || $DIR/$name/_metadata -nt $DIR/$name/truth.json ||
		$(cat "$DIR/$name/truth.oracle" 2>/dev/null) != "$oracle_id" ]]; then
		echo "== Flink reads $name ($(du -h "$DIR/$name/_metadata" | cut -f1))" >&2
		"$ORACLE" truth "$DIR/$name/_metadata" "$DIR/$name/truth.json"
		echo "$oracle_id" >"$DIR/$name/truth.oracle"
	fi
}

for v in 2 3 4 5 6; do
	gen "sample-v$v" -kind sample -version "$v"
done
gen sample-hostile -kind sample -version 6 -text '<img src=x onerror=alert(1)>"'"'"'&<script>alert(1)</script>😀'
gen sample-hostile-v5 -kind sample -version 5 -text '</td><b>bold</b>${x}{{.}}'
gen dense-small -kind dense -operators 2 -parallelism 8 -shared 4
gen dense-small-v6 -kind dense -version 6 -operators 2 -parallelism 8 -shared 4
gen inline-small -kind inline -total 5000000 -parallelism 4
if [[ ${1:-} != --small ]]; then
	gen dense -kind dense
	gen dense-xl -kind dense-xl
	gen inline -kind inline
fi
CKPTLENS_GEN_TRUTH=$DIR go test -count=1 -run '^TestGeneratedFilesMatchFlink$' -v ./parse/flink 2>&1 | grep -v '^=== RUN'
