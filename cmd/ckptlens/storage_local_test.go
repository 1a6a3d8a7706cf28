package main

import (
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

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

// compareRootWithListing returns whether the plan deletes anything, and its
// exit status.
func compareRootWithListing(t *testing.T, root string, latest int) (deletes bool, status int) {
	t.Helper()
	for _, form := range []string{"--json", "--paths"} {
		got, gotErr, gotCode := runCLI(t, "orphans", form, "--keep-latest", strconv.Itoa(latest), root)
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

// TestOrphansDatabaseRootEqualsFindListing: a SlateDB database read as a
// ROOT plans as orphans --listing of find's listing with the database
// folder given (its newest manifest and those its checkpoints pin).
func TestOrphansDatabaseRootEqualsFindListing(t *testing.T) {
	listings, _ := filepath.Glob(repoPath(t, "testdata", "slatedb", "store", "*", "*", "listing-before.txt"))
	if len(listings) == 0 {
		t.Skip("no SlateDB database under testdata/slatedb/store (testdata/slatedb/regenerate.sh writes them)")
	}
	for _, l := range listings {
		store := filepath.Dir(filepath.Dir(filepath.Dir(l)))
		rel, _ := filepath.Rel(store, filepath.Dir(l))
		t.Run(rel, func(t *testing.T) {
			tmp := t.TempDir()
			writeDatabase(t, l, store, tmp)
			root := filepath.Join(tmp, rel)
			got, gotErr, gotCode := runCLI(t, "orphans", "--json", root)
			want, wantErr, wantCode := runCLI(t, "orphans", "--json", "--listing", findListing(t, root), root)
			if got != want || gotCode != wantCode {
				t.Errorf("from the folder, status %d; from find's listing, status %d; first difference:\n%s\n%s\nstderr:\n%s\n%s",
					gotCode, wantCode, aroundDifference(got, want), aroundDifference(want, got), gotErr, wantErr)
			}
		})
	}
}

// writeDatabase makes the files a SlateDB listing (find's '%s %p' under
// the store) names: manifests copied from the store, the rest sparse.
func writeDatabase(t *testing.T, listingPath, store, to string) {
	t.Helper()
	data, err := os.ReadFile(listingPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		size, rel, _ := strings.Cut(line, " ")
		n, err := strconv.ParseInt(size, 10, 64)
		if err != nil {
			t.Fatalf("%s: %q", listingPath, line)
		}
		p := filepath.Join(to, filepath.FromSlash(rel))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if strings.HasSuffix(rel, ".manifest") {
			content, err := os.ReadFile(filepath.Join(store, filepath.FromSlash(rel)))
			if err != nil {
				t.Fatal(err)
			}
			err = os.WriteFile(p, content, 0o644)
		} else {
			err = os.WriteFile(p, nil, 0o644)
			if err == nil {
				err = os.Truncate(p, n)
			}
		}
		if err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-72 * time.Hour)
		os.Chtimes(p, old, old)
	}
}
