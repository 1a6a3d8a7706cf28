package main

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"

	"github.com/ckptlens/ckptlens/parse/storage/storagetest"
)

// keptByHand is what a cleanup keeping the newest latest completed
// checkpoints of each job and every savepoint keeps, found with Glob.
func keptByHand(t *testing.T, root string, latest int) []string {
	metas, err := filepath.Glob(filepath.Join(root, "*", "*", "_metadata"))
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob(filepath.Join(root, "*", "*", "*", "_metadata"))
	return keptOf(append(metas, more...), latest)
}

// keptOf picks from _metadata paths by the rule's own account,
// independent of parse/retain, in the order orphans gives them to the
// planner (jobs by folder, newest first; then savepoints by path).
func keptOf(metas []string, latest int) []string {
	byJob := map[string][]string{}
	var savepoints, kept []string
	for _, m := range metas {
		folder := path.Base(path.Dir(m))
		if id, ok := strings.CutPrefix(folder, "chk-"); ok {
			if _, err := strconv.Atoi(id); err == nil {
				job := path.Dir(path.Dir(m))
				byJob[job] = append(byJob[job], m)
				continue
			}
		}
		savepoints = append(savepoints, m)
	}
	jobs := make([]string, 0, len(byJob))
	for job := range byJob {
		jobs = append(jobs, job)
	}
	sort.Strings(jobs)
	for _, job := range jobs {
		chks := byJob[job]
		sort.Slice(chks, func(a, b int) bool { return chkID(chks[a]) > chkID(chks[b]) })
		kept = append(kept, chks[:min(latest, len(chks))]...)
	}
	sort.Strings(savepoints)
	return append(kept, savepoints...)
}

func chkID(meta string) int {
	id, _ := strconv.Atoi(strings.TrimPrefix(path.Base(path.Dir(meta)), "chk-"))
	return id
}

// findListing is what find ROOT -printf '%T@ %s %p\n' prints.
func findListing(t *testing.T, root string) string {
	out, err := exec.Command("find", root, "-printf", "%T@ %s %p\n").Output()
	if err != nil {
		t.Fatalf("find: %v", err)
	}
	p := filepath.Join(t.TempDir(), "listing.txt")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestOrphansLocalRootEqualsFindListing: orphans of a local folder read
// by ckptlens equals orphans --listing of find's listing of it with the
// same kept snapshots, for every scenario the Flink oracle wrote.
func TestOrphansLocalRootEqualsFindListing(t *testing.T) {
	generated := repoPath(t, "testdata", "flink", "generated")
	scenarios, _ := filepath.Glob(filepath.Join(generated, "*", "*", "listing.txt"))
	if len(scenarios) < 30 {
		t.Fatalf("found %d oracle scenarios", len(scenarios))
	}
	base := time.Now().Add(-72 * time.Hour)
	planned, refused := 0, 0
	for _, l := range scenarios {
		rel, _ := filepath.Rel(generated, filepath.Dir(l))
		release, scenario := filepath.Split(rel)
		t.Run(rel, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "checkpoints")
			files, err := storagetest.Tree(generated, filepath.Clean(release), scenario, "file:"+root)
			if err != nil {
				t.Fatal(err)
			}
			if err := storagetest.WriteLocal(root, files, base); err != nil {
				t.Fatal(err)
			}
			for _, latest := range []int{1, 2} {
				deletes, status := compareRootWithListing(t, root, latest)
				if deletes {
					planned++
				}
				if status == 2 {
					refused++
				}
			}
		})
	}
	// The trees' times make real plans: most delete something, the CLAIM
	// restores are refused (their first job's checkpoint lost files).
	if planned < len(scenarios) || refused < 5 {
		t.Errorf("of %d plans, %d delete something and %d are refused", 2*len(scenarios), planned, refused)
	}
}

