// Package localworker builds the ckptlens Worker and runs it on the real
// local workerd through `wrangler dev --local`, for the integration tests,
// the browser tests and the load script. Everything listens on 127.0.0.1.
package localworker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ckptlens/ckptlens/web/server"
)

// Options say how to run the Worker.
type Options struct {
	// Assets is the directory served as the page; empty means dist/ as
	// wrangler.toml says. Start writes its _headers (server.HeadersFile),
	// as the build does.
	Assets string
	// TTLSeconds overrides SHARE_TTL_SECONDS; zero keeps wrangler.toml's.
	TTLSeconds int
	// SharesPerMinute overrides the rate limit per client (the
	// SHARE_RATE_LIMIT binding); zero keeps wrangler.toml's.
	SharesPerMinute int
	// Vars override wrangler.toml's vars (MAX_SHARES_PER_DAY, …).
	Vars map[string]string
	// PersistDir holds KV; empty means a fresh temporary directory.
	PersistDir string
	// Log receives wrangler's output; nil keeps it for Worker.Log.
	Log io.Writer
}

// Worker is a running `wrangler dev`.
type Worker struct {
	URL string // http://127.0.0.1:<port>

	cmd     *exec.Cmd
	tmp     string
	logBuf  *lockedBuffer
	exited  chan struct{}
	waitErr error
}

// ErrNotInstalled means web/node_modules is missing: `npm ci` in web/ (which
// ./build.sh test runs) installs wrangler and workerd.
var ErrNotInstalled = errors.New("wrangler is not installed: run `npm ci` in web/ (./build.sh test does)")

// WebDir finds the repository's web/ directory from the working directory.
func WebDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "web", "wrangler.toml")); err == nil {
			return filepath.Join(dir, "web"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no web/wrangler.toml above the working directory")
		}
		dir = parent
	}
}

// Build compiles the Worker (Go → js/wasm) with syumai/workers' JS shim into
// dir, the way build.sh does, so a test always runs the current code.
func Build(ctx context.Context, dir string) error {
	web, err := WebDir()
	if err != nil {
		return err
	}
	root := filepath.Dir(web)
	gen := exec.CommandContext(ctx, "go", "run", "github.com/syumai/workers/cmd/workers-assets-gen", "-mode", "go", "-o", dir)
	gen.Dir = root
	if out, err := gen.CombinedOutput(); err != nil {
		return fmt.Errorf("workers-assets-gen: %v\n%s", err, out)
	}
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(dir, "app.wasm"), "./web/cmd/worker")
	build.Dir = root
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building the worker: %v\n%s", err, out)
	}
	return nil
}

// Start builds the Worker and runs it, returning once it answers requests.
func Start(ctx context.Context, opt Options) (*Worker, error) {
	web, err := WebDir()
	if err != nil {
		return nil, err
	}
	wrangler := filepath.Join(web, "node_modules", ".bin", "wrangler")
	if _, err := os.Stat(wrangler); err != nil {
		return nil, ErrNotInstalled
	}
	tmp, err := os.MkdirTemp("", "ckptlens-worker-")
	if err != nil {
		return nil, err
	}
	w := &Worker{tmp: tmp, logBuf: &lockedBuffer{}}
	ok := false
	defer func() {
		if !ok {
			w.Stop()
		}
	}()
	assets := opt.Assets
	if assets == "" {
		assets = filepath.Join(filepath.Dir(web), "dist")
	}
	if err := server.WriteHeadersFile(assets); err != nil {
		return nil, err
	}
	buildDir := filepath.Join(tmp, "build")
	if err := Build(ctx, buildDir); err != nil {
		return nil, err
	}
	persist := opt.PersistDir
	if persist == "" {
		persist = filepath.Join(tmp, "state")
	}
	for attempt := 1; ; attempt++ {
		err := w.launch(ctx, wrangler, web, buildDir, persist, opt)
		if err == nil {
			ok = true
			return w, nil
		}
		// Another wrangler (a test package running beside this one) can
		// take a port between freePort letting it go and wrangler binding
		// it: start again on other ports.
		if attempt < maxLaunches && strings.Contains(w.Log(), "Address already in use") {
			w.stopProcess()
			continue
		}
		return nil, err
	}
}

// maxLaunches is how often Start tries ports before it gives up.
const maxLaunches = 3

