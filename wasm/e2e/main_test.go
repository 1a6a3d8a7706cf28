//go:build !js

// Package e2e drives the built page in Debian's Chromium: real drops of real
// files, tables compared with the CLI on the same files, hostile input,
// network silence and screenshots. Without Chromium the tests skip; under
// ./build.sh test (CKPTLENS_E2E=1) they fail instead.
package e2e

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/wasm/browsertest"
)

var (
	repoRoot string // the module root
	work     string // temporary: the built page and CLI

	setupOnce sync.Once
	setupErr  error
	srv       *browsertest.Server
	browser   *browsertest.Browser
	cliPath   string
)

func TestMain(m *testing.M) {
	flag.Parse()
	_, file, _, _ := runtime.Caller(0)
	repoRoot = filepath.Join(filepath.Dir(file), "..", "..")
	var err error
	work, err = os.MkdirTemp("", "ckptlens-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	if browser != nil {
		browser.Close()
	}
	if srv != nil {
		srv.Close()
	}
	os.RemoveAll(work)
	os.Exit(code)
}

// page returns a fresh tab on the freshly built page, building the page, the
// CLI and starting Chromium on first use.
func page(t *testing.T) *browsertest.Page {
	t.Helper()
	chromium := browsertest.Require(t)
	setupOnce.Do(func() { setupErr = setup(chromium) })
	if setupErr != nil {
		t.Fatal(setupErr)
	}
	p, err := browser.NewPage()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	if err := p.Open(srv.URL + "/"); err != nil {
		t.Fatal(err)
	}
	// The service worker caches the app shell (icons included) after the
	// first visit; those requests are not the analysis's, so a test's
	// drop waits until they are done.
	if _, err := browsertest.Eval[bool](p, `"serviceWorker" in navigator ? Promise.race([navigator.serviceWorker.ready.then(() => true), new Promise(done => setTimeout(() => done(false), 10000))]) : true`); err != nil {
		t.Fatalf("service worker: %v", err)
	}
	return p
}

// setup builds the page from the current source the way ./build.sh does
// (the generated components are committed), and the CLI.
func setup(chromium string) error {
	dist := filepath.Join(work, "dist")
	if err := os.MkdirAll(dist, 0o755); err != nil {
		return err
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return err
	}
	steps := [][]string{
		{"go", "build", "-trimpath", "-o", filepath.Join(dist, "app.wasm"), "./wasm"},
		{"cp", "index.html", filepath.Join(dist, "index.html")},
		{"cp", filepath.Join(string(trimNL(goroot)), "lib", "wasm", "wasm_exec.js"), filepath.Join(dist, "wasm_exec.js")},
		{"go", "run", "./web/cmd/offline", dist},
		{"go", "build", "-o", filepath.Join(work, "ckptlens"), "./cmd/ckptlens"},
	}
	for i, s := range steps {
		cmd := exec.Command(s[0], s[1:]...)
		cmd.Dir = repoRoot
		if i == 0 {
			cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%v: %v\n%s", s, err, out)
		}
	}
	cliPath = filepath.Join(work, "ckptlens")
	if srv, err = browsertest.Serve(dist); err != nil {
		return err
	}
	browser, err = browsertest.Start(context.Background(), chromium)
	return err
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// drop drops files on p and waits for the result; it returns the requests
// the page made from the drop to the rendered result.
// setBase types a base location, as a user does, and waits for the page to
// analyse the files again with it.
func setBase(t *testing.T, p *browsertest.Page, base string) {
	t.Helper()
	before, _ := p.Loads()
	if err := p.Focus("#base"); err != nil {
		t.Fatal(err)
	}
	if err := p.Type(base + "\r"); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitFor(`Number(document.body.dataset.loads) > ` + itoa(before) + ` && document.body.dataset.state === "done"`); err != nil {
		t.Fatal("changing the base location does not analyse the files again:", err)
	}
}

func drop(t *testing.T, p *browsertest.Page, files ...string) []string {
	t.Helper()
	reqs, err := p.DropAndWait(time.Minute, files...)
	if err != nil {
		t.Fatal(err)
	}
	return reqs
}
