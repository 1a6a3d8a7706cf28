package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/storage"
	"github.com/ckptlens/ckptlens/parse/storage/storagetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	for _, s := range servers.running {
		s.Stop()
	}
	os.Exit(code)
}

// servers are the storage servers, started once for the package's tests.
var servers struct {
	once    sync.Once
	running []*storagetest.Server
	failed  []error
	dir     string
}

// startServers starts every storage server at once (each takes seconds)
// and points ckptlens at them through the environment.
func startServers(t *testing.T) []*storagetest.Server {
	servers.once.Do(func() {
		if err := storagetest.Install(); err != nil {
			servers.failed = append(servers.failed, err)
			return
		}
		servers.dir, _ = os.MkdirTemp("", "ckptlens-storage-")
		starts := []func(string) (*storagetest.Server, error){storagetest.StartS3, storagetest.StartGCS, storagetest.StartAzurite, storagetest.StartHDFS}
		results := make([]*storagetest.Server, len(starts))
		errs := make([]error, len(starts))
		var wg sync.WaitGroup
		for i, start := range starts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				dir := filepath.Join(servers.dir, fmt.Sprint(i))
				os.MkdirAll(dir, 0o755)
				results[i], errs[i] = start(dir)
			}()
		}
		wg.Wait()
		for i, s := range results {
			if errs[i] != nil {
				servers.failed = append(servers.failed, errs[i])
				s.Stop()
				continue
			}
			for k, v := range s.Env {
				os.Setenv(k, v)
			}
			servers.running = append(servers.running, s)
		}
	})
	for _, err := range servers.failed {
		if os.Getenv("CKPTLENS_REQUIRE_STORAGE") != "" {
			t.Fatalf("a storage server did not start: %v", err)
		}
		t.Logf("a storage server did not start (set CKPTLENS_REQUIRE_STORAGE=1 to fail instead): %v", err)
	}
	if len(servers.running) == 0 {
		t.Skip("no storage server started; ./build.sh test installs them (testdata/storage/servers.sh)")
	}
	return servers.running
}

// storageScenario is an oracle tree uploaded to each server, and what
// its plan keeping the newest 2 checkpoints of each job is: a plan with
// paths to delete, or a refusal.
type storageScenario struct {
	release, name string
	status        int
	deletes       bool
}

// storageScenarios: a NO_CLAIM restore (two jobs' chains), a CLAIM
// restore (refused: the first job's kept checkpoint lost files to the
// second), file merging, and savepoints beside checkpoints.
var storageScenarios = []storageScenario{
	{"1.20", "restore-no-claim", 0, true}, {"2.3", "restore-claim", 2, false},
	{"1.20", "file-merging", 0, true}, {"2.3", "savepoints", 0, false},
}

// TestStorageServers: on each real server, orphans over the live storage
// equals orphans over the listing the storage's own tool would print, and
// inspect of a stored _metadata equals inspect of a local copy.
func TestStorageServers(t *testing.T) {
	for _, s := range startServers(t) {
		t.Logf("%s answered %s after launch", s.Name, s.Started.Round(10*time.Millisecond))
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			for _, sc := range storageScenarios {
				t.Run(sc.release+"/"+sc.name, func(t *testing.T) {
					t.Parallel()
					checkStoredScenario(t, s, sc)
				})
			}
		})
	}
}

