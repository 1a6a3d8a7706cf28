//go:build !js

// Package browsertest drives the real page in Debian's Chromium, headless,
// over the DevTools protocol (chromedp v0.23.0). The page's e2e tests, the
// share-link tests and the budget script all use it.
//
// Starting:
//
//	path := browsertest.Require(t)              // skip, or fail under CKPTLENS_E2E=1, when Chromium is missing
//	srv, err := browsertest.Serve("dist")       // a static server on 127.0.0.1 (srv.URL, srv.Close)
//	b, err := browsertest.Start(ctx, path)      // fresh --user-data-dir, the project's flags; b.Close()
//	p, err := b.NewPage()                       // one tab; it records network requests and dialogs
//	err = p.Open(srv.URL + "/")                 // navigate and wait for the app's first render
//
// Acting on the page:
//
//	p.DropFiles("testdata/x/_metadata", ...)    // a real Input.dispatchDragEvent carrying file paths
//	reqs, err := p.DropAndWait(time.Minute, f)  // drop, wait for the rendered result, requests meanwhile
//	p.PickFiles(...)                            // the same files through the <input type=file>
//	p.WaitState("done", 30*time.Second)         // <body data-state>: empty, loading, done
//	p.Loads()                                   // <body data-loads>: loads finished so far
//	rows, _ := p.Table("#file-table")           // []Row: data-k → data-v (raw number) or text
//	v, _ := browsertest.Eval[int](p, "1+1")     // any expression, promises awaited
//	p.WaitFor(`document.querySelector("#x")`)   // poll a condition (30 s)
//	p.SetColorScheme("dark"); png, _ := p.Screenshot()
//	p.SaveDownloadsTo(dir); p.Click("#export-json") // exports land in dir
//	text, _ := p.Clipboard()                    // what the page copied
//
// Watching it:
//
//	mark := p.Requests()                        // every request the page made so far, in order
//	... p.RequestsSince(len(mark))              // requests after a point (zero during analysis)
//	p.Dialogs()                                 // alert/confirm/prompt messages (each is dismissed)
//	p.Console()                                 // console messages and exceptions (Go panics print here)
//
// The page publishes its state on <body data-state> and its timings on
// window.ckptlensTimings {firstRender, dropToRender, decode, analyse,
// renders, renderMs, lastRenderMs} (milliseconds; renders is a count).
package browsertest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// DefaultChromium is Debian's package path; CKPTLENS_CHROMIUM overrides it.
const DefaultChromium = "/usr/bin/chromium"

// Chromium returns the browser to run and whether it exists.
func Chromium() (string, bool) {
	path := DefaultChromium
	if p := os.Getenv("CKPTLENS_CHROMIUM"); p != "" {
		path = p
	}
	if _, err := exec.LookPath(path); err != nil {
		return path, false
	}
	return path, true
}

// Required reports whether browser tests must run (CKPTLENS_E2E=1, set by
// ./build.sh test) instead of skipping.
func Required() bool { return os.Getenv("CKPTLENS_E2E") == "1" }

// Require returns the Chromium path, or skips t when it is missing (fails
// instead under CKPTLENS_E2E=1).
func Require(t testing.TB) string {
	t.Helper()
	path, ok := Chromium()
	if !ok {
		msg := fmt.Sprintf("Chromium not found at %s (install Debian's chromium, or set CKPTLENS_CHROMIUM); ./build.sh test installs it", path)
		if Required() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return path
}

// Server is a static file server on 127.0.0.1.
type Server struct {
	URL string
	srv *http.Server
}

// Serve serves dir on a free loopback port.
func Serve(dir string) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	fs := http.FileServer(http.Dir(dir))
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".wasm") {
			w.Header().Set("Content-Type", "application/wasm")
		}
		w.Header().Set("Cache-Control", "no-store")
		fs.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	return &Server{URL: "http://" + ln.Addr().String(), srv: srv}, nil
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Browser is one headless Chromium with its own profile.
type Browser struct {
	ctx     context.Context
	cancel  context.CancelFunc
	profile string
}

// Start launches Chromium at path with the project's flags and a fresh
// --user-data-dir. Cancelling ctx or calling Close ends it.
func Start(ctx context.Context, path string) (*Browser, error) {
	profile, err := os.MkdirTemp("", "ckptlens-chromium-")
	if err != nil {
		return nil, err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(profile)
		return nil, fmt.Errorf("starting %s: %w", path, err)
	}
	return &Browser{ctx: bctx, profile: profile, cancel: func() {
		cancelBrowser()
		cancelAlloc()
	}}, nil
}

// Close ends the browser and removes its profile.
func (b *Browser) Close() {
	b.cancel()
	os.RemoveAll(b.profile)
}

// Page is one tab.
type Page struct {
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	requests []string
	dialogs  []string
	console  []string
}

