//go:build !js

package e2e

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ckptlens/ckptlens/wasm/browsertest"
)

// TestOfflineAfterFirstVisit visits the page once, stops its server, and
// reloads: the service worker serves the page, which still reads a dropped
// file; a short link then fails in words, not as fetch's TypeError. The
// page also offers itself for installing (its manifest).
func TestOfflineAfterFirstVisit(t *testing.T) {
	browsertest.Require(t)
	page(t) // builds dist/ and starts the browser
	own, err := browsertest.Serve(filepath.Join(work, "dist"))
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	p, err := browser.NewPage()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if err := p.Open(own.URL + "/"); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`!!navigator.serviceWorker.controller`); err != nil {
		t.Fatal("no service worker controls the page after its first visit:", err)
	}
	manifest, err := browsertest.Eval[string](p, `fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json()).then(m => m.display + " " + m.icons.length)`)
	if err != nil || manifest != "standalone 2" {
		t.Errorf("manifest: %q (%v)", manifest, err)
	}
	own.Close() // offline from here

	if _, err := chromedp.Run(p.Context(), chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`document.body.dataset.state === "empty"`); err != nil {
		t.Fatal("the page does not load without its server:", err)
	}
	file := generatedCheckpoint(t, t.TempDir(), 5, nil)
	if _, err := p.DropAndWait(60e9, file); err != nil {
		t.Fatal("a drop offline:", err)
	}
	if _, err := chromedp.Run(p.Context(), chromedp.Navigate(own.URL+"/#s=AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`!!document.getElementById("share-problem")`); err != nil {
		t.Fatal("an offline short link shows no problem:", err)
	}
	problem, _ := p.Text("#share-problem")
	if strings.Contains(problem, "TypeError") || !strings.Contains(problem, "did not answer") && !strings.Contains(problem, "offline") {
		t.Errorf("offline short link: %q", problem)
	}
}
