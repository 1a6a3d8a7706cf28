package main

import (
	"cmp"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/storage/storagetest"
)

// flinkS3Release is the oracle release whose S3 plugin Maven Central has
// (flink-s3-fs-hadoop 2.3.0; there is none for 1.20.3 or 2.0.1).
const flinkS3Release = "2.3"

// flinkS3Runs are the oracle's runs, each recorded in testdata/flink/s3/<name>:
// plain, and with entropy injection (s3.entropy.key).
var flinkS3Runs = []struct{ name, root, mode string }{
	{flinkS3Release, "flink/", ""},
	{flinkS3Release + "-entropy", "flink-entropy/", "entropy"},
}

// TestFlinkS3Recorded: what real Flink wrote through its own S3 plugin
// (testdata/flink/s3, recorded by testdata/flink/s3.sh), put back on a
// fresh s3proxy at the paths Flink wrote, byte for byte for every _metadata.
func TestFlinkS3Recorded(t *testing.T) {
	s3 := s3Server(t)
	for _, r := range flinkS3Runs {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			run, err := storagetest.ReadFlinkS3Run(repoPath(t, "testdata", "flink", "s3", r.name))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(run.Root, s3.Root) {
				t.Fatalf("the recorded root %s is not in the test bucket %s", run.Root, s3.Root)
			}
			if err := storagetest.Upload(context.Background(), run.Root, run.Files, time.Now().Add(-72*time.Hour)); err != nil {
				t.Fatal(err)
			}
			checkFlinkS3(t, run)
			checkFlinkS3Proof(t, run)
		})
	}
}

// TestFlinkS3Live runs real Flink (the oracle's s3 command) against an
// s3proxy of its own, then checks what it wrote. It needs the oracle built
// for Flink 2.3 with its S3 plugin (testdata/flink/oracle.sh build 2.3);
// CKPTLENS_FLINK_S3_RECORD=1 also records the run into testdata/flink/s3.
func TestFlinkS3Live(t *testing.T) {
	target := repoPath(t, "testdata", "flink", "oracle", "target", flinkS3Release)
	plugins, _ := filepath.Glob(filepath.Join(target, "plugins", "s3-fs-hadoop", "flink-s3-fs-hadoop-*.jar"))
	if _, err := os.Stat(filepath.Join(target, "flink-oracle-1.jar")); err != nil || len(plugins) == 0 {
		t.Skip("the Flink " + flinkS3Release + " oracle with its S3 plugin is not built: testdata/flink/oracle.sh build " + flinkS3Release +
			" builds it; TestFlinkS3Recorded checks the recorded run meanwhile")
	}
	if err := storagetest.Install("s3"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	s3, err := storagetest.StartS3(dir)
	defer s3.Stop()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range s3.Env {
		t.Setenv(k, v)
	}
	for _, r := range flinkS3Runs { // one at a time: each is a JVM with a MiniCluster
		t.Run(r.name, func(t *testing.T) {
			out := filepath.Join(dir, r.name)
			run := runFlinkS3(t, s3.Root+r.root, out, r.mode)
			checkFlinkS3(t, run)
			proveFlinkS3(t, run, filepath.Join(dir, "ckptlens"))
			if os.Getenv("CKPTLENS_FLINK_S3_RECORD") != "" {
				recordFlinkS3(t, out, r.name)
			}
		})
	}
}

// runFlinkS3 runs the oracle's s3 command against the server in the
// environment and reads what it recorded.
func runFlinkS3(t *testing.T, root, out, mode string) *storagetest.FlinkS3Run {
	start := time.Now()
	runOracle(t, "s3", root, out, mode)
	run, err := storagetest.ReadFlinkS3Run(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Flink %s wrote %d objects through %v in %d ms (the job), %s with the JVM and the read-back",
		run.FlinkVersion, len(run.Files), run.Plugins, run.JobMillis, time.Since(start).Round(time.Second))
	return run
}

// runOracle runs the Flink oracle of flinkS3Release with the server in the
// environment.
func runOracle(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command("nice", append([]string{repoPath(t, "testdata", "flink", "oracle.sh"), "run", flinkS3Release}, args...)...)
	cmd.Env = append(os.Environ(), "ORACLE_LOG_LEVEL=error", "AWS_EC2_METADATA_DISABLED=true", "AWS_JAVA_V1_DISABLE_DEPRECATION_ANNOUNCEMENT=true")
	if log, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the oracle's %s: %v\n%s", args[0], err, log[max(0, len(log)-4000):])
	}
}

