//go:build !js

package e2e

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/internal/flink/encode"
	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/wasm/app"
	"github.com/ckptlens/ckptlens/wasm/browsertest"
)

// inspectCLI runs `ckptlens inspect --json NAME` in the file's folder, so the
// CLI sees the same name the page sees for a dropped file.
func inspectCLI(t *testing.T, file string) *parse.SnapshotReport {
	t.Helper()
	cmd := exec.Command(cliPath, "inspect", "--json", filepath.Base(file))
	cmd.Dir = filepath.Dir(file)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if _, ok := err.(*exec.ExitError); err != nil && !ok {
		t.Fatal(err)
	}
	var rep parse.SnapshotReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("ckptlens inspect --json %s: %v\n%s", file, err, stderr.Bytes())
	}
	return &rep
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

// wantTables is what the page's dependency, file and operator tables must
// hold for rep, in the engine's order.
func wantTables(rep *parse.SnapshotReport) (deps, files, ops []browsertest.Row) {
	for _, d := range rep.Dependencies {
		deps = append(deps, browsertest.Row{"dir": d.Dir, "role": string(d.Role), "files": strconv.Itoa(d.Files), "bytes": i64(d.Bytes)})
	}
	for _, f := range rep.Files {
		files = append(files, browsertest.Row{"path": f.Path, "kind": string(f.Kind), "bytes": i64(f.Bytes), "operators": strconv.Itoa(len(f.Operators))})
	}
	for _, o := range rep.Operators {
		ops = append(ops, browsertest.Row{"name": o.Name, "uid": o.UID, "id": o.ID,
			"parallelism": i64(int64(o.Parallelism)), "maxParallelism": i64(int64(o.MaxParallelism)),
			"stateBytes": i64(o.StateBytes), "checkpointedBytes": i64(o.CheckpointedBytes), "inlineBytes": i64(o.InlineBytes)})
	}
	return
}

// pageTables reads the three tables, asking for every file row first.
func pageTables(t *testing.T, p *browsertest.Page) (deps, files, ops []browsertest.Row) {
	t.Helper()
	if err := p.ShowMoreRows("files"); err != nil {
		t.Fatal(err)
	}
	var err error
	if deps, err = p.Table("#dependency-table"); err != nil {
		t.Fatal(err)
	}
	if files, err = p.Table("#file-table"); err != nil {
		t.Fatal(err)
	}
	// A snapshot without operators (a SlateDB manifest) has no Operators
	// section at all, and no link to one.
	hasOps, err := browsertest.Eval[bool](p, `!!document.querySelector("#operators")`)
	if err != nil {
		t.Fatal(err)
	}
	if !hasOps {
		if link, _ := browsertest.Eval[bool](p, `!!document.querySelector('nav a[href="#operators"]')`); link {
			t.Error("a link to an Operators section that is not there")
		}
		return deps, files, nil
	}
	if ops, err = p.Table("#operator-table"); err != nil {
		t.Fatal(err)
	}
	if len(ops) == 0 {
		t.Error("an empty Operators section")
	}
	return
}

func sameRows(t *testing.T, what string, got, want []browsertest.Row) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: page shows %d rows, the CLI has %d", what, len(got), len(want))
		return
	}
	for i := range want {
		for k, v := range want[i] {
			if got[i][k] != v {
				t.Errorf("%s row %d %s: page %q, CLI %q", what, i, k, got[i][k], v)
				return
			}
		}
	}
}

// checkDrop drops file on p and compares the page with the CLI.
func checkDrop(t *testing.T, p *browsertest.Page, file string) {
	t.Helper()
	reqs := drop(t, p, file)
	if len(reqs) != 0 {
		t.Errorf("the page made network requests during analysis: %q", reqs)
	}
	for _, m := range p.Console() {
		if strings.Contains(m, "panic") || strings.HasPrefix(m, "exception") || strings.HasPrefix(m, "error") {
			t.Errorf("console: %s", m)
		}
	}
	want := inspectCLI(t, file)
	wd, wf, wo := wantTables(want)
	gd, gf, gop := pageTables(t, p)
	sameRows(t, "dependencies", gd, wd)
	sameRows(t, "files", gf, wf)
	sameRows(t, "operators", gop, wo)
	if want.Error != nil {
		got, err := p.Text(`[data-k="error-offset"]`)
		if err != nil || got != i64(want.Error.Offset) {
			t.Errorf("error offset shown %q (%v), CLI %d", got, err, want.Error.Offset)
		}
	}
}

