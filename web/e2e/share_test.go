//go:build !js

// Package e2e tests share links end to end: the real page, served by the
// real Worker on local workerd, driven in Debian's Chromium. A report shared
// by fragment link and by short link must render the same tables as the
// original; a wrong key must say so; the Worker must hold only ciphertext.
package e2e

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/internal/flink/encode"
	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/share"
	"github.com/ckptlens/ckptlens/wasm/browsertest"
	"github.com/ckptlens/ckptlens/web/localworker"
	"github.com/ckptlens/ckptlens/web/offline"
)

func repoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// buildPage builds the page into dir the way ./build.sh does (the
// generated vugu components are committed).
func buildPage(dir string) error {
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return err
	}
	build := exec.Command("go", "build", "-trimpath", "-o", filepath.Join(dir, "app.wasm"), "./wasm")
	build.Dir = repoRoot()
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the page: %v\n%s", err, out)
	}
	for src, dst := range map[string]string{
		filepath.Join(repoRoot(), "index.html"):                                         "index.html",
		filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"): "wasm_exec.js",
	} {
		b, err := os.ReadFile(src)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, dst), b, 0o644); err != nil {
			return err
		}
	}
	return offline.Write(dir) // the service worker, as the build writes it
}

// fixture writes a checkpoint with every handle kind (absolute hdfs paths,
// relative files, shared SSTs, inline state) as tmp/chk-17/_metadata.
func fixture(t *testing.T) string {
	return fixtures.Write(t, filepath.Join(t.TempDir(), "chk-17", "_metadata"), func(w io.Writer) error { return encode.Write(w, encode.Sample(5, "")) })
}

type env struct {
	worker  *localworker.Worker
	browser *browsertest.Browser
	dist    string
}

var (
	setupOnce sync.Once
	shared    *env
	setupErr  error
	skipWhy   error
)

// TestMain stops the Worker and the browser that the tests share.
func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.browser.Close()
		shared.worker.Stop()
	}
	os.RemoveAll(shared.distDir())
	os.Exit(code)
}

// setup builds the page, starts the Worker on local workerd and Chromium,
// once for all tests.
func setup(t *testing.T) *env {
	t.Helper()
	chromium := browsertest.Require(t)
	setupOnce.Do(func() {
		dist, err := os.MkdirTemp("", "ckptlens-share-e2e-")
		if err != nil {
			setupErr = err
			return
		}
		if setupErr = buildPage(dist); setupErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		w, err := localworker.Start(ctx, localworker.Options{Assets: dist})
		if errors.Is(err, localworker.ErrNotInstalled) && os.Getenv("CKPTLENS_REQUIRE_WORKER") == "" {
			skipWhy = err
			return
		}
		if err != nil {
			setupErr = err
			return
		}
		b, err := browsertest.Start(context.Background(), chromium)
		if err != nil {
			w.Stop()
			setupErr = err
			return
		}
		shared = &env{worker: w, browser: b, dist: dist}
	})
	if skipWhy != nil {
		t.Skip(skipWhy)
	}
	if setupErr != nil {
		t.Fatal(setupErr)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("wrangler output:\n%s\nend of wrangler's debug log:\n%s", shared.worker.Log(), shared.worker.DebugLog(150))
		}
	})
	return shared
}

func (e *env) distDir() string {
	if e == nil {
		return ""
	}
	return e.dist
}

func (e *env) open(t *testing.T, url string) *browsertest.Page {
	t.Helper()
	p, err := e.browser.NewPage()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	// Keep the page's console and uncaught errors for the failure report.
	var mu sync.Mutex
	var console []string
	msgs := chromedp.Console(p.Context())
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			mu.Lock()
			console = append(console, string(m.Type)+": "+m.Text)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		if t.Failed() {
			mu.Lock()
			t.Logf("console of %.80s:\n%s", url, strings.Join(console, "\n"))
			mu.Unlock()
		}
	})
	if err := p.Open(url); err != nil {
		t.Fatal(err)
	}
	return p
}

type tables struct{ Deps, Files, Ops []browsertest.Row } // exported: compared as JSON

func readTables(t *testing.T, p *browsertest.Page) tables {
	t.Helper()
	// Show every file row, not just the first page of them.
	if err := p.ShowMoreRows("files"); err != nil {
		t.Fatal(err)
	}
	var tb tables
	var err error
	if tb.Deps, err = p.Table("#dependency-table"); err != nil {
		t.Fatal(err)
	}
	if tb.Files, err = p.Table("#file-table"); err != nil {
		t.Fatal(err)
	}
	if tb.Ops, err = p.Table("#operator-table"); err != nil {
		t.Fatal(err)
	}
	if len(tb.Deps) == 0 || len(tb.Files) == 0 || len(tb.Ops) == 0 {
		t.Fatalf("empty tables: %d dependencies, %d files, %d operators", len(tb.Deps), len(tb.Files), len(tb.Ops))
	}
	return tb
}

