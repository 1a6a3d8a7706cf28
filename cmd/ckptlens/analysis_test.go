package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/inventory/generate"
	"github.com/ckptlens/ckptlens/parse/plan"
)

func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return out.String(), errb.String(), code
}

func repoPath(t *testing.T, elem ...string) string {
	t.Helper()
	root, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(append([]string{root}, elem...)...)
}

func TestParseArgsBaseAppliesToNextSnapshot(t *testing.T) {
	listing, asJSON := "", false
	sa, err := parseArgs([]string{"--listing", "l.txt", "a", "--base", "s3://b/x", "b", "--json", "--base=s3://b/y", "c"},
		map[string]*string{"listing": &listing}, map[string]*bool{"json": &asJSON})
	if err != nil {
		t.Fatal(err)
	}
	if listing != "l.txt" || !asJSON || !reflect.DeepEqual(sa.inputs, []string{"a", "b", "c"}) || !reflect.DeepEqual(sa.bases, []string{"", "s3://b/x", "s3://b/y"}) {
		t.Errorf("got listing %q json %v %+v", listing, asJSON, sa)
	}
	for _, bad := range [][]string{{"a", "--base"}, {"a", "--base", "x"}, {"--nope", "a"}} {
		if _, err := parseArgs(bad, nil, nil); err == nil {
			t.Errorf("parseArgs(%q): no error", bad)
		}
	}
}

// The SlateDB clone of testdata/slatedb/store: its newest manifest and the
// one its checkpoints pin, against the listing taken before SlateDB's GC.
func slateDBClone(t *testing.T) (listing string, manifests []string) {
	dir := repoPath(t, "testdata", "slatedb", "store", "prod", "clone")
	if _, err := os.Stat(filepath.Join(dir, "listing-before.txt")); err != nil {
		t.Skipf("skipping: %s has no SlateDB database (testdata/slatedb/regenerate.sh writes it)", dir)
	}
	return filepath.Join(dir, "listing-before.txt"), []string{
		filepath.Join(dir, "manifest", "00000000000000000007.manifest"),
		filepath.Join(dir, "manifest", "00000000000000000006.manifest"),
	}
}

