//go:build !js

package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/wasm/browsertest"
)

// oracleRun is the checkpoint folders of one oracle run of Flink 1.20.
func oracleRun(t *testing.T, run string) []string {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(repoRoot, "testdata", "flink", "generated", "1.20", run, "*", "chk-*"))
	if len(dirs) == 0 {
		t.Skipf("skipping: no oracle run %s (testdata/flink/regenerate.sh writes it)", run)
	}
	return dirs
}

// chartShapes counts the shapes an SVG draws.
func chartShapes(t *testing.T, p *browsertest.Page, selector string) int {
	t.Helper()
	n, err := browsertest.Eval[int](p, `document.querySelector(`+jsString(selector)+`).querySelectorAll("rect, text, line, path, circle, polyline, polygon").length`)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// shownFiles is the files table's paths, all pages shown.
func shownFiles(t *testing.T, p *browsertest.Page) []string {
	t.Helper()
	if err := p.ShowMoreRows("files"); err != nil {
		t.Fatal(err)
	}
	rows, err := p.Table("#file-table")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		out = append(out, r["path"])
	}
	return out
}

// TestTreemap: a real checkpoint's treemap is an SVG image named a
// treemap, within the shape budget, whose tiles add up to the snapshot's
// bytes; clicking a file's tile and pressing Enter on a folder's tile
// filter the files table to what the tile holds.
func TestTreemap(t *testing.T) {
	p := page(t)
	dirs := oracleRun(t, "restore-claim")
	drop(t, p, dirs[1]) // the CLAIM restore's first checkpoint: three folders
	label, err := browsertest.Eval[string](p, `document.querySelector('#treemap svg[role="img"]').getAttribute("aria-label")`)
	if err != nil || !strings.Contains(strings.ToLower(label), "treemap") {
		t.Fatalf("treemap aria-label %q (%v)", label, err)
	}
	if n := chartShapes(t, p, "#treemap svg"); n == 0 || n > 2000 {
		t.Errorf("treemap draws %d shapes", n)
	}
	want := inspectCLI(t, dirs[1])
	var fileBytes int64
	for _, f := range want.Files {
		fileBytes += max(f.Bytes, 0)
	}
	// The top tiles' areas are their bytes' share of the whole.
	area, err := browsertest.Eval[float64](p, `[...document.querySelectorAll("#treemap .tile.tm-d0 rect")].reduce((s, r) => s + r.width.baseVal.value * r.height.baseVal.value, 0)`)
	if err != nil || area < 1000*560*0.999 || area > 1000*560*1.001 {
		t.Errorf("top tiles cover %.0f of %d (%v)", area, 1000*560, err)
	}
	// A file's tile: the table shows that file alone.
	path, err := browsertest.Eval[string](p, `(() => { const g = document.querySelector("#treemap .tile.tm-leaf.tm-d3[tabindex='0']"); g.dispatchEvent(new MouseEvent("click", {bubbles: true})); return g.querySelector("title").textContent })()`)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`document.querySelector("#file-picked") !== null`); err != nil {
		t.Fatal("picking a tile does not filter the files:", err)
	}
	got := shownFiles(t, p)
	if len(got) != 1 || !strings.HasPrefix(path, got[0][strings.LastIndex(got[0], "/")+1:]+":") {
		t.Errorf("file tile %q shows files %q", path, got)
	}
	// The keyboard: Tab to the shared/ folder's tile, Enter.
	if titles, _ := browsertest.Eval[[]string](p, `[...document.querySelectorAll("#treemap .tile.tm-d0 title")].map(t => t.textContent)`); true {
		t.Logf("top tiles %q", titles)
	}
	if err := p.Click("#file-unpick"); err != nil {
		t.Fatal(err)
	}
	if _, err := browsertest.Eval[bool](p, `(() => { [...document.querySelectorAll("#treemap .tile.tm-d0")].find(g => g.querySelector("title").textContent.startsWith("shared: ")).focus(); return true })()`); err != nil {
		t.Fatal(err)
	}
	if err := p.Type("\r"); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`document.querySelector("#file-picked") !== null`); err != nil {
		t.Fatal("Enter on a tile does not filter the files:", err)
	}
	shared := 0
	for _, d := range want.Dependencies {
		if d.Role == "shared" {
			shared = d.Files
		}
	}
	if got := shownFiles(t, p); len(got) != shared || shared == 0 {
		t.Errorf("the shared/ tile shows %d files, the CLI's shared/ has %d", len(got), shared)
	}
	debugShot(t, p, "#treemap", "treemap.png")
}

