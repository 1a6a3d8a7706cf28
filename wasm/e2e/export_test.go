//go:build !js

package e2e

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/internal/flink/encode"
	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/wasm/browsertest"
)

// waitFile waits for a download to appear complete.
func waitFile(t *testing.T, path string) []byte {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if data, err := os.ReadFile(path); err == nil && len(data) > 0 {
			return data
		}
	}
	t.Fatalf("no download %s", path)
	return nil
}

// asJSONValue decodes JSON into plain values, so two encodings compare.
func asJSONValue(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// jsonDiff names the first place two decoded JSON values differ, or "".
func jsonDiff(at string, a, b any) string {
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return fmt.Sprintf("%s: %v vs %v", at, keys(a), b)
		}
		for k, v := range a {
			if d := jsonDiff(at+"."+k, v, bm[k]); d != "" {
				return d
			}
		}
		return ""
	case []any:
		bs, ok := b.([]any)
		if !ok || len(a) != len(bs) {
			return fmt.Sprintf("%s: %d items vs %v", at, len(a), b)
		}
		for i := range a {
			if d := jsonDiff(fmt.Sprintf("%s[%d]", at, i), a[i], bs[i]); d != "" {
				return d
			}
		}
		return ""
	}
	if !reflect.DeepEqual(a, b) {
		return fmt.Sprintf("%s: %v vs %v", at, a, b)
	}
	return ""
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestExport downloads the report as JSON and CSV: the JSON is the engine's
// report for the same files, the CSV has one row per referenced file.
func TestExport(t *testing.T) {
	dir := t.TempDir()
	snaps := []string{generatedCheckpoint(t, dir, 6, nil), generatedCheckpoint(t, dir, 7, nil)}
	downloads := t.TempDir()
	p := page(t)
	if err := p.SaveDownloadsTo(downloads); err != nil {
		t.Fatal(err)
	}
	drop(t, p, snaps...)
	// Chrome names the second of two dropped files called _metadata
	// "_metadata (1)"; the engine gets the names the page got.
	names, err := browsertest.Eval[[]string](p, `[...document.querySelectorAll(".load .name")].map(e => e.textContent)`)
	if err != nil || len(names) != len(snaps) {
		t.Fatalf("file names on the page: %q %v", names, err)
	}
	want := engineReport(t, snaps, names, "")

	if err := p.Click("#export-json"); err != nil {
		t.Fatal(err)
	}
	got := waitFile(t, filepath.Join(downloads, "ckptlens-report.json"))
	wantJSON, _ := json.Marshal(want)
	if where := jsonDiff("", asJSONValue(t, got), asJSONValue(t, wantJSON)); where != "" {
		t.Errorf("exported JSON differs from the engine's report at %s", where)
	}

	if err := p.Click("#export-csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(waitFile(t, filepath.Join(downloads, "ckptlens-files.csv")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var wantRows [][]string
	for _, s := range want.Snapshots {
		for _, f := range s.Files {
			wantRows = append(wantRows, []string{strconv.FormatInt(s.CheckpointID, 10), f.Path, string(f.Kind), i64(f.Bytes)})
		}
	}
	if len(rows) != len(wantRows)+1 || rows[0][2] != "path" {
		t.Fatalf("CSV has %d rows (header %v), want %d files", len(rows), rows[0], len(wantRows))
	}
	for i, w := range wantRows {
		if g := rows[i+1]; g[1] != w[0] || g[2] != w[1] || g[3] != w[2] || g[4] != w[3] {
			t.Errorf("CSV row %d: %v, want %v", i+1, g, w)
		}
	}
}

// TestBaseLocation drops a savepoint whose files are relative to its folder,
// then types the folder into the base-location field: the page re-analyses
// and shows what the engine gives for that base.
func TestBaseLocation(t *testing.T) {
	props := encode.SavepointProperties("CANONICAL")
	m := &encode.Metadata{Version: 5, CheckpointID: 21, Properties: props, Operators: []encode.Operator{{
		Name: "Map: enrich", UID: "enrich", ID: encode.IDFor("enrich"), Parallelism: 2, MaxParallelism: 128,
		Subtasks: []encode.Subtask{
			{Index: 0, ManagedKeyed: &encode.KeyGroups{Tag: encode.KeyGroupsSavepoint, Offsets: make([]int64, 64), Delegate: &encode.RelativeFile{Path: "a1b2c3d4-0001", Size: 5000}}},
			{Index: 1, ManagedKeyed: &encode.KeyGroups{Tag: encode.KeyGroupsSavepoint, StartKeyGroup: 64, Offsets: make([]int64, 64), Delegate: &encode.RelativeFile{Path: "a1b2c3d4-0002", Size: 7000}}},
		},
	}}}
	data, err := encode.Bytes(m)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "_metadata")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	const base = "s3://bucket/savepoints/savepoint-1a2b3c-0123456789ab"

	p := page(t)
	drop(t, p, file)
	setBase(t, p, base)
	r, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	snap, _ := parse.Decode("_metadata", r, int64(len(data)))
	want := parse.Inspect(snap, base)
	wd, _, _ := wantTables(want)
	gd, err := p.Table("#dependency-table")
	if err != nil {
		t.Fatal(err)
	}
	sameRows(t, "dependencies", gd, wd)
	loc, _ := p.Text(`[data-k="location"]`)
	if loc != base+" (as you entered it)" {
		t.Errorf("location shown %q", loc)
	}
}