func TestOrphansTextAndJSONAgree(t *testing.T) {
	listing, manifests := slateDBClone(t)
	args := append([]string{"orphans", "--stopped", "--listing", listing}, manifests...)
	text, stderr, code := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	js, stderr, code := runCLI(t, append(args, "--json")...)
	if code != 0 {
		t.Fatalf("--json exit %d: %s", code, stderr)
	}
	var r parse.Report
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	p := r.Orphans
	if p == nil || p.DeletableFiles == 0 {
		t.Fatalf("no plan: %s", js)
	}
	for _, want := range []string{
		"safe to delete: " + files(p.DeletableFiles),
		fmt.Sprintf("kept by the %d given snapshot(s): %s", len(manifests), files(p.ReferencedFiles)),
		"path", "files", "size", "why", "what this plan cannot know:",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	for _, it := range p.Deletable {
		if !strings.Contains(text, it.Path) && !strings.Contains(text, dirOf(it.Path)+"/*") {
			t.Errorf("text lacks deletable %s", it.Path)
		}
	}
	// --paths: every deletable folder and file, one a line, nothing else.
	paths, stderr, code := runCLI(t, append(args, "--paths")...)
	lines := strings.Split(strings.TrimSuffix(paths, "\n"), "\n")
	if code != 0 || len(lines) != len(p.Deletable) {
		t.Fatalf("--paths exit %d, %d lines for %d deletable: %s%s", code, len(lines), len(p.Deletable), paths, stderr)
	}
	for i, it := range p.Deletable {
		if lines[i] != it.Location() || it.Dir != strings.HasSuffix(lines[i], "/") {
			t.Errorf("--paths line %d: %q, want %q (dir %v)", i+1, lines[i], it.Location(), it.Dir)
		}
	}
	if _, stderr, code := runCLI(t, append(args, "--paths", "--json")...); code != 2 || !strings.Contains(stderr, "give one") {
		t.Errorf("--paths with --json: exit %d, %s", code, stderr)
	}
}

func TestOrphansRefusesPartialSnapshots(t *testing.T) {
	listing, manifests := slateDBClone(t)
	bad := filepath.Join(t.TempDir(), "_metadata")
	if err := os.WriteFile(bad, []byte("not a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runCLI(t, "orphans", "--listing", listing, manifests[0], bad)
	if code != 1 || out != "" || !strings.Contains(stderr, "no plan") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	if _, _, code := runCLI(t, "orphans", manifests[0]); code != 2 {
		t.Errorf("without --listing: exit %d, want 2", code)
	}
}

func TestCompareTable(t *testing.T) {
	_, manifests := slateDBClone(t)
	text, stderr, code := runCLI(t, append([]string{"compare"}, manifests...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(text, "\n")
	if !strings.HasPrefix(lines[0], "2 snapshots, job by job, oldest first") {
		t.Fatalf("first line %q", lines[0])
	}
	header := lines[2]
	for _, col := range []string{"#", "snapshot", "files", "size", "shared", "new files", "dropped", "depends on"} {
		if !strings.Contains(header, col) {
			t.Errorf("header %q lacks %q", header, col)
		}
	}
	// Oldest first: manifest 6 before 7; the columns line up.
	if !strings.Contains(lines[3], "manifest 6") || !strings.Contains(lines[4], "manifest 7") {
		t.Errorf("rows:\n%s\n%s", lines[3], lines[4])
	}
	if strings.Index(lines[3], "manifest") != strings.Index(lines[4], "manifest") || len(lines[3]) == 0 {
		t.Errorf("columns not aligned:\n%s\n%s", lines[3], lines[4])
	}
	js, _, _ := runCLI(t, append([]string{"compare", "--json"}, manifests...)...)
	var r parse.Report
	if err := json.Unmarshal([]byte(js), &r); err != nil || r.Comparison == nil || len(r.Comparison.Order) != 2 {
		t.Fatalf("--json: %v %s", err, js)
	}
}

// inspect --json keeps the decoder's fields and adds the analysis.
func TestInspectJSONHasAnalysis(t *testing.T) {
	_, manifests := slateDBClone(t)
	out, stderr, code := runCLI(t, "inspect", "--json", manifests[0], manifests[1])
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want one per input", len(lines))
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"source", "format", "files", "dependencies", "sizes", "location"} {
			if _, ok := m[k]; !ok {
				t.Errorf("inspect --json lacks %q", k)
			}
		}
		deps, _ := m["dependencies"].([]any)
		if len(deps) == 0 {
			t.Fatalf("no dependencies: %s", l)
		}
		for _, k := range []string{"dir", "role", "files", "bytes"} {
			if _, ok := deps[0].(map[string]any)[k]; !ok {
				t.Errorf("dependency lacks %q", k)
			}
		}
	}
}

// A snapshot given as its folder, whatever the folder's name, is the
// _metadata read from it: its relative files are in that folder, and a
// listing of files only (aws s3 ls, gsutil, find -type f) misses nothing.
func TestSnapshotGivenAsItsFolder(t *testing.T) {
	dir := t.TempDir()
	chk := writeMetadata(t, dir)
	copied := filepath.Join(dir, "downloaded copy")
	os.MkdirAll(copied, 0o755)
	meta, _ := os.ReadFile(filepath.Join(chk, "_metadata"))
	os.WriteFile(filepath.Join(copied, "_metadata"), meta, 0o644)
	const relative = "5d3c8a1e-0000-4000-8000-000000000001"
	for _, folder := range []string{chk, copied} {
		out, stderr, code := runCLI(t, "inspect", "--json", folder)
		var s parse.SnapshotReport
		if code != 0 || json.Unmarshal([]byte(out), &s) != nil {
			t.Fatalf("%s: exit %d, %s", folder, code, stderr)
		}
		if s.Source != filepath.Join(folder, "_metadata") || s.Location.Dir != folder || !slices.ContainsFunc(s.FileRefs, func(f parse.FileRef) bool {
			return f.Path == filepath.Join(folder, relative)
		}) {
			t.Errorf("%s: source %s, location %+v, file refs %+v", folder, s.Source, s.Location, s.FileRefs)
		}
	}
	listing := filepath.Join(dir, "listing.txt")
	os.WriteFile(listing, []byte(fmt.Sprintf("%d %s/_metadata\n300 %s/%s\n", len(meta), chk, chk, relative)), 0o644)
	out, stderr, code := runCLI(t, "orphans", "--json", "--listing", listing, chk)
	var r parse.Report
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.Orphans == nil {
		t.Fatalf("exit %d, %s", code, stderr)
	}
	if p := r.Orphans; len(p.Missing) != 0 || len(p.Deletable) != 0 || p.ReferencedFiles != 2 {
		t.Errorf("a folder's own snapshot against a listing of its files: missing %+v, deletable %+v, %d referenced", p.Missing, p.Deletable, p.ReferencedFiles)
	}
}

// A SlateDB database given as its folder is its newest manifest and the
// manifests its checkpoints pin: the same plan as giving them one by one.
func TestOrphansDatabaseFolder(t *testing.T) {
	listing, manifests := slateDBClone(t)
	db := filepath.Dir(filepath.Dir(manifests[0]))
	plan := func(args ...string) *parse.OrphanPlan {
		out, stderr, code := runCLI(t, append([]string{"orphans", "--json", "--stopped", "--listing", listing}, args...)...)
		var r parse.Report
		if code != 0 || json.Unmarshal([]byte(out), &r) != nil || r.Orphans == nil {
			t.Fatalf("%q: exit %d, %s", args, code, stderr)
		}
		return r.Orphans
	}
	one, each := plan(db), plan(manifests...)
	if !reflect.DeepEqual(one, each) || len(one.Deletable) == 0 {
		t.Errorf("the database folder's plan:\n%+v\nthe manifests':\n%+v", one, each)
	}
	text, stderr, _ := runCLI(t, "orphans", "--listing", listing, db)
	if !strings.Contains(stderr, "also 00000000000000000006.manifest, which its checkpoints pin") ||
		!strings.Contains(text, "(manifest 7)") || !strings.Contains(text, "(manifest 6)") {
		t.Errorf("stderr %q\n%s", stderr, text)
	}
}

// A plan that cannot be proven is refused: exit status 2, the reason on
// stderr, nothing on --paths. A plan the last check withdrew exits 3.
func TestOrphansExitStatuses(t *testing.T) {
	listing, manifests := slateDBClone(t)
	cut := filepath.Join(t.TempDir(), "cut.txt")
	b, err := os.ReadFile(listing)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cut, bytes.TrimSuffix(b, []byte("\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runCLI(t, append([]string{"orphans", "--paths", "--listing", cut}, manifests...)...)
	if code != 2 || out != "" || !strings.Contains(stderr, "refused (listing-cut)") {
		t.Errorf("cut listing: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	text, _, code := runCLI(t, append([]string{"orphans", "--listing", cut}, manifests...)...)
	if code != 2 || !strings.Contains(text, "REFUSED") || !strings.Contains(text, "safe to delete: 0 files") {
		t.Errorf("cut listing, text: exit %d\n%s", code, text)
	}
	if _, stderr, code := runCLI(t, append([]string{"orphans", "--margin", "-5m", "--listing", listing}, manifests...)...); code != 2 || !strings.Contains(stderr, "positive") {
		t.Errorf("--margin -5m: exit %d, %s", code, stderr)
	}
	var sink bytes.Buffer
	r := &parse.Report{Orphans: &parse.OrphanPlan{Refusals: []plan.Refusal{{Code: plan.RefuseLastCheck}}, LastCheck: []string{"/x"}}}
	if code := printPlan(r, orphansFlags{asPaths: true}, &sink, &sink); code != 3 {
		t.Errorf("a plan the last check withdrew exits %d, want 3", code)
	}
}

// --listing takes an inventory report: the plan from an S3 Inventory of the
// clone's objects is the plan from `aws s3 ls` of the same objects.
func TestOrphansFromAnInventory(t *testing.T) {
	listingPath, manifests := slateDBClone(t)
	l, err := fixtures.ParseListing(listingPath)
	if err != nil {
		t.Fatal(err)
	}
	var objs []generate.Object
	var ls strings.Builder
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for _, e := range l.Entries {
		if !e.Dir {
			o := generate.Object{Key: e.Path, Size: e.Bytes, Modified: t0}
			if strings.Contains(e.Path, "/manifest/") { // the manifests after every SST
				o.Modified = t0.Add(24 * time.Hour)
			}
			objs = append(objs, o)
			fmt.Fprintf(&ls, "%s %10d %s\n", o.Modified.Format("2006-01-02 15:04:05"), o.Size, o.Key)
		}
	}
	dir := t.TempDir()
	s3ls := filepath.Join(dir, "s3ls.txt")
	os.WriteFile(s3ls, []byte(ls.String()), 0o644)
	plan := func(listing string) *parse.OrphanPlan {
		store := repoPath(t, "testdata", "slatedb", "store") + "/"
		js, stderr, code := runCLI(t, append([]string{"orphans", "--json", "--prefix", store, "--listing", listing}, manifests...)...)
		var r parse.Report
		if err := json.Unmarshal([]byte(js), &r); err != nil || r.Orphans == nil {
			t.Fatalf("%s: exit %d, %v: %s", listing, code, err, stderr)
		}
		r.Orphans.Listing.Format = ""
		return r.Orphans
	}
	want := plan(s3ls)
	if want.DeletableFiles == 0 {
		t.Fatal("the listing's plan deletes nothing: nothing to compare")
	}
	for _, kind := range []generate.Kind{generate.S3CSVGzip, generate.S3Parquet, generate.AzureCSV} {
		path, err := generate.Write(kind, filepath.Join(dir, string(kind)), "b", objs, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := plan(path); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: plan\n%+v\nwant\n%+v", kind, got, want)
		}
	}
}