// compareCLI is `ckptlens compare --json` of folders.
func compareCLI(t *testing.T, folders []string) *parse.Report {
	t.Helper()
	out, err := exec.Command(cliPath, append([]string{"compare", "--json"}, folders...)...).Output()
	if err != nil {
		t.Fatal(err)
	}
	var rep parse.Report
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatal(err)
	}
	return &rep
}

// pickerLabels is the snapshot picker's buttons' text.
func pickerLabels(t *testing.T, p *browsertest.Page) []string {
	t.Helper()
	l, err := browsertest.Eval[[]string](p, `[...document.querySelectorAll(".picker-row button")].map(b => b.textContent)`)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// selectSnapshot presses the picker's button of label.
func selectSnapshot(t *testing.T, p *browsertest.Page, label string) {
	t.Helper()
	if _, err := browsertest.Eval[bool](p, `(() => { [...document.querySelectorAll(".picker-row button")].find(b => b.textContent === `+jsString(label)+`).click(); return true })()`); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`document.querySelector(".picker-row button.selected").textContent === ` + jsString(label)); err != nil {
		t.Fatal(err)
	}
}

// TestJobsOnPage drops 10 checkpoints of three oracle runs (four jobs, a
// CLAIM pair among them) as their job folders: the picker and the
// comparison label them by job as the CLI does, compare each within its
// chain as the CLI does, the graph shows the CLAIM restore, and the
// timeline of the restored job runs through the checkpoint it was
// restored from.
func TestJobsOnPage(t *testing.T) {
	var chks, jobs []string
	for _, run := range []string{"restore-claim", "incremental", "hashmap"} {
		dirs := oracleRun(t, run)
		chks = append(chks, dirs...)
		for _, d := range dirs {
			if j := filepath.Dir(d); !slices.Contains(jobs, j) {
				jobs = append(jobs, j)
			}
		}
	}
	p := page(t)
	want := compareCLI(t, chks)
	drop(t, p, jobs...)
	var wantPicker []string
	for _, i := range want.Jobs.Order {
		wantPicker = append(wantPicker, want.Jobs.Labels[i])
	}
	if got := pickerLabels(t, p); !slices.Equal(got, wantPicker) || len(got) != 10 {
		t.Errorf("picker %q, CLI %q", got, wantPicker)
	}
	rows, err := p.Table("#comparison-table")
	if err != nil {
		t.Fatal(err)
	}
	var wantRows []browsertest.Row
	for _, i := range want.Comparison.Order {
		s := want.Comparison.Snapshots[i]
		after := "–"
		if s.Previous >= 0 {
			after = want.Comparison.Snapshots[s.Previous].Label
		}
		wantRows = append(wantRows, browsertest.Row{"label": s.Label, "after": after, "newBytes": i64(s.NewBytes), "droppedBytes": i64(s.DroppedBytes)})
	}
	for i := range rows {
		rows[i] = browsertest.Row{"label": rows[i]["label"], "after": rows[i]["after"], "newBytes": rows[i]["newBytes"], "droppedBytes": rows[i]["droppedBytes"]}
	}
	sameRows(t, "comparison", rows, wantRows)

	graph, err := browsertest.Eval[string](p, `document.querySelector('#job-graph svg[role="img"]').getAttribute("aria-label")`)
	child := want.Jobs.Jobs[want.Jobs.JobOf[3]] // the CLAIM run's newest
	parent := want.Jobs.Jobs[child.Parent]
	if err != nil || !strings.Contains(graph, "Graph of 4 jobs") || !strings.Contains(graph, child.Name+" was restored from "+parent.Name) {
		t.Errorf("job graph %q (%v)", graph, err)
	}
	if n := chartShapes(t, p, "#job-graph svg"); n > 2000 {
		t.Errorf("job graph draws %d shapes", n)
	}

	selectSnapshot(t, p, want.Jobs.Labels[3])
	label, err := browsertest.Eval[string](p, `document.querySelector('#timeline svg[role="img"]').getAttribute("aria-label")`)
	if err != nil || !strings.Contains(strings.ToLower(label), "checkpoint timeline of 4 checkpoints") {
		t.Fatalf("timeline %q (%v)", label, err)
	}
	if n := chartShapes(t, p, "#timeline svg"); n > 2000 {
		t.Errorf("timeline draws %d shapes", n)
	}
	checkTimelineTable(t, p, want, []int{0, 1, 2, 3})
	debugShot(t, p, "#history", "history.png")
}

