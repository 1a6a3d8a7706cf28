//go:build !js

package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/ckptlens/ckptlens/wasm/browsertest"
)

// TestOfflineUnderThePagePolicy serves the page as Cloudflare does (workerd,
// the build's _headers): its service worker registers under the page's
// Content-Security-Policy, the page reloads offline from its cache with the
// policy still in force (an injected inline script does not run), reads a
// dropped file, and an offline short link says so in words.
func TestOfflineUnderThePagePolicy(t *testing.T) {
	e := setup(t)
	p := e.open(t, e.worker.URL+"/")
	if err := p.WaitFor(`!!navigator.serviceWorker.controller`); err != nil {
		t.Fatal("no service worker controls the page under its policy:", err)
	}
	if err := p.SetOffline(true); err != nil {
		t.Fatal(err)
	}
	defer p.SetOffline(false)
	// Every policy violation of the reloaded page is kept.
	if _, err := chromedp.Call(p.Context(), page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
		Source: `window.violations = []; document.addEventListener("securitypolicyviolation", (e) => window.violations.push(e.violatedDirective + " " + e.blockedURI));`,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(p.Context(), chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`document.body.dataset.state === "empty" && !navigator.onLine`); err != nil {
		t.Fatal("the page does not reload offline:", err)
	}
	if v, err := browsertest.Eval[[]string](p, `window.violations`); err != nil || len(v) != 0 {
		t.Errorf("the page offline broke its own policy: %q (%v)", v, err)
	}
	ran, err := browsertest.Eval[bool](p, `(() => { const s = document.createElement("script"); s.textContent = "window.injected = 1"; document.body.appendChild(s); return window.injected === 1 })()`)
	if err != nil || ran {
		t.Errorf("an injected inline script ran offline (%v): the cached page lost its policy", err)
	}
	if err := p.WaitFor(`window.violations.length === 1 && window.violations[0].startsWith("script-src")`); err != nil {
		v, _ := browsertest.Eval[[]string](p, `window.violations`)
		t.Errorf("the injected script was not refused by the policy: %q", v)
	}
	if _, err := p.DropAndWait(time.Minute, fixture(t)); err != nil {
		t.Fatal("a drop offline:", err)
	}
	if _, err := chromedp.Run(p.Context(), chromedp.Navigate(e.worker.URL+"/#s=AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`!!document.getElementById("share-problem")`); err != nil {
		t.Fatal("an offline short link shows no problem:", err)
	}
	problem, _ := p.Text("#share-problem")
	if !strings.Contains(problem, "offline") || strings.Contains(problem, "TypeError") {
		t.Errorf("offline short link: %q", problem)
	}
}
