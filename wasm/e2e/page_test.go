//go:build !js

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ckptlens/ckptlens/wasm/browsertest"
)

// TestKeyboard uses the page without a mouse: filter the files by typing,
// sort a table with Enter on its column header, and reach the file picker.
func TestKeyboard(t *testing.T) {
	file := generatedCheckpoint(t, t.TempDir(), 12, nil)
	p := page(t)
	drop(t, p, file)
	ctx := p.Context()

	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.ID("file-filter")), chromedp.KeyEvent(".sst")); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`document.getElementById("file-count").textContent.startsWith("3 of ")`); err != nil {
		count, _ := p.Text("#file-count")
		t.Fatalf("typing a filter: %v (count %q)", err, count)
	}
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`#file-table th:nth-child(3) button`)), chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`document.querySelector("#file-table th:nth-child(3)").getAttribute("aria-sort") === "descending"`); err != nil {
		t.Fatal("Enter on a column header does not sort:", err)
	}
	rows, err := p.Table("#file-table")
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(rows); i++ {
		if len(rows[i]["bytes"]) > len(rows[i-1]["bytes"]) || len(rows[i]["bytes"]) == len(rows[i-1]["bytes"]) && rows[i]["bytes"] > rows[i-1]["bytes"] {
			t.Errorf("not sorted by bytes, largest first: %v", rows)
		}
	}
	// Copy a path with the keyboard.
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`#file-table tbody tr:first-child button.copy`)), chromedp.KeyEvent("\r")); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`document.querySelector("#file-table tbody tr:first-child button.copy").textContent === "Copied"`); err != nil {
		t.Fatal("Enter on Copy does not copy:", err)
	}
	if clip, err := p.Clipboard(); err != nil || clip != rows[0]["path"] {
		t.Errorf("clipboard %q (%v), want %q", clip, err, rows[0]["path"])
	}
	// The picker is reachable with Tab from the top of the page.
	found, err := browsertest.Eval[bool](p, `(() => {
		const focusable = [...document.querySelectorAll("a[href], button, input, select")].filter(e => !e.disabled && e.tabIndex >= 0);
		return focusable.some(e => e.id === "file-picker");
	})()`)
	if err != nil || !found {
		t.Errorf("the file picker is not in the tab order (%v)", err)
	}
}

// TestPickFiles reads a file through the file picker instead of a drop.
func TestPickFiles(t *testing.T) {
	file := generatedCheckpoint(t, t.TempDir(), 13, nil)
	p := page(t)
	before, _ := p.Loads()
	if err := p.PickFiles(file); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`Number(document.body.dataset.loads) > ` + itoa(before) + ` && document.body.dataset.state === "done"`); err != nil {
		t.Fatal(err)
	}
	want := inspectCLI(t, file)
	_, wf, _ := wantTables(want)
	_, gf, _ := pageTables(t, p)
	sameRows(t, "files", gf, wf)
}

// TestPickFolder reads a job folder through Choose folder…, as a keyboard
// user must: only its snapshot files, named by their path in the folder,
// as a dropped folder's.
func TestPickFolder(t *testing.T) {
	job := filepath.Join(t.TempDir(), "job-3b5c")
	generatedCheckpoint(t, job, 6, nil)
	generatedCheckpoint(t, job, 7, nil)
	os.MkdirAll(filepath.Join(job, "shared"), 0o755)
	os.WriteFile(filepath.Join(job, "shared", "000007.sst"), []byte("not read"), 0o644)
	p := page(t)
	reachable, _ := browsertest.Eval[bool](p, `(() => { const i = document.getElementById("folder-picker"); return !!i && i.webkitdirectory && i.tabIndex >= 0 && !!document.querySelector('label[for="folder-picker"]') })()`)
	if !reachable {
		t.Fatal("no folder picker in the tab order")
	}
	before, _ := p.Loads()
	if err := p.PickFolder(job); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`Number(document.body.dataset.loads) > ` + itoa(before) + ` && document.body.dataset.state === "done"`); err != nil {
		t.Fatal(err)
	}
	names, _ := browsertest.Eval[[]string](p, `[...document.querySelectorAll(".load .name")].map(e => e.textContent)`)
	if strings.Join(names, " ") != "job-3b5c/chk-6/_metadata job-3b5c/chk-7/_metadata" {
		t.Errorf("files read from the folder: %q", names)
	}
}

func itoa(n int) string { return i64(int64(n)) }

// TestScreenshots saves the README's screenshots of the real page, light
// and dark, after dropping two checkpoints and a listing. ./build.sh test
// sets CKPTLENS_SCREENSHOTS to wasm/screenshots; otherwise they go to a
// temporary folder.
func TestScreenshots(t *testing.T) {
	out := os.Getenv("CKPTLENS_SCREENSHOTS")
	if out == "" {
		out = t.TempDir()
	}
	dir := t.TempDir()
	job := filepath.Join(dir, "3b5c7a1e9d2f4c6b8a0e1f2d3c4b5a69")
	generatedCheckpoint(t, job, 6, nil)
	generatedCheckpoint(t, job, 7, nil)
	listingFile := writeListing(t, dir, 4, 6, 7)

	p := page(t)
	drop(t, p, job, listingFile)
	for _, scheme := range []string{"light", "dark"} {
		if err := p.SetColorScheme(scheme); err != nil {
			t.Fatal(err)
		}
		for _, shot := range []struct{ name, anchor string }{{"-top", "body"}, {"", "main"}, {"-plan", "#several"}} {
			if _, err := browsertest.Eval[bool](p, `(() => { document.querySelector("`+shot.anchor+`").scrollIntoView(); return true })()`); err != nil {
				t.Fatal(err)
			}
			png, err := chromedp.Run(p.Context(), chromedp.CaptureScreenshot())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, scheme+shot.name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if scheme == "light" {
			phoneAndSlateDB(t, out, job, listingFile)
		}
		bg, err := browsertest.Eval[string](p, `getComputedStyle(document.body).backgroundColor`)
		if err != nil {
			t.Fatal(err)
		}
		if dark := bg == "rgb(21, 24, 28)"; dark != (scheme == "dark") {
			t.Errorf("%s scheme: background %s", scheme, bg)
		}
	}
	t.Run("charts", func(t *testing.T) { chartScreenshots(t, out) })
}

// phoneAndSlateDB saves the README's screenshots of the page at 390 px
// (checkpoints and a plan) and of a SlateDB clone's manifest at 1280 px.
func phoneAndSlateDB(t *testing.T, out, job, listingFile string) {
	t.Helper()
	shoot := func(p *browsertest.Page, name, anchor string) {
		if _, err := browsertest.Eval[bool](p, `(() => { document.querySelector("`+anchor+`").scrollIntoView(); return true })()`); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(p.Context(), chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	phone := page(t)
	if err := phone.SetViewport(390, 844); err != nil {
		t.Fatal(err)
	}
	drop(t, phone, job, listingFile)
	shoot(phone, "light-390.png", "#files")
	shoot(phone, "light-390-plan.png", "#plan-h")
	manifest := filepath.Join(repoRoot, "testdata", "slatedb", "store", "prod", "clone", "manifest", "00000000000000000007.manifest")
	if _, err := os.Stat(manifest); err != nil {
		t.Skip("testdata/slatedb is absent")
	}
	slate := page(t)
	drop(t, slate, manifest)
	shoot(slate, "light-slatedb.png", "#summary")
}