// TestProgressAndResponsiveness drops a 10 MB checkpoint: a progress bar
// shows while it is read, and the page answers script calls meanwhile.
func TestProgressAndResponsiveness(t *testing.T) {
	file := fixtures.Write(t, filepath.Join(t.TempDir(), "chk-42", "_metadata"), func(f io.Writer) error {
		_, err := encode.WriteDense(f, encode.DenseSpec{Version: 5, Operators: 2, Parallelism: 620, SharedPerSubtask: 50})
		return err
	})

	p := page(t)
	if _, err := browsertest.Eval[bool](p, `(() => {
		window.sawProgress = false;
		new MutationObserver(() => { if (document.querySelector("progress")) window.sawProgress = true; })
			.observe(document.body, {childList: true, subtree: true});
		return true;
	})()`); err != nil {
		t.Fatal(err)
	}
	before, _ := p.Loads()
	if err := p.DropFiles(file); err != nil {
		t.Fatal(err)
	}
	answeredWhileLoading := false
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); {
		state, err := browsertest.Eval[string](p, `document.body.dataset.state + "/" + document.body.dataset.loads`)
		if err != nil {
			t.Fatal(err)
		}
		if state == "loading/"+itoa(before) {
			answeredWhileLoading = true
		}
		if state == "done/"+itoa(before+1) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if !answeredWhileLoading {
		t.Error("the page never answered while it was reading the file")
	}
	if saw, _ := browsertest.Eval[bool](p, `window.sawProgress`); !saw {
		t.Error("no progress bar for a 10 MB file")
	}
}

// TestDropFolder drops a job's checkpoint folder: the page finds the
// _metadata files inside (and reads nothing else), names them by their
// path in the folder, and shows what the engine gives for those names.
func TestDropFolder(t *testing.T) {
	job := filepath.Join(t.TempDir(), "job-3b5c")
	snaps := []string{generatedCheckpoint(t, job, 6, nil), generatedCheckpoint(t, job, 7, nil)}
	os.MkdirAll(filepath.Join(job, "shared"), 0o755)
	os.WriteFile(filepath.Join(job, "shared", "000007.sst"), []byte("not read"), 0o644)

	p := page(t)
	drop(t, p, job)
	names, err := browsertest.Eval[[]string](p, `[...document.querySelectorAll(".load .name")].map(e => e.textContent)`)
	if err != nil {
		t.Fatal(err)
	}
	wantNames := []string{"job-3b5c/chk-6/_metadata", "job-3b5c/chk-7/_metadata"}
	if !reflect.DeepEqual(names, wantNames) {
		t.Fatalf("files read from the folder: %q, want %q", names, wantNames)
	}
	want := engineReport(t, snaps, names, "")
	var wantCmp []browsertest.Row
	for _, i := range want.Comparison.Order {
		s := want.Comparison.Snapshots[i]
		wantCmp = append(wantCmp, browsertest.Row{"label": s.Label, "files": strconv.Itoa(s.Files), "bytes": i64(s.Bytes)})
	}
	got, err := p.Table("#comparison-table")
	if err != nil {
		t.Fatal(err)
	}
	sameRows(t, "comparison", got, wantCmp)
	wd, _, _ := wantTables(want.Snapshots[0])
	gd, err := p.Table("#dependency-table")
	if err != nil {
		t.Fatal(err)
	}
	sameRows(t, "dependencies", gd, wd)
}

// TestDropSavepointFolder drops a canonical savepoint's folder whole: its
// files are written relative to it, and the page places them in it
// (exclusive), as the CLI does for the same folder, with no base location.
func TestDropSavepointFolder(t *testing.T) {
	src := filepath.Join(repoRoot, "testdata", "flink", "generated", "2.0", "savepoints", "savepoints", "savepoint-b6e920-247a755fb601")
	data, err := os.ReadFile(filepath.Join(src, "_metadata"))
	if err != nil {
		t.Skip("testdata/flink/generated is absent")
	}
	dir := filepath.Join(t.TempDir(), "savepoint-b6e920-247a755fb601")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "_metadata"), data, 0o644)
	p := page(t)
	drop(t, p, dir)
	want := inspectCLI(t, dir)
	deps, err := p.Table("#dependency-table")
	if err != nil {
		t.Fatal(err)
	}
	wd, _, _ := wantTables(want)
	sameRows(t, "dependencies", deps, wd)
	if len(deps) == 0 || deps[0]["role"] != "exclusive" || deps[0]["dir"] != "savepoint-b6e920-247a755fb601" {
		t.Errorf("the savepoint's files are not its own folder's: %v", deps)
	}
}