// checkTimelineTable: the timeline's table holds every file of the chain
// once, grouped by the chain's checkpoints that first and last reference
// it, as the CLI's comparison has them.
func checkTimelineTable(t *testing.T, p *browsertest.Page, want *parse.Report, chain []int) {
	t.Helper()
	rows, err := p.Table("#timeline-table")
	if err != nil {
		t.Fatal(err)
	}
	type span struct{ first, last string }
	wantBytes := map[span]int64{}
	for _, f := range want.Comparison.Files {
		first, last := -1, -1
		for _, s := range f.Snapshots {
			if k := slices.Index(chain, s); k >= 0 {
				if first < 0 || k < first {
					first = k
				}
				last = max(last, k)
			}
		}
		if first >= 0 {
			wantBytes[span{want.Jobs.Labels[chain[first]], want.Jobs.Labels[chain[last]]}] += max(f.Bytes, 0)
		}
	}
	gotBytes := map[span]int64{}
	for _, r := range rows {
		n, _ := strconv.ParseInt(r["bytes"], 10, 64)
		gotBytes[span{strings.TrimPrefix(r["first"], "≤ "), r["last"]}] += n
	}
	if !reflect.DeepEqual(gotBytes, wantBytes) {
		t.Errorf("timeline table %v\nwant %v", gotBytes, wantBytes)
	}
}

// debugShot saves a picture of one element into CKPTLENS_E2E_SHOTS, when
// set, for looking at a chart while working on it.
func debugShot(t *testing.T, p *browsertest.Page, selector, name string) {
	out := os.Getenv("CKPTLENS_E2E_SHOTS")
	if out == "" {
		return
	}
	png, err := chromedp.Run(p.Context(), chromedp.Screenshot(chromedp.CSS(selector)))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestViewInURL: the snapshot, section, filter and sort shown live in the
// address bar, and a link copied from the share bar opens, in another tab,
// on the same snapshot, section, filter and sort. (A report small enough
// for a fragment link: short links need the Worker, which web/e2e runs;
// both kinds carry the view alike, as wasm/app's tests check.)
func TestViewInURL(t *testing.T) {
	dirs := oracleRun(t, "hashmap")
	p := page(t)
	drop(t, p, filepath.Dir(dirs[0]))
	labels := pickerLabels(t, p)
	if len(labels) < 2 {
		t.Fatalf("picker %q", labels)
	}
	label := labels[len(labels)-1] // not the first: a link that forgets opens on the first
	selectSnapshot(t, p, label)
	if err := p.Click(`nav.sections a[href="#files"]`); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(p.Context(), chromedp.Focus(chromedp.ID("file-filter")), chromedp.KeyEvent("chk")); err != nil {
		t.Fatal(err)
	}
	if err := p.Click(`#file-table th:nth-child(3) button`); err != nil {
		t.Fatal(err)
	}
	wantHash := "#snap=" + label + "&sec=files&q=chk&sort=-bytes"
	if err := p.WaitFor(`location.hash === ` + jsString(wantHash)); err != nil {
		hash, _ := browsertest.Eval[string](p, `location.hash`)
		t.Fatalf("address bar %q, want %q", hash, wantHash)
	}
	want, err := p.Table("#file-table")
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Click("#copy-link"); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`document.getElementById("share-link") !== null`); err != nil {
		bar, _ := p.Text("#share")
		t.Fatalf("no link: %v; the share bar says %q", err, bar)
	}
	link, err := browsertest.Eval[string](p, `document.getElementById("share-link").value`)
	if err != nil || !strings.Contains(link, "#r=") || !strings.HasSuffix(link, wantHash[1:]) {
		t.Fatalf("link %q (%v) does not carry the view", link, err)
	}

	q, err := browser.NewPage()
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	if err := q.Open(link); err != nil {
		t.Fatal(err)
	}
	if err := q.WaitFor(`document.body.dataset.state === "done" && document.getElementById("readonly") !== null`); err != nil {
		t.Fatal(err)
	}
	if err := q.WaitFor(`document.querySelector(".picker-row button.selected").textContent === ` + jsString(label)); err != nil {
		t.Fatal("the link does not open on the same snapshot:", err)
	}
	filter, _ := browsertest.Eval[string](q, `document.getElementById("file-filter").value`)
	sorted, _ := browsertest.Eval[string](q, `document.querySelector("#file-table th:nth-child(3)").getAttribute("aria-sort")`)
	if filter != "chk" || sorted != "descending" {
		t.Errorf("opened with filter %q, sort %q", filter, sorted)
	}
	got, err := q.Table("#file-table")
	if err != nil {
		t.Fatal(err)
	}
	sameRows(t, "files opened from the link", got, want)
	if err := q.WaitFor(`(() => { const r = document.getElementById("files").getBoundingClientRect(); return r.top < innerHeight / 2 && r.bottom > 0 })()`); err != nil {
		t.Error("the link does not open on the files section:", err)
	}
	if hash, _ := browsertest.Eval[string](q, `location.hash`); !strings.HasSuffix(link, hash) {
		t.Errorf("the opened link's address bar says %q", hash)
	}
}

