#!/usr/bin/env bash
# ckptlens: the one entry point.
#   ./build.sh          build dist/ (the static page)
#   ./build.sh serve    build, then run the page and share API locally on 127.0.0.1 (wrangler)
#   ./build.sh worker   build dist/ and the Worker (web/build/), ready for `wrangler deploy`
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

# worker_deps installs wrangler and its workerd from web/package-lock.json
# (npm's cache in ~/.npm makes repeat installs offline).
worker_deps() {
	command -v npm >/dev/null || { echo "npm is missing: install Node.js 20 or newer" >&2; exit 1; }
	if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
		log "npm ci (web/)"
		(cd web && npm ci --no-audit --no-fund --prefer-offline)
	fi
}

# build_worker compiles the Go Worker into web/build/ for wrangler.
build_worker() {
	log "build the Worker (web/build/)"
	go run ./web/cmd/buildworker web/build
}

# serve runs the product locally: the page and the share API on the real
# workerd, KV kept under web/.wrangler/.
serve() {
	build
	worker_deps
	build_worker
	log "serving on http://127.0.0.1:${PORT:-8787} (Ctrl-C stops)"
	cd web && WRANGLER_SEND_METRICS=false exec npx wrangler dev --local --ip 127.0.0.1 \
		--port "${PORT:-8787}" --persist-to .wrangler/state --show-interactive-dev-session=false
}

test_all() {
	log "go vet"
	go vet ./...
	GOOS=js GOARCH=wasm go vet ./web/cmd/worker
	worker_deps
	export CKPTLENS_REQUIRE_WORKER=1 # worker tests fail, never skip, in CI
	log "go test"
	go test ./...
	fuzz_smoke
}

case "${1:-build}" in
build) build ;;
serve) serve ;;
worker) build && worker_deps && build_worker ;; # for `wrangler deploy`
test) test_all ;;
*)
	echo "usage: $0 [build|serve|worker|test]" >&2
	exit 2
	;;
esac
