#!/usr/bin/env bash
# The Flink oracle as a command-line tool (Flink's own classes from Maven Central).
#
#   oracle.sh truth <_metadata> [out.json]   dump Flink's view of any _metadata (truth schema, see README.md)
#   oracle.sh bench <_metadata> <iterations> time Flink's Checkpoints.loadCheckpointMetadata, as JSON
#   oracle.sh build <release>                build the oracle for one release (1.3 1.15 1.19 1.20 2.0 2.3)
#   oracle.sh run <release> <args...>        run the oracle's Main with that release's Flink
#
# truth and bench pick the newest release that reads the file's header version
# and fall back to older ones if it fails. Builds happen on demand (Maven, Java 17).
# 1.3 (../oracle-1.3, loader only) reads what newer releases reject: header version 1
# (1.11+ reject it) and legacy Checkpointed state in version 2 (1.4+ reject it).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ORACLE="$HERE/oracle"
RELEASES_NEWEST_FIRST=(2.3 2.0 1.20 1.19 1.15 1.3)

java_home() {
  for d in "${JAVA_HOME:-}" /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64; do
    if [[ -n "$d" && -x "$d/bin/java" ]] && "$d/bin/java" -version 2>&1 | grep -q '"17\.'; then echo "$d"; return; fi
  done
  echo "oracle.sh: Java 17 not found (apt-get install openjdk-17-jdk-headless)" >&2; exit 1
}

build() {
  local rel="$1" project="$ORACLE" profile=(-P "flink-$1")
  if [[ "$rel" == 1.3 ]]; then project="$HERE/oracle-1.3"; profile=(); fi
  if [[ ! -f "$ORACLE/target/$rel/classpath.txt" || ! -f "$ORACLE/target/$rel/flink-oracle-1.jar" ]] ||
     [[ -n "$(find "$ORACLE/src" "$ORACLE/pom.xml" "$project/src" "$project/pom.xml" -newer "$ORACLE/target/$rel/flink-oracle-1.jar" -type f 2>/dev/null | head -1)" ]]; then
    echo "oracle.sh: building the oracle for Flink $rel" >&2
    (cd "$project" && JAVA_HOME="$(java_home)" mvn -q -B "${profile[@]}" package >&2)
  fi
}

# Flink 1.15 predates Java 17 support; these opens let Kryo and the MiniCluster work on 17.
JAVA_OPENS=(
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.math=ALL-UNNAMED --add-opens=java.sql/java.sql=ALL-UNNAMED
)

run() {
  local rel="$1"; shift
  build "$rel"
  local cp="$ORACLE/target/$rel/flink-oracle-1.jar:$(cat "$ORACLE/target/$rel/classpath.txt")"
  local java; java="$(java_home)/bin/java"
  local main=ckptlens.oracle.Main
  [[ "$rel" == 1.3 ]] && main=ckptlens.oracle.legacy.LegacyTruth
  # bench's cold figure counts from here: the JVM launch.
  [[ "${1:-}" == bench ]] && set -- "$@" "$(date +%s%3N)"
  # Flink's plugins (the S3 file system, where the release has it) load from here, as from a distribution's plugins/.
  [[ -d "$ORACLE/target/$rel/plugins" ]] && export FLINK_PLUGINS_DIR="$ORACLE/target/$rel/plugins"
  "$java" ${ORACLE_JAVA_OPTS:-} "${JAVA_OPENS[@]}" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel="${ORACLE_LOG_LEVEL:-warn}" \
    -cp "$cp" "$main" "$@"
}

header_version() {
  local magic ver
  magic="$(od -An -tx1 -N4 "$1" | tr -d ' \n')"
  [[ "$magic" == "4960672d" ]] || { echo "oracle.sh: $1 is not a Flink _metadata file (magic $magic)" >&2; exit 1; }
  ver="$(od -An -tx1 -j4 -N4 "$1" | tr -d ' \n')"
  echo $((16#$ver))
}

# Releases that read a header version, newest first.
readers() {
  local v="$1" r
  for r in "${RELEASES_NEWEST_FIRST[@]}"; do
    case "$v:$r" in
      1:1.3|2:*) echo "$r" ;;
      *:1.3) ;;
      3:*) echo "$r" ;;
      4:1.15) ;; 4:*) echo "$r" ;;
      5:2.*) echo "$r" ;;
      6:2.3) echo "$r" ;;
    esac
  done
}

with_reader() {
  local file="$1"; shift
  local v rel err
  v="$(header_version "$file")"
  err="$(mktemp)"
  for rel in $(readers "$v"); do
    if run "$rel" "$@" 2>"$err"; then rm -f "$err"; return 0; fi
    echo "oracle.sh: Flink $rel could not read $file:" >&2; tail -5 "$err" >&2
  done
  rm -f "$err"
  echo "oracle.sh: no built release reads header version $v of $file" >&2
  return 1
}

cmd="${1:-}"; shift || true
case "$cmd" in
  truth)
    [[ $# -ge 1 ]] || { echo "usage: oracle.sh truth <_metadata> [out.json]" >&2; exit 2; }
    with_reader "$1" truth "$@" ;;
  bench)
    [[ $# -eq 2 ]] || { echo "usage: oracle.sh bench <_metadata> <iterations>" >&2; exit 2; }
    v="$(header_version "$1")"; rel="$(readers "$v" | head -1)"
    [[ -n "$rel" ]] || { echo "oracle.sh: no release reads header version $v" >&2; exit 1; }
    run "$rel" bench "$1" "$2" ;;
  build) build "$1" ;;
  run) run "$@" ;;
  *) sed -n '2,11p' "$0" >&2; exit 2 ;;
esac