func sameTables(t *testing.T, what string, got, want tables) {
	t.Helper()
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) {
		t.Errorf("%s renders different tables than the original:\n got %s\nwant %s", what, g, w)
	}
}

// makeLink clicks a share button and returns the link the page made.
func makeLink(t *testing.T, p *browsertest.Page, button, marker string) string {
	t.Helper()
	before, _ := browsertest.Eval[string](p, `(document.getElementById("share-link") || {}).value || ""`)
	sentBefore := len(apiRequests(p.Requests()))
	if err := p.Click(button); err != nil {
		t.Fatal(err)
	}
	if marker == "#s=" {
		// A short link asks first, saying what is sent and where; nothing
		// has left the browser until the second click.
		if err := p.WaitFor(`!!document.getElementById("share-consent")`); err != nil {
			t.Fatalf("%s sent without asking: %v", button, err)
		}
		text, _ := p.Text("#share-consent")
		if sent := apiRequests(p.Requests())[sentBefore:]; len(sent) != 0 || !strings.Contains(text, "ciphertext") || !strings.Contains(text, "/api/shares") {
			t.Fatalf("before consent: requests %q, consent %q", sent, text)
		}
		if err := p.Click("#share-send"); err != nil {
			t.Fatal(err)
		}
	}
	cond := fmt.Sprintf(`(() => { const l = document.getElementById("share-link"); return !!l && l.value !== %q && l.value.includes(%q) })()`, before, marker)
	if err := p.WaitFor(cond); err != nil {
		problem, _ := p.Text("#share-problem")
		t.Fatalf("%s made no link: %v (problem shown: %q)", button, err, problem)
	}
	link, err := browsertest.Eval[string](p, `document.getElementById("share-link").value`)
	if err != nil {
		t.Fatal(err)
	}
	return link
}

func waitShared(t *testing.T, p *browsertest.Page) {
	t.Helper()
	if err := p.WaitFor(`document.body.dataset.state === "done" && !!document.getElementById("readonly")`); err != nil {
		problem, _ := p.Text("#share-problem")
		t.Fatalf("shared report not shown: %v (problem shown: %q)", err, problem)
	}
}

func apiRequests(reqs []string) []string {
	var api []string
	for _, r := range reqs {
		if strings.Contains(r, "/api/") {
			api = append(api, r)
		}
	}
	return api
}

func TestShareLinks(t *testing.T) {
	e := setup(t)
	file := fixture(t)

	orig := e.open(t, e.worker.URL+"/")
	if _, err := orig.DropAndWait(time.Minute, file); err != nil {
		t.Fatal(err)
	}
	want := readTables(t, orig)

	t.Run("fragment link", func(t *testing.T) { checkFragmentLink(t, e, orig, want) })
	var shortLink string
	t.Run("short link", func(t *testing.T) { checkShortLink(t, e, orig, want, &shortLink) })
	t.Run("stored value is ciphertext", func(t *testing.T) { checkStoredCiphertext(t, e, shortLink, want) })
	t.Run("wrong key", func(t *testing.T) { checkWrongKey(t, e, shortLink) })
	t.Run("damaged payload", func(t *testing.T) { checkDamagedPayload(t, e) })
	t.Run("expired or unknown short link", func(t *testing.T) { checkUnknownShortLink(t, e) })
	t.Run("redacted link", func(t *testing.T) { checkRedactedLink(t, e, orig, want) })
}

func checkFragmentLink(t *testing.T, e *env, orig *browsertest.Page, want tables) {
	link := makeLink(t, orig, "#copy-link", "#r=")
	if !strings.HasPrefix(link, e.worker.URL+"/#r=") {
		t.Fatalf("link %.80q does not carry the report in the fragment", link)
	}
	p := e.open(t, link)
	waitShared(t, p)
	sameTables(t, "the fragment link", readTables(t, p), want)
	if api := apiRequests(p.Requests()); len(api) != 0 {
		t.Errorf("opening a fragment link contacted the server: %q", api)
	}
	for _, r := range p.Requests() {
		if strings.Contains(r, "#") || strings.Contains(r, "r=") {
			t.Errorf("request %q carries the fragment", r)
		}
	}
}