func checkStoredScenario(t *testing.T, s *storagetest.Server, sc storageScenario) {
	ctx := context.Background()
	root := s.Root + sc.release + "/" + sc.name + "/"
	files, err := storagetest.Tree(repoPath(t, "testdata", "flink", "generated"), sc.release, sc.name, strings.TrimSuffix(root, "/"))
	if err != nil {
		t.Fatal(err)
	}
	start, base := time.Now(), time.Now().Add(-72*time.Hour)
	if err := storagetest.Upload(ctx, root, files, base); err != nil {
		t.Fatal(err)
	}
	t.Logf("uploaded %d files in %s", len(files), time.Since(start).Round(time.Millisecond))
	entries := listedFiles(t, root, files, base)
	listingFile, prefix := nativeListing(t, s, root, entries)
	var metas []string
	for _, f := range files {
		if storagetest.IsMetadata(f.Rel) {
			metas = append(metas, root+f.Rel)
		}
	}
	kept := keptOf(metas, 2)
	var margin []string
	if !strings.HasPrefix(root, "hdfs:") {
		// The uploads kept the order of the times, a second or more
		// apart, not the times themselves (a zero margin means the default).
		margin = []string{"--margin", "1ns"}
	}
	live := planSummary(t, append(append([]string{"orphans", "--keep-latest", "2"}, margin...), root)...)
	args := append(append([]string{"orphans", "--listing", listingFile}, margin...), "--prefix", prefix)
	if prefix == "" {
		args = args[:len(args)-2]
	}
	if fromListing := planSummary(t, append(args, kept...)...); !reflect.DeepEqual(live, fromListing) {
		t.Errorf("orphans over %s:\n%+v\norphans over its listing:\n%+v", root, live, fromListing)
	}
	if live["status"] != sc.status || (len(live["paths"].([]string)) > 1) != sc.deletes {
		t.Errorf("orphans over %s: status %v, %d paths to delete; want status %d, paths: %v", root, live["status"], len(live["paths"].([]string))-1, sc.status, sc.deletes)
	}
	checkInspect(t, kept[0], files, root)
}

// listedFiles lists root with parse/storage and checks it holds exactly
// the files uploaded, at their sizes, with times in the order of their
// ModTime (on HDFS, which sets them, those very times).
func listedFiles(t *testing.T, root string, files []storagetest.File, base time.Time) []listing.Entry {
	t.Helper()
	loc, entries, got := storedFiles(t, root)
	want := map[string]int64{}
	written := map[string]time.Time{}
	for _, f := range files {
		want[root+f.Rel] = int64(len(f.Data))
		written[root+f.Rel] = storagetest.ModTime(f.Rel, base)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("listed %d files, uploaded %d; listed: %v", len(got), len(want), clipMap(got))
	}
	var stored []listing.Entry
	for _, e := range entries {
		if !e.Dir {
			stored = append(stored, e)
		}
	}
	for _, a := range stored {
		for _, b := range stored {
			if written[a.Path].Before(written[b.Path]) && !a.Modified.Before(b.Modified) {
				t.Fatalf("%s was written before %s, but is listed at %s, %s", a.Path, b.Path, a.Modified, b.Modified)
			}
		}
		// HDFS keeps milliseconds; colinmarc/hdfs reads whole seconds.
		if loc.Scheme == "hdfs" && !a.Modified.Equal(written[a.Path].Truncate(time.Second)) {
			t.Fatalf("%s: listed at %s, set to %s", a.Path, a.Modified, written[a.Path])
		}
	}
	return entries
}

// storedFiles lists root with parse/storage: every entry (a folder's
// Bytes and Modified are zero), and the files' sizes by path.
func storedFiles(t *testing.T, root string) (storage.Location, []listing.Entry, map[string]int64) {
	t.Helper()
	loc, err := storage.Parse(root)
	if err != nil {
		t.Fatal(err)
	}
	st, err := storage.Open(context.Background(), loc)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var entries []listing.Entry
	sp, _, err := storage.SpoolTree(context.Background(), st, loc, t.TempDir(), nil, func(e listing.Entry) { entries = append(entries, e) })
	if err != nil {
		t.Fatal(err)
	}
	sp.Close()
	slices.SortFunc(entries, func(a, b listing.Entry) int { return strings.Compare(a.Path, b.Path) })
	sizes := map[string]int64{}
	for _, e := range entries {
		if !e.Dir {
			sizes[e.Path] = e.Bytes
		}
	}
	return loc, entries, sizes
}