// A root that holds no snapshot is an error, and its listing's spool is
// removed all the same.
func TestOrphansRootWithoutSnapshotsLeavesNoSpool(t *testing.T) {
	root, tmp := t.TempDir(), t.TempDir()
	t.Setenv("TMPDIR", tmp)
	if err := os.WriteFile(filepath.Join(root, "x"), []byte("abc"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLI(t, "orphans", root)
	if code != 1 || !strings.Contains(stderr, "holds no chk-N/_metadata") {
		t.Errorf("status %d, stderr %s", code, stderr)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("orphans ROOT left temporary files: %v", left)
	}
}

// compareRootWithListing returns whether the plan deletes anything, and its
// exit status.
func compareRootWithListing(t *testing.T, root string, latest int) (deletes bool, status int) {
	t.Helper()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	for _, form := range []string{"--json", "--paths"} {
		got, gotErr, gotCode := runCLI(t, "orphans", form, "--keep-latest", strconv.Itoa(latest), root)
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Errorf("orphans ROOT left temporary files: %v", left)
		}
		args := append([]string{"orphans", form, "--listing", findListing(t, root)}, keptByHand(t, root, latest)...)
		want, wantErr, wantCode := runCLI(t, args...)
		if got != want || gotCode != wantCode {
			t.Errorf("--keep-latest %d %s: from the folder, status %d; from find's listing, status %d; first difference:\n%s\n%s\nstderr from the folder:\n%s\nfrom the listing:\n%s",
				latest, form, gotCode, wantCode, aroundDifference(got, want), aroundDifference(want, got), gotErr, wantErr)
		}
		deletes, status = form == "--paths" && got != "", gotCode
	}
	return deletes, status
}

// aroundDifference is a's text around where it first differs from b.
func aroundDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return "…" + a[max(0, i-200):min(len(a), i+200)] + "…"
}

// TestOrphansDatabaseRootEqualsFindListing: SlateDB databases read as a
// ROOT plan as orphans --listing of find's listing with the database
// folders given (each its newest manifest, those its checkpoints pin and
// its newest compactions file), for every database the SlateDB oracle and
// the restore proof wrote.
func TestOrphansDatabaseRootEqualsFindListing(t *testing.T) {
	store := repoPath(t, "testdata", "slatedb", "store")
	listings, _ := filepath.Glob(filepath.Join(store, "*", "*", "listing-before.txt"))
	proof := repoPath(t, "testdata", "slatedb", "proof")
	if len(listings) == 0 {
		t.Skip("no SlateDB database under testdata/slatedb (testdata/slatedb/regenerate.sh writes them)")
	}
	type database struct{ listing, from, root string }
	var dbs []database
	for _, l := range listings {
		rel, _ := filepath.Rel(store, filepath.Dir(l))
		dbs = append(dbs, database{l, store, rel})
	}
	for _, root := range []string{"proof/main", "proof/clone", "proof"} {
		dbs = append(dbs, database{filepath.Join(proof, "listing.txt"), proof, root})
	}
	for _, db := range dbs {
		t.Run(db.root, func(t *testing.T) {
			tmp := t.TempDir()
			writeDatabase(t, db.listing, db.from, tmp)
			root := filepath.Join(tmp, db.root)
			manifests, _ := filepath.Glob(filepath.Join(root, "manifest"))
			if len(manifests) == 0 {
				manifests, _ = filepath.Glob(filepath.Join(root, "*", "manifest"))
			}
			var folders []string
			for _, m := range manifests {
				folders = append(folders, filepath.Dir(m))
			}
			sort.Strings(folders)
			for _, form := range []string{"--json", "--paths"} {
				got, gotErr, gotCode := runCLI(t, "orphans", form, root)
				want, wantErr, wantCode := runCLI(t, append([]string{"orphans", form, "--listing", findListing(t, root)}, folders...)...)
				if got != want || gotCode != wantCode {
					t.Errorf("%s: from the folder, status %d; from find's listing, status %d; first difference:\n%s\n%s\nstderr:\n%s\n%s",
						form, gotCode, wantCode, aroundDifference(got, want), aroundDifference(want, got), gotErr, wantErr)
				}
			}
		})
	}
}

// writeDatabase makes the files a SlateDB listing (find's, with paths
// relative to from) names under to: manifests and compactions files copied
// from from, the rest sparse, each with the listing's time (else 72 hours
// ago).
func writeDatabase(t *testing.T, listingPath, from, to string) {
	t.Helper()
	f, err := os.Open(listingPath)
	if err != nil {
		t.Fatal(err)
	}
	l, err := listing.Parse(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range l.Entries {
		p := filepath.Join(to, filepath.FromSlash(e.Path))
		var content []byte // nil: a sparse file of the listed size
		if strings.HasSuffix(e.Path, ".manifest") || strings.HasSuffix(e.Path, ".compactions") {
			content, err = os.ReadFile(filepath.Join(from, filepath.FromSlash(e.Path)))
			if errors.Is(err, fs.ErrNotExist) && strings.HasSuffix(e.Path, ".compactions") {
				continue // the store keeps its manifests, not always its compactions files
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := writeFileOf(p, content, e.Bytes); err != nil {
			t.Fatal(err)
		}
		when := e.Modified
		if when.IsZero() {
			when = time.Now().Add(-72 * time.Hour)
		}
		os.Chtimes(p, when, when)
	}
}

// writeFileOf writes content to p, or a sparse file of size when content
// is nil, making its folder.
func writeFileOf(p string, content []byte, size int64) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, content, 0o644); err != nil || content != nil {
		return err
	}
	return os.Truncate(p, size)
}
