#!/usr/bin/env bash
# Regenerates parse/slatedb/fb from schema/*.fbs with Debian's flatc
# 2.0.8 (package flatbuffers-compiler), matching the Go runtime
# github.com/google/flatbuffers v2.0.8+incompatible. Run via `go generate`.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v flatc >/dev/null; then
	if [ "$(id -u)" = 0 ]; then
		apt-get update -qq && apt-get install -y -qq flatbuffers-compiler >/dev/null
	else
		sudo apt-get update -qq && sudo apt-get install -y -qq flatbuffers-compiler >/dev/null
	fi
fi
flatc --version
rm -rf fb
flatc --go --go-namespace fb -o . schema/manifest.fbs schema/compactions.fbs
gofmt -w fb