// checkShortLink sets *shortLink as soon as the link is made, so the later
// subtests can use it even when opening it fails.
func checkShortLink(t *testing.T, e *env, orig *browsertest.Page, want tables, shortLink *string) {
	*shortLink = makeLink(t, orig, "#copy-short-link", "#s=")
	p := e.open(t, *shortLink)
	waitShared(t, p)
	sameTables(t, "the short link", readTables(t, p), want)
	opened, _ := p.Text("#share-opened")
	if !strings.Contains(opened, "short link") {
		t.Errorf("page says %q about where the report came from", opened)
	}
}

func checkStoredCiphertext(t *testing.T, e *env, shortLink string, want tables) {
	if shortLink == "" {
		t.Skip("no short link was made")
	}
	link, err := share.ParseFragment(shortLink[strings.Index(shortLink, "#"):])
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Get(e.worker.URL + "/api/shares/" + link.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET share: %d %s", res.StatusCode, stored)
	}
	for _, plain := range []string{"hdfs://", "nn:8020", "chk-17", "KeyedProcess", `"dependencies"`} {
		if bytes.Contains(stored, []byte(plain)) {
			t.Errorf("the Worker stores %q in the clear", plain)
		}
	}
	if _, err := share.Unpack(stored); err == nil {
		t.Error("the stored value is a readable payload, not ciphertext")
	}
	// With the link's key, it is the report: AES-256-GCM, nonce first.
	block, _ := aes.NewCipher(link.Key)
	gcm, _ := cipher.NewGCM(block)
	payload, err := gcm.Open(nil, stored[:12], stored[12:], nil)
	if err != nil {
		t.Fatalf("the link's key does not decrypt the stored value: %v", err)
	}
	js, err := share.Unpack(payload)
	if err != nil {
		t.Fatal(err)
	}
	var rep parse.Report
	if err := json.Unmarshal(js, &rep); err != nil || len(rep.Snapshots) != 1 || len(rep.Snapshots[0].Files) != len(want.Files) {
		t.Errorf("decrypted share is not the report (%v)", err)
	}
}

func checkWrongKey(t *testing.T, e *env, shortLink string) {
	if shortLink == "" {
		t.Skip("no short link was made")
	}
	i := strings.LastIndex(shortLink, ".")
	key, _ := base64.RawURLEncoding.DecodeString(shortLink[i+1:])
	key[0] ^= 0x01
	p := e.open(t, shortLink[:i+1]+base64.RawURLEncoding.EncodeToString(key))
	if err := p.WaitFor(`!!document.getElementById("share-problem")`); err != nil {
		t.Fatal(err)
	}
	msg, _ := p.Text("#share-problem")
	if !strings.Contains(msg, "key in this link does not open the shared report") {
		t.Errorf("wrong key shows %q", msg)
	}
	if state, _ := browsertest.Eval[string](p, `document.body.dataset.state`); state == "done" {
		t.Error("a report was shown despite the wrong key")
	}
}

func checkDamagedPayload(t *testing.T, e *env) {
	// The page inflates with the browser's DecompressionStream: damaged
	// DEFLATE data, cut short or garbage, is a problem shown, not a hang.
	full, err := share.Pack(map[string]string{"report": strings.Repeat("chk-17 ", 200)})
	if err != nil {
		t.Fatal(err)
	}
	for name, payload := range map[string][]byte{
		"cut short": full[:len(full)/2],
		"garbage":   append([]byte{full[0]}, bytes.Repeat([]byte{0xff}, 64)...),
	} {
		p := e.open(t, e.worker.URL+"/#r="+base64.RawURLEncoding.EncodeToString(payload))
		if err := p.WaitFor(`!!document.getElementById("share-problem")`); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if msg, _ := p.Text("#share-problem"); !strings.Contains(msg, "damaged payload") {
			t.Errorf("%s: shows %q", name, msg)
		}
	}
}

func checkUnknownShortLink(t *testing.T, e *env) {
	p := e.open(t, e.worker.URL+"/#"+share.ShortLink("AAAAAAAAAAAAAAAAAAAAAA", make([]byte, 32)))
	if err := p.WaitFor(`!!document.getElementById("share-problem")`); err != nil {
		t.Fatal(err)
	}
	if msg, _ := p.Text("#share-problem"); !strings.Contains(msg, "expired or never existed") {
		t.Errorf("unknown id shows %q", msg)
	}
}

