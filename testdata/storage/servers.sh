#!/usr/bin/env bash
# The storage servers ckptlens's storage tests start (parse/storage/storagetest):
#   s3     s3proxy (Maven Central, org.gaul:s3proxy), a real S3 implementation
#   gcs    fake-gcs-server, built from its Go module (fakegcs/go.mod pins it)
#   azure  Azurite, Microsoft's Azure Storage emulator (azurite/package-lock.json pins it)
#   hdfs   Hadoop's MiniDFSCluster (minidfs/pom.xml pins hadoop-client-minicluster)
#
#   testdata/storage/servers.sh install [s3|gcs|azure|hdfs]...   (all when none is named)
#
# Installs into ~/.cache/ckptlens (CKPTLENS_CACHE), once; Maven, npm and Go keep
# their own caches too, so a repeat install is offline. The installs run in parallel.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${CKPTLENS_CACHE:-$HOME/.cache/ckptlens}
S3PROXY_VERSION=2.6.0
mkdir -p "$CACHE"

timed() {
	local name=$1 start=$SECONDS
	shift
	if "$@" >"$CACHE/install-$name.log" 2>&1; then
		echo "storage servers: $name ready in $((SECONDS - start)) s"
	else
		echo "storage servers: installing $name failed; see $CACHE/install-$name.log" >&2
		tail -20 "$CACHE/install-$name.log" >&2
		return 1
	fi
}

install_s3() {
	local jar="$CACHE/s3proxy-$S3PROXY_VERSION.jar"
	[ -f "$jar" ] && return 0
	mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
		-Dartifact="org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" -DoutputDirectory="$CACHE/s3proxy.tmp"
	mv "$CACHE/s3proxy.tmp/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar" "$jar"
	rmdir "$CACHE/s3proxy.tmp"
}

install_gcs() {
	local bin="$CACHE/fake-gcs-server"
	[ -x "$bin" ] && [ "$bin" -nt "$HERE/fakegcs/go.mod" ] && return 0
	(cd "$HERE/fakegcs" && go build -o "$bin.tmp" github.com/fsouza/fake-gcs-server && mv "$bin.tmp" "$bin")
}

install_azure() {
	local stamp="$HERE/azurite/node_modules/.package-lock.json"
	[ -f "$stamp" ] && [ "$stamp" -nt "$HERE/azurite/package-lock.json" ] && return 0
	(cd "$HERE/azurite" && npm ci --no-audit --no-fund --prefer-offline --ignore-scripts)
}

install_hdfs() {
	local cp="$HERE/minidfs/target/classpath.txt"
	[ -f "$cp" ] && [ "$cp" -nt "$HERE/minidfs/pom.xml" ] && [ -f "$HERE/minidfs/target/classes/ckptlens/MiniDfs.class" ] && return 0
	(cd "$HERE/minidfs" && mvn -q -B compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt)
}

case "${1:-}" in
install)
	shift
	names=("$@")
	[ ${#names[@]} -gt 0 ] || names=(s3 gcs azure hdfs)
	pids=()
	for n in "${names[@]}"; do
		timed "$n" "install_$n" &
		pids+=($!)
	done
	status=0
	for p in "${pids[@]}"; do wait "$p" || status=1; done
	exit $status
	;;
*)
	echo "usage: $0 install [s3|gcs|azure|hdfs]..." >&2
	exit 2
	;;
esac
