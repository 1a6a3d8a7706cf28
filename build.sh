#!/usr/bin/env bash
# ckptlens: the one entry point.
#   ./build.sh          build dist/ (the static page)
#   ./build.sh serve    build, then run the page and share API locally on 127.0.0.1 (wrangler)
#   ./build.sh worker   build dist/ and the Worker (web/build/), ready for `wrangler deploy`
#   ./build.sh test     install what the tests need, then run every test
#   ./build.sh bench    compare ckptlens with Flink's loader, the page and the heuristic (bench/compare.sh [--quick])
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD

log() { printf '\n== %s\n' "$*"; }

# fuzz_smoke runs every go-fuzz target for a few thousand inputs, so a target
# that crashes on its seeds or finds a quick crasher fails the build. A count,
# not a duration: Go 1.26 can fail a duration run that found nothing
# (bench/fuzz.sh says why).
fuzz_smoke() {
	bench/fuzz.sh "${FUZZ_BUDGET:-10000x}"
}

# need_pkg installs Debian packages whose commands are missing (CI starts
# bare); without root it says what is missing and goes on.
need_pkg() { # need_pkg COMMAND PACKAGE
	command -v "$1" >/dev/null 2>&1 && return 0
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		log "install $2 (for $1)"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
	else
		echo "note: $1 is missing; install the Debian package $2" >&2
	fi
}

# build_page builds dist/: index.html, Go's wasm_exec.js and the vugu app.
build_page() {
	log "build dist/"
	rm -rf dist && mkdir -p dist
	GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o dist/app.wasm ./wasm
	cp index.html dist/
	cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" dist/
	go run ./web/cmd/offline dist # sw.js, the manifest and icons: offline after the first visit
	need_pkg brotli brotli
	local raw gz br=unknown
	raw=$(wc -c <dist/app.wasm)
	gz=$(gzip -9 -c dist/app.wasm | wc -c)
	command -v brotli >/dev/null && br=$(brotli -q 11 -c dist/app.wasm | wc -c)
	printf 'app.wasm: raw %s bytes, gzip %s bytes, brotli %s bytes (budget: brotli <= 1.25 MB)\n' "$raw" "$gz" "$br"
}

# page_budgets measures, in headless Chromium, the first render on localhost
# and drop-to-rendered-result for a 10 MB _metadata. Printed, not asserted.
page_budgets() {
	if ! command -v "${CKPTLENS_CHROMIUM:-chromium}" >/dev/null; then
		echo "page budgets: skipped, chromium is not installed (./build.sh test installs it)"
		return 0
	fi
	log "page budgets"
	go run ./wasm/browsertest/budget dist
}

build() {
	build_page
	page_budgets
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

# storage_servers installs, in the background, the storage servers the
# storage tests start (testdata/storage/servers.sh: s3proxy and MiniDFSCluster
# from Maven Central, fake-gcs-server from its Go module, Azurite from npm),
# cached in ~/.cache/ckptlens; wait_storage_servers waits for it.
storage_servers() {
	need_pkg java default-jdk-headless
	need_pkg mvn maven
	log "storage servers (in the background)"
	testdata/storage/servers.sh install >"$ROOT/.storage-install.log" 2>&1 &
	STORAGE_INSTALL=$!
}

wait_storage_servers() {
	local status=0
	wait "$STORAGE_INSTALL" || status=$?
	cat "$ROOT/.storage-install.log"
	rm -f "$ROOT/.storage-install.log"
	[ "$status" = 0 ] || { echo "installing the storage servers failed" >&2; exit 1; }
	export CKPTLENS_REQUIRE_STORAGE=1 # storage tests fail, never skip, in CI
}

# tree_state is what git sees changed in the tree, screenshots aside (the
# browser tests retake them); "" outside a git checkout.
tree_state() {
	git status --porcelain -- . ':!wasm/screenshots' 2>/dev/null | sort
	git diff -- . ':!wasm/screenshots' 2>/dev/null | md5sum
}

# unused_code fails on code nothing reaches, for the host and for the page
# and the Worker (js/wasm), with the staticcheck pinned in go.mod: once with
# the tests (unused test helpers), once without (code only tests reach).
unused_code() {
	log "unused code (staticcheck U1000)"
	local sc tests
	sc=$(go tool -n staticcheck)
	for tests in true false; do
		"$sc" -checks U1000 -tests=$tests ./...
		GOOS=js GOARCH=wasm "$sc" -checks U1000 -tests=$tests ./wasm/... ./web/cmd/worker
	done
}

# long_functions fails on any hand-written function over 80 lines, tests
# included (generated files are skipped).
long_functions() {
	log "function length (at most 80 lines)"
	go run ./internal/tools/funclen -max 80 .
}

test_all() {
	storage_servers
	log "go vet"
	go vet ./...
	GOOS=js GOARCH=wasm go vet ./web/cmd/worker
	GOOS=js GOARCH=wasm go vet ./wasm ./wasm/app ./wasm/jsio
	worker_deps
	export CKPTLENS_REQUIRE_WORKER=1 # worker tests fail, never skip, in CI
	# The page's browser tests (wasm/e2e) need Debian's chromium; here they
	# fail instead of skipping, and they refresh the README's screenshots.
	need_pkg chromium chromium
	export CKPTLENS_E2E=1 CKPTLENS_SCREENSHOTS="$ROOT/wasm/screenshots"
	local before
	before=$(tree_state)
	build
	if [ "$(tree_state)" != "$before" ]; then
		echo "the build changed tracked files:" >&2
		git status --short -- . ':!wasm/screenshots' >&2
		exit 1
	fi
	unused_code
	long_functions
	wait_storage_servers
	log "go test"
	go test ./...
	fuzz_smoke
}

case "${1:-build}" in
build) build ;;
serve) serve ;;
worker) build && worker_deps && build_worker ;; # for `wrangler deploy`
test) test_all ;;
bench) shift && exec bench/compare.sh "$@" ;;
*)
	echo "usage: $0 [build|serve|worker|test|bench]" >&2
	exit 2
	;;
esac
