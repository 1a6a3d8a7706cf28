#!/usr/bin/env bash
# ckptlens: the one entry point.
#   ./build.sh          build dist/ (the static page)
#   ./build.sh serve    build, then run the page locally on 127.0.0.1
#   ./build.sh test     install what the tests need, then run every test
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

log() { printf '\n== %s\n' "$*"; }

# fuzz_smoke runs every go-fuzz target for a few seconds, so a target that
# crashes on its seeds or finds a quick crasher fails the build.
fuzz_smoke() {
	local secs=${FUZZTIME:-3s} pkg fn
	while read -r pkg fn; do
		log "fuzz $pkg $fn ($secs)"
		go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$secs" "$pkg"
	done < <(grep -rl --include='*_test.go' '^func Fuzz' parse cmd 2>/dev/null |
		xargs -r grep -H '^func Fuzz' |
		sed -E 's#^(.*)/[^/]+_test.go:func (Fuzz[A-Za-z0-9_]*)\(.*#./\1 \2#' | sort -u)
}

build() {
	log "build dist/"
	mkdir -p dist
}

serve() {
	build
}

test_all() {
	log "go vet"
	go vet ./...
	log "go test"
	go test ./...
	fuzz_smoke
}

case "${1:-build}" in
build) build ;;
serve) serve ;;
test) test_all ;;
*)
	echo "usage: $0 [build|serve|test]" >&2
	exit 2
	;;
esac
