//go:build !js

package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/wasm/browsertest"
)

// layoutProblems lists what is wrong with the page's layout at its current
// width: sideways scrolling, break-all, a path piece split inside although
// it fits its cell, and stacked rows taller than tall.
const layoutProblems = `(() => {
	const out = [];
	const vw = window.innerWidth;
	if (document.documentElement.scrollWidth > vw) out.push("the page is " + document.documentElement.scrollWidth + " px wide in a " + vw + " px window");
	for (const e of document.querySelectorAll("#app *")) {
		if (getComputedStyle(e).wordBreak === "break-all") out.push("break-all on " + e.tagName + "." + e.className);
		const r = e.getBoundingClientRect();
		if (r.width > 0 && r.right > vw + 1 && !e.closest(".sr-only")) out.push(e.tagName + "." + e.className + " reaches " + Math.round(r.right) + " px");
	}
	const probe = document.createElement("span");
	probe.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap";
	for (const ps of document.querySelectorAll("#app .ps")) {
		const lines = new Set([...ps.getClientRects()].map(r => Math.round(r.top)));
		const range = document.createRange();
		range.selectNodeContents(ps);
		const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
		if (tops.size <= 1) continue;
		probe.textContent = ps.textContent;
		ps.parentElement.appendChild(probe);
		const natural = probe.getBoundingClientRect().width;
		probe.remove();
		if (natural <= ps.parentElement.clientWidth) out.push("the path piece " + JSON.stringify(ps.textContent) + " is split though it fits (" + Math.round(natural) + " of " + ps.parentElement.clientWidth + " px)");
	}
	for (const tr of document.querySelectorAll("#file-table tbody tr, #deletable-table tbody tr")) {
		const h = tr.getBoundingClientRect().height;
		if (h > 220) out.push("a row " + Math.round(h) + " px tall: " + tr.textContent.slice(0, 80));
	}
	return out.slice(0, 20);
})()`

func checkLayout(t *testing.T, p *browsertest.Page, what string) {
	t.Helper()
	problems, err := browsertest.Eval[[]string](p, layoutProblems)
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range problems {
		t.Errorf("%s: %s", what, pr)
	}
}

// TestLayoutAtPhoneAndDesktopWidths drops checkpoints with a listing (every
// table, the plan included) and a SlateDB clone's manifest at 390 px and at
// 1280 px: the page never scrolls sideways, paths break only after a "/",
// and a long operator name without spaces wraps inside its cell.
func TestLayoutAtPhoneAndDesktopWidths(t *testing.T) {
	dir := t.TempDir()
	job := filepath.Join(dir, "3b5c7a1e9d2f4c6b8a0e1f2d3c4b5a69")
	generatedCheckpoint(t, job, 6, nil)
	long := strings.Repeat("KeyedProcessWindowAggregateEnrichAndSink", 6)
	generatedCheckpoint(t, job, 7, &strangeStrings{Name: long, UID: "sessions-" + long, MetaPath: jobDir + "/chk-7/4a1e0c2b-meta"})
	listingFile := writeListing(t, dir, 4, 6, 7)
	manifest := filepath.Join(repoRoot, "testdata", "slatedb", "store", "prod", "clone", "manifest", "00000000000000000007.manifest")

	for _, width := range []int64{390, 1280} {
		p := page(t)
		if err := p.SetViewport(width, 900); err != nil {
			t.Fatal(err)
		}
		drop(t, p, job, listingFile)
		for _, id := range []string{"#file-table", "#operator-table", "#deletable-table", "#dependency-table"} {
			if ok, _ := browsertest.Eval[bool](p, `!!document.querySelector("`+id+`")`); !ok {
				t.Fatalf("%d px: %s is missing", width, id)
			}
		}
		checkLayout(t, p, i64(width)+" px, checkpoints and a plan")
		// chk-7, with the long name, is the second snapshot.
		if err := p.Click(".picker-row button:last-child"); err != nil {
			t.Fatal(err)
		}
		if err := p.WaitFor(`document.querySelector("#operator-table").textContent.includes("` + long[:60] + `")`); err != nil {
			t.Fatal("chk-7 is not shown:", err)
		}
		checkLayout(t, p, i64(width)+" px, a long operator name")
		if width == 390 {
			stacked, err := browsertest.Eval[string](p, `getComputedStyle(document.querySelector("#file-table tbody tr")).display`)
			if err != nil || stacked != "block" {
				t.Errorf("390 px: file rows are %q, not stacked (%v)", stacked, err)
			}
		}
		drop(t, p, manifest)
		checkLayout(t, p, i64(width)+" px, a SlateDB manifest")
	}
}