// NewPage opens a tab that records its network requests and dialogs.
func (b *Browser) NewPage() (*Page, error) {
	ctx, cancel := chromedp.NewContext(b.ctx)
	p := &Page{ctx: ctx, cancel: cancel}
	if err := chromedp.Listen(ctx, p.record); err != nil {
		cancel()
		return nil, err
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		cancel()
		return nil, err
	}
	if _, err := chromedp.Call(ctx, page.Enable, page.EnableParams{}); err != nil {
		cancel()
		return nil, err
	}
	return p, nil
}

// record runs in chromedp's read loop: it only appends under the lock.
func (p *Page) record(ev any) {
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		p.mu.Lock()
		p.requests = append(p.requests, ev.Request.URL)
		p.mu.Unlock()
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			if a.Description != "" {
				parts = append(parts, a.Description)
			} else {
				parts = append(parts, strings.Trim(string(a.Value), `"`))
			}
		}
		p.mu.Lock()
		p.console = append(p.console, string(ev.Type)+": "+strings.Join(parts, " "))
		p.mu.Unlock()
	case *runtime.EventExceptionThrown:
		text := ev.ExceptionDetails.Text
		if ex := ev.ExceptionDetails.Exception; ex != nil {
			text += " " + ex.Description
		}
		p.mu.Lock()
		p.console = append(p.console, "exception: "+text)
		p.mu.Unlock()
	case *page.EventJavascriptDialogOpening:
		p.mu.Lock()
		p.dialogs = append(p.dialogs, string(ev.Type)+": "+ev.Message)
		p.mu.Unlock()
		// Dismiss it from another goroutine: fn must not run commands.
		go chromedp.Call(p.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
	}
}

// Close closes the tab.
func (p *Page) Close() { p.cancel() }

// Context is the tab's chromedp context, for actions the harness lacks.
func (p *Page) Context() context.Context { return p.ctx }

// Requests is every URL the page has requested so far, in order.
func (p *Page) Requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requests...)
}

// RequestsSince is the URLs requested after the first n.
func (p *Page) RequestsSince(n int) []string {
	all := p.Requests()
	if n >= len(all) {
		return nil
	}
	return all[n:]
}

// Console is every console message and uncaught exception of the page, in
// order ("log: …", "error: …", "exception: …"). Go's panics print here.
func (p *Page) Console() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.console...)
}

// Dialogs is every alert, confirm or prompt the page opened.
func (p *Page) Dialogs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.dialogs...)
}

// Open navigates to url and waits until the app has rendered once.
func (p *Page) Open(url string) error {
	if err := chromedp.Do(p.ctx, chromedp.Navigate(url)); err != nil {
		return err
	}
	return p.waitFor(`document.body.dataset.state && document.body.dataset.state !== "loading-app"`, 30*time.Second)
}

// WaitFor waits up to 30 s for a JavaScript condition to be true.
func (p *Page) WaitFor(cond string) error { return p.waitFor(cond, 30*time.Second) }

// WaitState waits for <body data-state=state>.
func (p *Page) WaitState(state string, timeout time.Duration) error {
	return p.waitFor(fmt.Sprintf(`document.body.dataset.state === %q`, state), timeout)
}

// waitFor polls a JavaScript condition.
func (p *Page) waitFor(cond string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(p.ctx, timeout)
	defer cancel()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		if err == nil && ok {
			return nil
		}
		select {
		case <-ctx.Done():
			state, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`String(document.body.dataset.state)`))
			return fmt.Errorf("waiting for %s (page state %q): %w", cond, state, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Eval evaluates expression in the page, awaiting a promise it returns.
func Eval[T any](p *Page, expression string) (T, error) {
	return chromedp.Run(p.ctx, chromedp.Evaluate[T](expression, chromedp.EvalAwaitPromise))
}

// DropFiles drops files (paths on this machine) inside the page's window
// with Input.dispatchDragEvent, as a user dragging them from a file manager.
func (p *Page) DropFiles(paths ...string) error {
	abs := make([]string, len(paths))
	for i, path := range paths {
		a, err := filepath.Abs(path)
		if err != nil {
			return err
		}
		if _, err := os.Stat(a); err != nil {
			return err
		}
		abs[i] = a
	}
	data := &input.DragData{Items: []*input.DragDataItem{}, Files: abs, DragOperationsMask: 1}
	// The middle of a phone's screen too (SetViewport).
	x, y := 180.0, 300.0
	for _, typ := range []input.DispatchDragEventType{input.DispatchDragEventTypeDragEnter, input.DispatchDragEventTypeDragOver, input.DispatchDragEventTypeDrop} {
		if _, err := chromedp.Call(p.ctx, input.DispatchDragEvent, input.DispatchDragEventParams{Type: typ, X: x, Y: y, Data: data}); err != nil {
			return fmt.Errorf("%s: %w", typ, err)
		}
	}
	return nil
}

// Loads is how many loads the app has finished (<body data-loads>).
func (p *Page) Loads() (int, error) {
	return Eval[int](p, `Number(document.body.dataset.loads || 0)`)
}

// DropAndWait drops files and waits until the app has finished reading and
// rendering them (successfully or not). It returns the requests the page
// made from the drop to the rendered result.
func (p *Page) DropAndWait(timeout time.Duration, paths ...string) ([]string, error) {
	before, err := p.Loads()
	if err != nil {
		return nil, err
	}
	mark := len(p.Requests())
	if err := p.DropFiles(paths...); err != nil {
		return nil, err
	}
	if err := p.waitFor(fmt.Sprintf(`Number(document.body.dataset.loads || 0) > %d && document.body.dataset.state !== "loading"`, before), timeout); err != nil {
		return nil, err
	}
	return p.RequestsSince(mark), nil
}

// ShowMoreRows presses a long table's "Show all" (or "Show 500 at a
// time") button, #<list>-more, when there is one, and waits until the
// page has shown the rows.
func (p *Page) ShowMoreRows(list string) error {
	id := fmt.Sprintf("%q", list+"-more")
	if _, err := Eval[bool](p, `(() => { const b = document.getElementById(`+id+`); if (b) b.click(); return true })()`); err != nil {
		return err
	}
	return p.WaitFor(`!document.getElementById(` + id + `)`)
}

// PickFiles chooses files in the page's file picker (#file-picker).
func (p *Page) PickFiles(paths ...string) error {
	return chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.ID("file-picker"), paths))
}

