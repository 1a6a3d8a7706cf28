#!/usr/bin/env bash
# Scale benchmarks side by side (issue 19): many operators, JSON output,
# listings and inventory reports, each at three sizes, in one run. Prints a
# markdown table of growth curves and writes it to $CKPTLENS_BENCH_DIR/scale.md.
#
#   bench/scale.sh                         # every case
#   bench/scale.sh -only listing,inventory # some cases
#   bench/scale.sh -garbage 20000000       # the 20 M-line listing run (4 GB of listing)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${CKPTLENS_BENCH_DIR:-/tmp/ckptlens-bench}/scale
bin=$dir/bin
mkdir -p "$bin"
go build -o "$bin/gen" ./bench/gen
go build -o "$bin/listgen" ./bench/listgen
go build -o "$bin/ckptlens" ./cmd/ckptlens
go build -o "$bin/scale" ./bench/scale
echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD 2>/dev/null || true), load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs"
"$bin/scale" -gen "$bin/gen" -listgen "$bin/listgen" -cli "$bin/ckptlens" -dir "$dir" "$@" | tee "$dir/scale.md"