// restoreClaimJobs drops the oracle's CLAIM run as its two job folders and
// shows the restored job's newest checkpoint.
func restoreClaimJobs(t *testing.T, p *browsertest.Page) {
	t.Helper()
	var jobs []string
	for _, d := range oracleRun(t, "restore-claim") {
		if j := filepath.Dir(d); !slices.Contains(jobs, j) {
			jobs = append(jobs, j)
		}
	}
	drop(t, p, jobs...)
	labels := pickerLabels(t, p)
	selectSnapshot(t, p, labels[len(labels)-1])
}

// chartScreenshots saves the README's pictures of the treemap and of the
// jobs and timeline, light and dark, from the oracle's CLAIM run
// (TestScreenshots calls it).
func chartScreenshots(t *testing.T, out string) {
	p := page(t)
	restoreClaimJobs(t, p)
	for _, scheme := range []string{"light", "dark"} {
		if err := p.SetColorScheme(scheme); err != nil {
			t.Fatal(err)
		}
		for _, shot := range []struct{ name, selector string }{{"treemap", "#treemap"}, {"timeline", "#history"}} {
			png, err := chromedp.Run(p.Context(), chromedp.Screenshot(chromedp.CSS(shot.selector)))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, scheme+"-"+shot.name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestChartsNarrow: at 390 px the charts fit the screen, and a tile can
// still be picked by touch.
func TestChartsNarrow(t *testing.T) {
	p := page(t)
	restoreClaimJobs(t, p) // dropped on a wide window: the drop lands at x = 400
	if _, err := chromedp.Call(p.Context(), emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 844, DeviceScaleFactor: 2, Mobile: true}); err != nil {
		t.Fatal(err)
	}
	// Each chart scrolls sideways in a box as wide as the screen, at a
	// width where its names can be read.
	for _, sel := range []string{"#treemap", "#job-graph", "#timeline"} {
		box, err := browsertest.Eval[[]float64](p, `(() => { const b = document.querySelector(`+jsString(sel+" .chart-scroll")+`); return [b.getBoundingClientRect().right, b.querySelector("svg").getBoundingClientRect().width] })()`)
		if err != nil || box[0] > 390 || box[1] < 480 {
			t.Errorf("%s: box ends at %v px, chart %v px wide, on a 390 px screen (%v)", sel, box[0], box[1], err)
		}
	}
	for _, sec := range []string{"#treemap", "#history"} {
		if over, _ := browsertest.Eval[bool](p, `(() => { const s = document.querySelector(`+jsString(sec)+`); return s.scrollWidth > s.clientWidth + 1 })()`); over {
			t.Errorf("%s is wider than the screen", sec)
		}
	}
	if _, err := chromedp.Run(p.Context(), chromedp.ScrollIntoView(chromedp.CSS("#treemap svg"))); err != nil {
		t.Fatal(err)
	}
	// A touch in the middle of the chart picks the tile under it.
	if err := p.Click("#treemap .tile.tm-d0"); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`document.querySelector("#file-picked") !== null`); err != nil {
		t.Error("a tap on the treemap does not pick:", err)
	}
	debugShot(t, p, "#history", "narrow-history.png")
	debugShot(t, p, "#treemap", "narrow-treemap.png")
}