// PickFolder chooses a folder in the page's folder picker (#folder-picker).
func (p *Page) PickFolder(dir string) error {
	return chromedp.Do(p.ctx, chromedp.SetUploadFiles(chromedp.ID("folder-picker"), []string{dir}))
}

// Row is one table row: each cell's data-k mapped to its data-v when set
// (exact numbers) or its text.
type Row map[string]string

// Table reads the body rows of the table matching selector.
func (p *Page) Table(selector string) ([]Row, error) {
	expr := fmt.Sprintf(`(() => {
		const t = document.querySelector(%q);
		if (!t) return null;
		return [...t.querySelectorAll("tbody tr")].map(tr => {
			const row = {};
			for (const td of tr.querySelectorAll("[data-k]")) row[td.dataset.k] = td.dataset.v !== undefined ? td.dataset.v : td.textContent;
			return row;
		});
	})()`, selector)
	rows, err := Eval[*[]Row](p, expr)
	if err != nil {
		return nil, err
	}
	if rows == nil {
		return nil, fmt.Errorf("no table %s on the page", selector)
	}
	return *rows, nil
}

// Text is the text content of the first element matching selector.
func (p *Page) Text(selector string) (string, error) {
	s, err := Eval[*string](p, fmt.Sprintf(`(() => { const e = document.querySelector(%q); return e ? e.textContent : null })()`, selector))
	if err != nil {
		return "", err
	}
	if s == nil {
		return "", fmt.Errorf("no element %s on the page", selector)
	}
	return *s, nil
}

// Click clicks the first element matching the CSS selector.
func (p *Page) Click(selector string) error {
	return chromedp.Do(p.ctx, chromedp.Click(chromedp.CSS(selector)))
}

// Focus focuses the first element matching the CSS selector.
func (p *Page) Focus(selector string) error {
	return chromedp.Do(p.ctx, chromedp.Focus(chromedp.CSS(selector)))
}

// Type types text into the focused element, key by key ("\r" is Enter).
func (p *Page) Type(text string) error {
	return chromedp.Do(p.ctx, chromedp.KeyEvent(text))
}

// SetColorScheme emulates prefers-color-scheme: "light" or "dark".
func (p *Page) SetColorScheme(scheme string) error {
	_, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	return err
}

// SaveDownloadsTo makes the browser save downloads (the page's exports)
// into dir under their suggested names.
func (p *Page) SaveDownloadsTo(dir string) error {
	_, err := chromedp.CallBrowser(p.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	})
	return err
}

// Clipboard reads the clipboard text, granting the page the permission to
// read it first.
func (p *Page) Clipboard() (string, error) {
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(p.ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name}, Setting: browser.PermissionSettingGranted,
		}); err != nil {
			return "", err
		}
	}
	return Eval[string](p, `navigator.clipboard.readText()`)
}

// Screenshot captures the whole page as PNG.
func (p *Page) Screenshot() ([]byte, error) {
	return chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
}

// SetViewport emulates a screen width by height CSS pixels (a phone at 390,
// a desktop at 1280); the page's media queries follow it.
func (p *Page) SetViewport(width, height int64) error {
	_, err := chromedp.Call(p.ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: width, Height: height, DeviceScaleFactor: 1,
	})
	return err
}

// SetOffline cuts the page off the network, or reconnects it, as a
// browser without a connection: every request fails, navigator.onLine is
// false; a service worker's cache still answers.
func (p *Page) SetOffline(offline bool) error {
	if _, err := chromedp.Call(p.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		MatchedNetworkConditions: []*network.Conditions{{Offline: offline, DownloadThroughput: -1, UploadThroughput: -1}},
	}); err != nil {
		return err
	}
	_, err := chromedp.Call(p.ctx, network.OverrideNetworkState, network.OverrideNetworkStateParams{
		Offline: offline, DownloadThroughput: -1, UploadThroughput: -1,
	})
	return err
}