// proveFlinkS3 runs the oracle's s3-proof: the CLI's plan over the bucket
// (newest 2 checkpoints and the savepoint kept) really applied, then each
// kept snapshot restored from the bucket and checked.
func proveFlinkS3(t *testing.T, run *storagetest.FlinkS3Run, cli string) {
	t.Helper()
	if _, err := os.Stat(cli); err != nil {
		if out, err := exec.Command("go", "build", "-o", cli, ".").CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	var metas []string
	for _, rel := range run.Metadata {
		metas = append(metas, run.Root+rel)
	}
	args := []string{"s3-proof", run.Root, run.Dir, cli, cmp.Or(run.EntropyKey, "-")}
	for _, k := range keptOf(metas, 2) {
		args = append(args, path2dir(k))
	}
	runOracle(t, args...)
	proved, err := storagetest.ReadFlinkS3Run(run.Dir)
	if err != nil {
		t.Fatal(err)
	}
	run.Proof = proved.Proof
	t.Logf("proof: %d paths deleted, %d restores in %d ms", len(run.Proof.Deleted), len(run.Proof.Restores), run.Proof.ProofMillis)
	checkFlinkS3Proof(t, run)
}

// checkFlinkS3Proof: the proof deleted something, every kept snapshot
// restored with every key checked; and today's plan over the recorded
// bucket deletes nothing the proof did not (it may be more careful, never
// bolder, as flinkproof_test.go checks the local proofs).
func checkFlinkS3Proof(t *testing.T, run *storagetest.FlinkS3Run) {
	t.Helper()
	p := run.Proof
	if p == nil {
		t.Fatalf("%s has no proof.json (testdata/flink/s3.sh records it)", run.Dir)
	}
	if p.ExitStatus != 0 || len(p.Deleted) == 0 || p.FailedRestores != 0 || len(p.Restores) != len(p.Kept) || len(p.Kept) < 3 {
		t.Fatalf("proof: exit %d, %d deleted, %d of %d restores failed (kept %v): %s", p.ExitStatus, len(p.Deleted), p.FailedRestores, len(p.Restores), p.Kept, p.Stderr)
	}
	for _, r := range p.Restores {
		if !r.OK || r.KeysChecked != 500 || len(r.Mismatches) > 0 {
			t.Errorf("proof: restoring %s: ok %v, %d keys checked, mismatches %v, error %v", r.Snapshot, r.OK, r.KeysChecked, r.Mismatches, r.Error)
		}
	}
	args := append([]string{"orphans", "--paths"}, p.Flags...)
	paths, errText, code := runCLI(t, append(args, run.Root)...)
	if code != 0 {
		t.Fatalf("orphans %v: status %d: %s", p.Flags, code, errText)
	}
	for _, planned := range strings.Fields(paths) {
		if !deletedByProof(strings.TrimPrefix(planned, run.Root), p.Deleted) {
			t.Errorf("orphans %v plans %s, which the proof did not delete", p.Flags, planned)
		}
	}
}

// deletedByProof: rel is a path the proof deleted, or lies in a folder it deleted.
func deletedByProof(rel string, deleted []string) bool {
	for _, d := range deleted {
		if rel == d || (strings.HasSuffix(d, "/") && strings.HasPrefix(rel, d)) {
			return true
		}
	}
	return false
}

// s3Server is the package's s3proxy (see startServers).
func s3Server(t *testing.T) *storagetest.Server {
	for _, s := range startServers(t) {
		if strings.HasPrefix(s.Root, "s3://") {
			return s
		}
	}
	t.Skip("s3proxy did not start")
	return nil
}

// checkFlinkS3: the objects ckptlens lists are those Flink's file system
// listed; every file Flink's own loader finds in a _metadata is an object
// of that size; inspect of each stored snapshot equals inspect of a local
// copy; and orphans over the bucket equals orphans over its listing.
func checkFlinkS3(t *testing.T, run *storagetest.FlinkS3Run) {
	entries, sizes := listedObjects(t, run)
	var metas []string
	for _, rel := range run.Metadata {
		metas = append(metas, run.Root+rel)
		checkTruthFilesStored(t, run, rel, sizes)
		checkInspect(t, run.Root+rel, run.Files, run.Root)
		checkResolvedStored(t, run.Root+rel, sizes)
	}
	if len(metas) < 3 || !strings.HasPrefix(run.Savepoint, run.Root+"savepoints/") {
		t.Fatalf("the run recorded %d snapshots, savepoint %q", len(metas), run.Savepoint)
	}
	listingFile, prefix := nativeListing(t, &storagetest.Server{Name: "flink-s3"}, run.Root, entries)
	flags := []string{"--stopped", "--margin", "1ns"}
	if run.EntropyKey != "" {
		flags = append(flags, "--entropy-key", run.EntropyKey)
	}
	live := planSummary(t, append(append([]string{"orphans", "--keep-latest", "2"}, flags...), run.Root)...)
	kept := keptOf(metas, 2)
	args := append(append([]string{"orphans", "--listing", listingFile, "--prefix", prefix}, flags...), kept...)
	if fromListing := planSummary(t, args...); !reflect.DeepEqual(live, fromListing) {
		t.Errorf("orphans over %s:\n%+v\norphans over its listing:\n%+v", run.Root, live, fromListing)
	}
	checkPlanSparesKept(t, run, live, kept)
}

// listedObjects lists the root with parse/storage: exactly the objects
// Flink's S3 file system listed, at their sizes.
func listedObjects(t *testing.T, run *storagetest.FlinkS3Run) (files []listing.Entry, sizes map[string]int64) {
	t.Helper()
	_, entries, got := storedFiles(t, run.Root)
	want := map[string]int64{}
	for _, f := range run.Files {
		want[run.Root+f.Rel] = int64(len(f.Data))
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ckptlens listed %d objects under %s, Flink's S3 file system %d; ckptlens: %v", len(got), run.Root, len(want), clipMap(got))
	}
	for _, e := range entries {
		if !e.Dir {
			files = append(files, e)
		}
	}
	return files, got
}

// flinkTruth is the part of the oracle's truth.json (Flink's own loader)
// this test reads: every file reference, absolute or relative.
type flinkTruth struct {
	Files []struct {
		Path, ResolvedPath, Handle string
		Bytes                      int64
	} `json:"files"`
}

func readTruth(t *testing.T, run *storagetest.FlinkS3Run, rel string) flinkTruth {
	t.Helper()
	var tr flinkTruth
	data, err := os.ReadFile(filepath.Join(run.Dir, filepath.FromSlash(path2dir(rel)), "truth.json"))
	if err == nil {
		err = json.Unmarshal(data, &tr)
	}
	if err != nil || len(tr.Files) == 0 {
		t.Fatalf("%s: truth.json: %v (%d files)", rel, err, len(tr.Files))
	}
	return tr
}

func path2dir(rel string) string { return rel[:strings.LastIndexByte(rel, '/')] }

// truthPath is where a reference points: relative handles resolved.
func truthPath(p, resolved string) string {
	if resolved != "" {
		return resolved
	}
	return p
}

// checkTruthFilesStored: every file Flink's loader reads from a _metadata
// is an object under the root, of the size its handle records.
func checkTruthFilesStored(t *testing.T, run *storagetest.FlinkS3Run, rel string, sizes map[string]int64) {
	t.Helper()
	for _, f := range readTruth(t, run, rel).Files {
		p := truthPath(f.Path, f.ResolvedPath)
		size, ok := sizes[p]
		if !ok {
			t.Errorf("%s references %s (%s), which is not in the bucket", rel, p, f.Handle)
		} else if f.Bytes > 0 && size != f.Bytes {
			t.Errorf("%s references %s at %d bytes; the object has %d", rel, p, f.Bytes, size)
		}
	}
}

// checkResolvedStored: every file ckptlens resolves for a stored snapshot
// (relative ones against its folder) is an object of the size it records.
func checkResolvedStored(t *testing.T, meta string, sizes map[string]int64, stored ...string) {
	t.Helper()
	out, errText, code := runCLI(t, append(append([]string{"inspect", "--json"}, stored...), meta)...)
	var r struct {
		Files []struct {
			Path  string `json:"path"`
			Bytes int64  `json:"bytes"`
		} `json:"files"`
		FileRefs []struct {
			Path string `json:"path"`
		} `json:"fileRefs"`
	}
	if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil || len(r.Files) == 0 || len(r.FileRefs) != len(r.Files) {
		t.Fatalf("inspect %s: status %d, %v, %d files, %d refs: %s", meta, code, err, len(r.Files), len(r.FileRefs), errText)
	}
	for i, f := range r.Files {
		p := cmp.Or(r.FileRefs[i].Path, f.Path)
		if size, ok := sizes[p]; !ok || (f.Bytes >= 0 && size != f.Bytes) {
			t.Errorf("inspect %s: file %s (%d bytes) is not an object of that size in the bucket (listed: %v, %d)", meta, p, f.Bytes, ok, size)
		}
	}
}

// checkPlanSparesKept: the plan deletes the checkpoint not kept and
// nothing a kept snapshot references (by Flink's own loader).
func checkPlanSparesKept(t *testing.T, run *storagetest.FlinkS3Run, plan map[string]any, kept []string) {
	t.Helper()
	var deletable []string
	for _, p := range plan["paths"].([]string) {
		if p != "" {
			deletable = append(deletable, p)
		}
	}
	if plan["status"] != 0 || len(deletable) == 0 {
		t.Fatalf("orphans --keep-latest 2 over %s: status %v, nothing to delete: %v", run.Root, plan["status"], plan)
	}
	for _, k := range kept {
		for _, f := range readTruth(t, run, strings.TrimPrefix(k, run.Root)).Files {
			p := truthPath(f.Path, f.ResolvedPath)
			for _, d := range deletable {
				if p == d || (strings.HasSuffix(d, "/") && strings.HasPrefix(p, d)) {
					t.Errorf("the plan deletes %s, which kept %s references", d, k)
				}
			}
		}
	}
}

// recordFlinkS3 replaces testdata/flink/s3/<name> with the run in out.
func recordFlinkS3(t *testing.T, out, name string) {
	dest := repoPath(t, "testdata", "flink", "s3", name)
	if err := os.RemoveAll(dest); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(dest, os.DirFS(out)); err != nil {
		t.Fatal(err)
	}
	t.Logf("recorded into %s", dest)
}