// TestDropSharedFixtures drops real Flink _metadata files from ../shared:
// for each header version the smallest and the two largest (all of them
// with CKPTLENS_E2E_ALL=1).
func TestDropSharedFixtures(t *testing.T) {
	shared, ok := fixtures.SharedDir()
	if !ok {
		t.Skip("../shared is absent (a fresh clone): real Flink fixtures not checked; generated ones are")
	}
	all, err := fixtures.FlinkFixtures(shared)
	if err != nil {
		t.Fatal(err)
	}
	picked := all
	if os.Getenv("CKPTLENS_E2E_ALL") != "1" {
		picked = pickPerVersion(t, all)
	}
	p := page(t)
	for _, fx := range picked {
		t.Run(fx.ID, func(t *testing.T) { checkDrop(t, p, fx.Metadata) })
	}
}

func pickPerVersion(t *testing.T, all []fixtures.Fixture) []fixtures.Fixture {
	type sized struct {
		fx   fixtures.Fixture
		size int64
	}
	byVersion := map[int][]sized{}
	for _, fx := range all {
		st, err := os.Stat(fx.Metadata)
		if err != nil {
			t.Fatal(err)
		}
		byVersion[fx.HeaderVersion] = append(byVersion[fx.HeaderVersion], sized{fx, st.Size()})
	}
	var out []fixtures.Fixture
	for _, list := range byVersion {
		sort.Slice(list, func(i, j int) bool {
			return list[i].size < list[j].size || list[i].size == list[j].size && list[i].fx.ID < list[j].fx.ID
		})
		seen := map[string]bool{}
		for _, i := range []int{0, len(list) - 1, len(list) - 2} {
			if i >= 0 && !seen[list[i].fx.ID] {
				seen[list[i].fx.ID] = true
				out = append(out, list[i].fx)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// TestDropGeneratedFixtures drops the project's own fixtures: every
// _metadata under testdata/flink and every SlateDB manifest under
// testdata/slatedb.
func TestDropGeneratedFixtures(t *testing.T) {
	var files []string
	for _, pattern := range []string{"testdata/flink/*/_metadata", "testdata/flink/*/*/_metadata", "testdata/flink/*/*/*/_metadata", "testdata/slatedb/store/*/*/manifest/*.manifest"} {
		m, _ := filepath.Glob(filepath.Join(repoRoot, pattern))
		files = append(files, m...)
	}
	if len(files) == 0 {
		t.Skip("no generated fixtures under testdata/ yet")
	}
	p := page(t)
	for _, f := range files {
		rel, _ := filepath.Rel(repoRoot, f)
		t.Run(rel, func(t *testing.T) { checkDrop(t, p, f) })
	}
}

// TestShowReportJSON opens a report from JSON, as a share link does, and
// checks the tables equal the CLI's for the same file.
func TestShowReportJSON(t *testing.T) {
	file := generatedCheckpoint(t, t.TempDir(), 7, nil)
	rep := inspectCLI(t, file)
	data, err := json.Marshal(parse.Report{Snapshots: []*parse.SnapshotReport{rep}})
	if err != nil {
		t.Fatal(err)
	}
	p := page(t)
	quoted, _ := json.Marshal(string(data))
	if res, err := browsertest.Eval[*string](p, fmt.Sprintf(`window.ckptlensShowReport(%s)`, quoted)); err != nil || res != nil {
		t.Fatalf("ckptlensShowReport: %v %v", res, err)
	}
	if err := p.WaitState("done", 10e9); err != nil {
		t.Fatal(err)
	}
	wd, wf, wo := wantTables(rep)
	gd, gf, gop := pageTables(t, p)
	sameRows(t, "dependencies", gd, wd)
	sameRows(t, "files", gf, wf)
	sameRows(t, "operators", gop, wo)
	if _, err := p.Text("#readonly"); err != nil {
		t.Error("a report from JSON is not marked read-only:", err)
	}
}

// TestLongTablesPage drops a job of about 1,100 files: the file table shows
// its first rows, then pages of 500 that Next and Previous move through,
// each the engine's rows in the engine's order (rendering them all at once
// froze the page for a minute on a 100,000-file job).
func TestLongTablesPage(t *testing.T) {
	p := page(t)
	file := fixtures.Write(t, filepath.Join(t.TempDir(), "chk-42", "_metadata"), func(w io.Writer) error {
		_, err := encode.WriteDense(w, encode.DenseSpec{Operators: 1, Parallelism: 20, SharedPerSubtask: 50})
		return err
	})
	if reqs := drop(t, p, file); len(reqs) != 0 {
		t.Errorf("the page made network requests during analysis: %q", reqs)
	}
	_, all, _ := wantTables(inspectCLI(t, file))
	if len(all) <= 2*500 {
		t.Fatalf("%d files: too few for three pages", len(all))
	}
	rows := func(want string) []browsertest.Row {
		t.Helper()
		if err := p.WaitFor(fmt.Sprintf(`(document.getElementById("files-range") || {}).textContent === %q`, want)); err != nil {
			t.Fatal(err)
		}
		got, err := p.Table("#file-table")
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	first, err := p.Table("#file-table")
	if err != nil {
		t.Fatal(err)
	}
	sameRows(t, "first rows", first, all[:50])
	n := len(all)
	for _, step := range []struct {
		click    string
		from, to int
	}{{"#files-more", 0, 500}, {"#files-next", 500, 1000}, {"#files-next", 1000, n}, {"#files-prev", 500, 1000}, {"#files-prev", 0, 500}} {
		if err := p.Click(step.click); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("Rows %s–%s of %s", app.Count(step.from+1), app.Count(step.to), app.Count(n))
		sameRows(t, want, rows(want), all[step.from:step.to])
	}
	if disabled, _ := browsertest.Eval[bool](p, `document.getElementById("files-prev").disabled`); !disabled {
		t.Error("Previous is enabled on the first page")
	}
}

// TestSortLargeList sorts the files of a job too large to sort between two
// paints: the count line says it is sorting, then the rows are the
// engine's files largest first, ties in the engine's order, from the first
// page.
func TestSortLargeList(t *testing.T) {
	p := page(t)
	file := fixtures.Write(t, filepath.Join(t.TempDir(), "chk-42", "_metadata"), func(w io.Writer) error {
		_, err := encode.WriteDense(w, encode.DenseSpec{Operators: 1, Parallelism: 420, SharedPerSubtask: 50})
		return err
	})
	drop(t, p, file)
	_, all, _ := wantTables(inspectCLI(t, file))
	if len(all) <= 20_000 {
		t.Fatalf("%d files: too few to sort after a paint", len(all))
	}
	if _, err := browsertest.Eval[bool](p, `(() => {
		window.countLines = [];
		new MutationObserver(() => window.countLines.push(document.getElementById("file-count").textContent))
			.observe(document.getElementById("file-count"), {subtree: true, childList: true, characterData: true});
		return true;
	})()`); err != nil {
		t.Fatal(err)
	}
	if err := p.Click(`#file-table th:nth-child(3) button`); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`document.querySelector("#file-table th:nth-child(3)").getAttribute("aria-sort") === "descending"`); err != nil {
		t.Fatal(err)
	}
	lines, err := browsertest.Eval[[]string](p, `window.countLines`)
	if err != nil || !slices.Contains(lines, "Sorting "+app.Count(len(all))+" files…") {
		t.Errorf("count lines while sorting: %q (%v)", lines, err)
	}
	slices.SortStableFunc(all, func(a, b browsertest.Row) int {
		x, _ := strconv.ParseInt(a["bytes"], 10, 64)
		y, _ := strconv.ParseInt(b["bytes"], 10, 64)
		return cmp.Compare(y, x)
	})
	got, err := p.Table("#file-table")
	if err != nil {
		t.Fatal(err)
	}
	sameRows(t, "largest first", got, all[:50])
}