// launch starts wrangler on free ports and waits until the Worker answers.
func (w *Worker) launch(ctx context.Context, wrangler, web, buildDir, persist string, opt Options) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	inspector, err := freePort()
	if err != nil {
		return err
	}
	config, err := w.config(web, opt)
	if err != nil {
		return err
	}
	args := []string{"dev", filepath.Join(buildDir, "worker.mjs"),
		"--config", config,
		"--local", "--ip", "127.0.0.1", "--port", strconv.Itoa(port),
		"--inspector-port", strconv.Itoa(inspector),
		"--persist-to", persist,
		"--show-interactive-dev-session=false",
		"--log-level", "warn",
	}
	// Always named: a config copied elsewhere would look for ../dist
	// beside the copy.
	assets := opt.Assets
	if assets == "" {
		assets = filepath.Join(filepath.Dir(web), "dist")
	}
	args = append(args, "--assets", assets)
	if opt.TTLSeconds > 0 {
		args = append(args, "--var", "SHARE_TTL_SECONDS:"+strconv.Itoa(opt.TTLSeconds))
	}
	for _, k := range slices.Sorted(maps.Keys(opt.Vars)) {
		args = append(args, "--var", k+":"+opt.Vars[k])
	}
	w.logBuf, w.exited, w.waitErr = &lockedBuffer{}, make(chan struct{}), nil
	w.cmd = exec.Command(wrangler, args...)
	w.cmd.Dir = web
	w.cmd.Env = append(os.Environ(),
		"WRANGLER_SEND_METRICS=false",
		"WRANGLER_LOG_PATH="+filepath.Join(w.tmp, "logs"),
		"NO_COLOR=1",
	)
	var out io.Writer = w.logBuf
	if opt.Log != nil {
		out = io.MultiWriter(w.logBuf, opt.Log)
	}
	w.cmd.Stdout, w.cmd.Stderr = out, out
	w.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // so Stop ends workerd too
	if err := w.cmd.Start(); err != nil {
		return err
	}
	cmd, exited := w.cmd, w.exited
	go func() {
		w.waitErr = cmd.Wait()
		close(exited)
	}()
	w.URL = "http://127.0.0.1:" + strconv.Itoa(port)
	if err := w.waitReady(ctx, 120*time.Second); err != nil {
		return fmt.Errorf("%v\nwrangler output:\n%s", err, w.Log())
	}
	return nil
}

// rateLimitLine is the rate limit in wrangler.toml that SharesPerMinute
// replaces.
var rateLimitLine = regexp.MustCompile(`(?m)^simple = \{ limit = \d+, period = 60 \}$`)

// config is wrangler.toml, or a copy with opt's rate limit.
func (w *Worker) config(web string, opt Options) (string, error) {
	path := filepath.Join(web, "wrangler.toml")
	if opt.SharesPerMinute <= 0 {
		return path, nil
	}
	toml, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	if !rateLimitLine.Match(toml) {
		return "", errors.New("wrangler.toml has no `simple = { limit = N, period = 60 }` rate limit to override")
	}
	toml = rateLimitLine.ReplaceAll(toml, []byte(fmt.Sprintf("simple = { limit = %d, period = 60 }", opt.SharesPerMinute)))
	copyPath := filepath.Join(w.tmp, "wrangler.toml")
	return copyPath, os.WriteFile(copyPath, toml, 0o644)
}

// waitReady polls until the Worker itself answers (a JSON 404 for an id
// that cannot exist), not merely wrangler's proxy.
func (w *Worker) waitReady(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	probe := w.URL + "/api/shares/AAAAAAAAAAAAAAAAAAAAAA"
	// A probe answered by nobody (a port some other program holds) must
	// not outlast wrangler's exit.
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, "GET", probe, nil)
		res, err := client.Do(req)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusNotFound && res.Header.Get("Content-Type") == "application/json; charset=utf-8" {
				return nil
			}
		}
		select {
		case <-w.exited:
			return fmt.Errorf("wrangler exited before it was ready: %v", w.waitErr)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("the Worker did not answer on %s within %v", w.URL, limit)
		}
	}
}

// Log is what wrangler printed so far.
func (w *Worker) Log() string { return w.logBuf.String() }

// DebugLog is the end of wrangler's own debug log (WRANGLER_LOG_PATH),
// without the DevTools traffic it records for every 4 KiB of a response:
// the reason wrangler gives for exiting is there, not on its stdout, and
// the file goes when Stop removes the temporary directory.
func (w *Worker) DebugLog(maxLines int) string {
	files, _ := filepath.Glob(filepath.Join(w.tmp, "logs", "*.log"))
	var lines []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// Entries are separated by "---" lines; keep the whole entry or none.
		for _, entry := range strings.Split(string(b), "\n---\n") {
			if strings.Contains(entry, "[InspectorProxyWorker] RUNTIME INCOMING MESSAGE") ||
				strings.Contains(entry, "FAILED TO SEND PROXY CONTROLLER REQUEST") {
				continue
			}
			lines = append(lines, strings.Split(strings.TrimSpace(entry), "\n")...)
		}
	}
	if len(lines) > maxLines {
		lines = lines[len(lines)-maxLines:]
	}
	return strings.Join(lines, "\n")
}

// Stop ends wrangler and workerd and removes the temporary files.
func (w *Worker) Stop() {
	w.stopProcess()
	os.RemoveAll(w.tmp)
}

// stopProcess ends wrangler and workerd.
func (w *Worker) stopProcess() {
	if w.cmd != nil && w.cmd.Process != nil {
		// Ctrl-C to wrangler alone lets it shut workerd down and reap it;
		// the process group is the fallback.
		w.cmd.Process.Signal(os.Interrupt)
		select {
		case <-w.exited:
		case <-time.After(10 * time.Second):
			syscall.Kill(-w.cmd.Process.Pid, syscall.SIGKILL)
			<-w.exited
		}
		syscall.Kill(-w.cmd.Process.Pid, syscall.SIGKILL) // stragglers, if any
	}
}

// freePort is a port nothing listens on now; a test makes it a taken one.
var freePort = func() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