func checkRedactedLink(t *testing.T, e *env, orig *browsertest.Page, want tables) {
	if err := orig.Click("#share-redact"); err != nil {
		t.Fatal(err)
	}
	link := makeLink(t, orig, "#copy-link", "#r=")
	p := e.open(t, link)
	waitShared(t, p)
	got := readTables(t, p)
	if len(got.Deps) != len(want.Deps) || len(got.Files) != len(want.Files) || len(got.Ops) != len(want.Ops) {
		t.Fatalf("redaction changed the structure: %d/%d/%d rows, want %d/%d/%d",
			len(got.Deps), len(got.Files), len(got.Ops), len(want.Deps), len(want.Files), len(want.Ops))
	}
	all, _ := json.Marshal(got)
	if bytes.Contains(all, []byte("nn:8020")) || bytes.Contains(all, []byte("//nn")) {
		t.Errorf("the host name survived redaction: %s", all)
	}
	if !bytes.Contains(all, []byte("hdfs://host-1:8020/")) {
		t.Errorf("redacted paths lost their shape: %s", all)
	}
	if err := orig.Click("#share-redact"); err != nil { // back to plain links
		t.Fatal(err)
	}
}

// TestLargeJobShortLink shares the report of a job with tens of thousands
// of files, whole more than the Worker stores: the link keeps the largest
// files and every total, and the opened report says what it left out.
func TestLargeJobShortLink(t *testing.T) {
	e := setup(t)
	var st encode.Stats
	file := fixtures.Write(t, filepath.Join(t.TempDir(), "chk-42", "_metadata"), func(w io.Writer) (err error) {
		st, err = encode.WriteDense(w, encode.DenseSpec{Operators: 2, Parallelism: 250, SharedPerSubtask: 60})
		return err
	})
	orig := e.open(t, e.worker.URL+"/")
	if _, err := orig.DropAndWait(time.Minute, file); err != nil {
		t.Fatal(err)
	}
	link := makeLink(t, orig, "#copy-link", "#s=") // too big for a plain link
	note, _ := orig.Text("#share-note")
	if !strings.Contains(note, "To fit, the link lists the 2,000 largest files") {
		t.Errorf("share bar says %q", note)
	}
	want, err := orig.Text("#summary")
	if err != nil {
		t.Fatal(err)
	}
	p := e.open(t, link)
	waitShared(t, p)
	notice, _ := p.Text("#left-out")
	count, _ := p.Text("#file-count")
	if !strings.Contains(notice, "left out") || !strings.Contains(count, "2,000 files, the largest: the shared report leaves out") {
		t.Errorf("opened link: notice %q, file count %q (the job has %d handles)", notice, count, st.Handles)
	}
	if got, _ := p.Text("#summary"); got != want {
		t.Errorf("the summary changed:\n got %q\nwant %q", got, want)
	}
}

// TestHostileFragmentLink opens a link whose report someone crafted: a link
// is untrusted input. Its strings must show as text, run nothing, and the
// page must stay usable.
func TestHostileFragmentLink(t *testing.T) {
	e := setup(t)
	const payload = `<img src=x onerror="alert('img')"><script>alert('script')</script>"'&amp;`
	rep := parse.Report{Snapshots: []*parse.SnapshotReport{{
		Snapshot: &model.Snapshot{Format: model.FormatFlink, Source: payload + "/_metadata", CheckpointID: 1,
			Operators: []model.Operator{{ID: "00000000000000000000000000000000", Name: payload, UID: payload, Parallelism: 1}}},
		Dependencies: []parse.Dependency{{Dir: "s3://" + payload + "/shared", Role: "shared", Files: 1, Bytes: 7}},
	}}}
	packed, err := share.Pack(rep)
	if err != nil {
		t.Fatal(err)
	}
	frag := share.FragmentLink(packed)
	p := e.open(t, e.worker.URL+"/#"+frag)
	waitShared(t, p)
	deps, err := p.Table("#dependency-table")
	if err != nil {
		t.Fatal(err)
	}
	if len(deps) != 1 || deps[0]["dir"] != "s3://"+payload+"/shared" {
		t.Errorf("dependency shown as %q, want the text as-is", deps)
	}
	ops, err := p.Table("#operator-table")
	if err != nil {
		t.Fatal(err)
	}
	if len(ops) != 1 || ops[0]["name"] != payload {
		t.Errorf("operator shown as %q, want the text as-is", ops)
	}
	injected, err := browsertest.Eval[int](p, `document.querySelectorAll("#app img, #app script").length`)
	if err != nil || injected != 0 {
		t.Errorf("%d elements injected from the link (%v)", injected, err)
	}
	if d := p.Dialogs(); len(d) != 0 {
		t.Errorf("the link ran script: dialogs %q", d)
	}
}
