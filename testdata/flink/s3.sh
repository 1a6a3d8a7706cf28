#!/usr/bin/env bash
# Real Flink writing through its own S3 file system: the oracle's s3 command (S3Run.java) runs a
# MiniCluster job whose checkpoints and savepoint go to s3://ckptlens/flink/ on a local s3proxy,
# through the flink-s3-fs-hadoop plugin loaded by Flink's PluginManager. The Go test that drives
# it (cmd/ckptlens TestFlinkS3Live) starts s3proxy, checks ckptlens against what Flink wrote and,
# here, records the run into s3/2.3/ (run.json, listing.txt, every _metadata with truth.json),
# which TestFlinkS3Recorded puts back on a fresh s3proxy in every ./build.sh test. A second run
# injects entropy (s3.entropy.key) into s3://ckptlens/flink-entropy/, recorded in s3/2.3-entropy/.
# After each run, the oracle's s3-proof applies ckptlens's plan over the bucket and restores every
# kept snapshot from it (proof.json).
#
# Usage: testdata/flink/s3.sh        (about 2 minutes once the oracle is built: 2 jobs, 2 proofs, 6 restores)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
RELEASE=2.3 # the release whose S3 plugin Maven Central has (flink-s3-fs-hadoop 2.3.0)
nice "$HERE/oracle.sh" build "$RELEASE"
"$REPO/testdata/storage/servers.sh" install s3
cd "$REPO" && CKPTLENS_FLINK_S3_RECORD=1 go test ./cmd/ckptlens -run '^TestFlinkS3Live$' -count=1 -v