// TestDropWhileReading drops three files, one of them big, and drops
// another before they are read: the newer drop wins and the page goes on.
func TestDropWhileReading(t *testing.T) {
	dir := t.TempDir()
	big := fixtures.Write(t, filepath.Join(dir, "big", "chk-42", "_metadata"), func(f io.Writer) error {
		_, err := encode.WriteDense(f, encode.DenseSpec{Version: 5, Operators: 2, Parallelism: 300, SharedPerSubtask: 50})
		return err
	})
	first := []string{big, generatedCheckpoint(t, dir, 6, nil), generatedCheckpoint(t, dir, 7, nil)}
	last := generatedCheckpoint(t, filepath.Join(dir, "other"), 12, nil)

	p := page(t)
	if err := p.DropFiles(first...); err != nil {
		t.Fatal(err)
	}
	drop(t, p, last)
	names, err := browsertest.Eval[[]string](p, `[...document.querySelectorAll(".load .name")].map(e => e.textContent)`)
	if err != nil || len(names) != 1 {
		t.Fatalf("files shown after the second drop: %q %v", names, err)
	}
	// Whatever the first drop was doing, the page still renders the newest.
	_, wf, _ := wantTables(inspectCLI(t, last))
	_, gf, _ := pageTables(t, p)
	sameRows(t, "files", gf, wf)
	// Reading the big file again takes about as long as the superseded
	// read, which by then has finished: the page must still work.
	drop(t, p, big)
	for _, m := range p.Console() {
		if strings.Contains(m, "panic") || strings.HasPrefix(m, "exception") {
			t.Errorf("console: %s", m)
		}
	}
	if state, _ := browsertest.Eval[string](p, `document.body.dataset.state`); state != "done" {
		t.Errorf("page state %q after the superseded load finished", state)
	}
}

// TestFileTooLargeToHold drops files larger than the page reads whole:
// 300 MiB, nearly all of it inline payloads (of 1 and of 8 MiB) that the
// decoder skips, so the page reads it as the decoder goes, a few KiB
// around each payload. The page shows what the CLI shows.
func TestFileTooLargeToHold(t *testing.T) {
	p := page(t)
	for _, payload := range []int32{1 << 20, 8 << 20} {
		t.Run(fmt.Sprintf("payloads of %d MiB", payload>>20), func(t *testing.T) {
			file := fixtures.Write(t, filepath.Join(t.TempDir(), "chk-7", "_metadata"), func(f io.Writer) error {
				_, err := encode.WriteInline(f, encode.InlineSpec{TotalBytes: 300 << 20, HandleBytes: payload, Parallelism: 16})
				return err
			})
			if st, _ := os.Stat(file); st.Size() <= 256<<20 {
				t.Fatalf("the file has %d bytes, not more than the page holds (256 MiB)", st.Size())
			}
			if _, err := browsertest.Eval[bool](p, `(() => {
				window.barValues = [];
				const seen = () => document.querySelectorAll("progress").forEach(e => {
					const v = Number(e.value);
					if (window.barValues[window.barValues.length-1] !== v) window.barValues.push(v);
				});
				new MutationObserver(seen).observe(document.body, {childList: true, subtree: true, attributes: true, characterData: true});
				return true;
			})()`); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			checkDrop(t, p, file)
			t.Logf("rendered in %v", time.Since(start).Round(time.Millisecond))
			// The decoder goes over the file twice, counting and then
			// building: the bar is drawn at half when the second pass
			// begins, and full when it ends.
			bar, err := browsertest.Eval[[]float64](p, `window.barValues`)
			if err != nil || !slices.IsSorted(bar) || !slices.ContainsFunc(bar, func(v float64) bool { return v >= 50 && v < 55 }) || slices.Max(bar) < 99 {
				t.Errorf("the bar showed %v (%v), want it at half between the passes and then full, never back", bar, err)
			}
			if got, err := browsertest.Eval[string](p, `document.querySelector('#summary [data-k="inline"]').dataset.v`); err != nil || got != i64(300<<20) {
				t.Errorf("inline bytes shown %q (%v), want %d", got, err, 300<<20)
			}
		})
	}
}
