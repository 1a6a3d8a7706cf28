package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/parse"
)

// A folder's deletable files beyond what the plan lists one by one are one
// group in the text and the JSON, and --paths prints each of them (from the
// file they were spooled to); a refused plan prints none.
func TestOrphansGroupedPaths(t *testing.T) {
	dir := t.TempDir()
	meta := filepath.Join(dir, "_metadata")
	writeEmptyOperators(t, meta, 3)
	st, err := os.Stat(meta)
	if err != nil {
		t.Fatal(err)
	}
	const n = 1500
	var b strings.Builder
	fmt.Fprintf(&b, "-rw-r--r--   3 u g %10d 2026-12-01 10:00 /cp/job/chk-1/_metadata\n", st.Size())
	var want []string
	for i := range n {
		p := fmt.Sprintf("/cp/job/shared/old-%04d", i)
		fmt.Fprintf(&b, "-rw-r--r--   3 u g          7 2026-12-01 09:00 %s\n", p)
		want = append(want, p)
	}
	listing := filepath.Join(dir, "listing.txt")
	if err := os.WriteFile(listing, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"orphans", "--listing", listing, "--base", "/cp/job/chk-1", meta}
	paths, stderr, code := runCLI(t, append(args, "--paths")...)
	got := strings.Split(strings.TrimSuffix(paths, "\n"), "\n")
	slices.Sort(got)
	if code != 0 || !slices.Equal(got, want) {
		t.Fatalf("--paths: exit %d, %d lines (want %d): %.200s %s", code, len(got), n, paths, stderr)
	}
	text, _, _ := runCLI(t, args...)
	if !strings.Contains(text, "/cp/job/shared/*") || !strings.Contains(text, "1,500") {
		t.Errorf("text lacks the group:\n%s", text)
	}
	js, _, _ := runCLI(t, append(args, "--json")...)
	var r parse.Report
	if err := json.Unmarshal([]byte(js), &r); err != nil {
		t.Fatal(err)
	}
	if d := r.Orphans.Deletable; len(d) != 1 || !d[0].Group || d[0].Files != n || d[0].Bytes != 7*n {
		t.Errorf("--json deletable: %+v", d)
	}
	cut := filepath.Join(dir, "cut.txt")
	if err := os.WriteFile(cut, []byte(strings.TrimSuffix(b.String(), "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, stderr, code := runCLI(t, "orphans", "--paths", "--listing", cut, "--base", "/cp/job/chk-1", meta); code != 2 || out != "" {
		t.Errorf("a cut listing: exit %d, %d bytes on --paths, %s", code, len(out), stderr)
	}
}