func clipMap(m map[string]int64) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return strings.Join(keys[:min(len(keys), 10)], " ")
}

// planSummary runs orphans and returns what its plan decides: the exit
// status, every deletable path, and the JSON plan's figures.
func planSummary(t *testing.T, args ...string) map[string]any {
	t.Helper()
	paths, errText, code := runCLI(t, append([]string{args[0], "--paths"}, args[1:]...)...)
	out, _, _ := runCLI(t, append([]string{args[0], "--json"}, args[1:]...)...)
	var r struct {
		Orphans map[string]any `json:"orphans"`
	}
	if code == 0 {
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, errText)
		}
		delete(r.Orphans, "listing")
		for _, k := range []string{"deletable", "unsure"} { // their paths are as listed
			if items, ok := r.Orphans[k].([]any); ok {
				r.Orphans[k] = len(items)
			}
		}
	}
	return map[string]any{"status": code, "paths": strings.Split(paths, "\n"), "plan": r.Orphans}
}

// checkInspect: inspect of a stored _metadata, and of its folder, equals
// inspect of a local copy of it, but for the names they were read by.
// stored are flags for the stored reads only.
func checkInspect(t *testing.T, meta string, files []storagetest.File, root string, stored ...string) {
	t.Helper()
	local := filepath.Join(t.TempDir(), "_metadata")
	for _, f := range files {
		if root+f.Rel == meta {
			os.WriteFile(local, f.Data, 0o644)
		}
	}
	folder := meta[:strings.LastIndexByte(meta, '/')]
	want := inspectJSON(t, "--base", folder, local)
	for _, p := range []string{meta, folder} {
		if got := inspectJSON(t, append(stored, p)...); !reflect.DeepEqual(got, want) {
			t.Errorf("inspect %s differs from inspect of a local copy:\n%.3000v\n%.3000v", p, got, want)
		}
	}
}

func inspectJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	out, errText, code := runCLI(t, append([]string{"inspect", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("inspect %v: status %d: %s", args, code, errText)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "source")
	delete(m, "location")
	return m
}

// nativeListing writes the entries as the storage's own tool lists root:
// aws s3 ls --recursive for S3, gsutil ls -l -r for GCS, rclone lsl for
// Azure, hdfs dfs -ls -R for HDFS. prefix is what its relative paths need.
func nativeListing(t *testing.T, s *storagetest.Server, root string, entries []listing.Entry) (file, prefix string) {
	t.Helper()
	var b strings.Builder
	loc, _ := storage.Parse(root)
	for _, e := range entries {
		when := e.Modified.UTC()
		switch loc.Scheme {
		case "s3":
			prefix = "s3://" + loc.Bucket + "/"
			fmt.Fprintf(&b, "%s %10d %s\n", when.Format("2006-01-02 15:04:05"), e.Bytes, strings.TrimPrefix(e.Path, prefix))
		case "gs":
			fmt.Fprintf(&b, "%10d  %s  %s\n", e.Bytes, when.Format(time.RFC3339), e.Path)
		case "hdfs":
			perm, repl := "-rw-r--r--", "3"
			if e.Dir {
				perm, repl = "drwxr-xr-x", "-"
			}
			fmt.Fprintf(&b, "%s   %s ckptlens supergroup %10d %s %s\n", perm, repl, e.Bytes, when.Format("2006-01-02 15:04"), e.Path)
		default: // Azure, by rclone
			prefix = root
			fmt.Fprintf(&b, "%9d %s %s\n", e.Bytes, when.Format("2006-01-02 15:04:05.000000000"), strings.TrimPrefix(e.Path, root))
		}
	}
	if loc.Scheme == "gs" {
		fmt.Fprintf(&b, "TOTAL: %d objects, 0 bytes (0 B)\n", len(entries))
	}
	file = filepath.Join(t.TempDir(), s.Name+"-listing.txt")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, prefix
}
