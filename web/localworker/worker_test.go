package localworker_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/web/localworker"
	"github.com/ckptlens/ckptlens/web/server"
)

// start runs the real Worker on local workerd. Without web/node_modules the
// test skips, unless CKPTLENS_REQUIRE_WORKER is set (./build.sh test sets it
// after `npm ci`), so CI can never pass by skipping.
func start(t *testing.T, opt localworker.Options) *localworker.Worker {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	w, err := localworker.Start(ctx, opt)
	if errors.Is(err, localworker.ErrNotInstalled) && os.Getenv("CKPTLENS_REQUIRE_WORKER") == "" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("wrangler output:\n%s\nend of wrangler's debug log:\n%s", w.Log(), w.DebugLog(150))
		}
		w.Stop()
	})
	return w
}

const testPage = "<!doctype html><title>ckptlens test page</title><script>window.ok = 1</script>"

func assetsDir(t *testing.T) string {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte(testPage), 0o644)
	os.WriteFile(filepath.Join(dir, "app.wasm"), append([]byte("\x00asm\x01\x00\x00\x00"), make([]byte, 300_000)...), 0o644)
	return dir
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func request(t *testing.T, method, url, contentType string, body []byte) response {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{res.StatusCode, res.Header, b}
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func createShare(t *testing.T, w *localworker.Worker, body []byte) string {
	t.Helper()
	r := request(t, "POST", w.URL+"/api/shares", "application/octet-stream", body)
	if r.status != http.StatusCreated {
		t.Fatalf("POST /api/shares: %d %s", r.status, r.body)
	}
	var created struct{ ID, Expires string }
	if err := json.Unmarshal(r.body, &created); err != nil {
		t.Fatalf("POST answer %q: %v", r.body, err)
	}
	if !server.ValidID(created.ID) {
		t.Fatalf("id %q is not 128 bits of base64url", created.ID)
	}
	return created.ID
}

func checkHeaders(t *testing.T, what string, h http.Header, csp string) {
	t.Helper()
	for k, v := range map[string]string{
		"Content-Security-Policy":   csp,
		"Referrer-Policy":           "no-referrer",
		"X-Content-Type-Options":    "nosniff",
		"Strict-Transport-Security": "max-age=63072000; includeSubDomains",
		"Permissions-Policy":        server.PermissionsPolicy,
	} {
		if got := h.Values(k); len(got) != 1 || got[0] != v { // one policy, not two joined
			t.Errorf("%s: %s = %q, want %q", what, k, got, v)
		}
	}
}

func checkError(t *testing.T, r response, status int, code string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want JSON", ct)
	}
	var e server.APIError
	if err := json.Unmarshal(r.body, &e); err != nil || e.Code != code || e.Error == "" {
		t.Errorf("body %s: want code %q with a message (%v)", r.body, code, err)
	}
	checkHeaders(t, "API error", r.header, server.APICSP)
}

func TestWorkerOnLocalWorkerd(t *testing.T) {
	w := start(t, localworker.Options{Assets: assetsDir(t)})

	t.Run("create and fetch", func(t *testing.T) { checkCreateAndFetch(t, w) })
	t.Run("oversize", func(t *testing.T) {
		checkError(t, request(t, "POST", w.URL+"/api/shares", "application/octet-stream", randomBytes(server.MaxShareBytes+1)), 413, "too_large")
	})
	t.Run("wrong content type", func(t *testing.T) {
		checkError(t, request(t, "POST", w.URL+"/api/shares", "application/json", []byte(`{"plain":"report"}`)), 415, "bad_content_type")
		checkError(t, request(t, "POST", w.URL+"/api/shares", "text/plain", randomBytes(100)), 415, "bad_content_type")
	})
	t.Run("cross-origin create", func(t *testing.T) { checkCrossOriginCreate(t, w) })
	t.Run("bad id", func(t *testing.T) {
		for _, id := range []string{"abc", "AAAAAAAAAAAAAAAAAAAAA!", "AAAAAAAAAAAAAAAAAAAAAAAA", "..%2F..%2Fx", "AAAAAAAAAAAAAAAAAAAAAB"} {
			checkError(t, request(t, "GET", w.URL+"/api/shares/"+id, "", nil), 400, "bad_id")
		}
	})
	t.Run("unknown id", func(t *testing.T) {
		checkError(t, request(t, "GET", w.URL+"/api/shares/"+strings.Repeat("Q", 21)+"A", "", nil), 404, "not_found")
	})
	t.Run("wrong method", func(t *testing.T) { checkWrongMethod(t, w) })
	t.Run("static page with security headers", func(t *testing.T) { checkStaticPage(t, w) })
}

func checkCreateAndFetch(t *testing.T, w *localworker.Worker) {
	for _, n := range []int{server.MinShareBytes, 10_000, server.MaxShareBytes} {
		body := randomBytes(n)
		id := createShare(t, w, body)
		r := request(t, "GET", w.URL+"/api/shares/"+id, "", nil)
		if r.status != 200 || !bytes.Equal(r.body, body) {
			t.Fatalf("GET %d-byte share: status %d, %d bytes back, equal=%v", n, r.status, len(r.body), bytes.Equal(r.body, body))
		}
		if ct := r.header.Get("Content-Type"); ct != "application/octet-stream" {
			t.Errorf("Content-Type %q", ct)
		}
		checkHeaders(t, "GET share", r.header, server.APICSP)
	}
}

func checkCrossOriginCreate(t *testing.T, w *localworker.Worker) {
	req, _ := http.NewRequest("POST", w.URL+"/api/shares", bytes.NewReader(randomBytes(64)))
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("Origin", "https://elsewhere.example")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	checkError(t, response{res.StatusCode, res.Header, b}, 403, "cross_origin")
}

func checkWrongMethod(t *testing.T, w *localworker.Worker) {
	id := createShare(t, w, randomBytes(64))
	checkError(t, request(t, "GET", w.URL+"/api/shares", "", nil), 405, "method_not_allowed") // no listing
	checkError(t, request(t, "DELETE", w.URL+"/api/shares/"+id, "", nil), 405, "method_not_allowed")
	checkError(t, request(t, "PUT", w.URL+"/api/shares/"+id, "application/octet-stream", randomBytes(64)), 405, "method_not_allowed")
	checkError(t, request(t, "POST", w.URL+"/api/shares/"+id, "application/octet-stream", randomBytes(64)), 405, "method_not_allowed")
	if r := request(t, "GET", w.URL+"/api/shares/"+id, "", nil); r.status != 200 {
		t.Errorf("share gone after rejected writes: %d", r.status)
	}
}

func checkStaticPage(t *testing.T, w *localworker.Worker) {
	r := request(t, "GET", w.URL+"/", "", nil)
	if r.status != 200 || !strings.Contains(string(r.body), "ckptlens test page") {
		t.Fatalf("GET /: %d %q", r.status, r.body)
	}
	// Served by workerd from the assets with their _headers file, which
	// Start wrote as the build does; the policy allows the page's
	// inline script by its hash.
	pageCSP := server.PageCSPFor([]byte(testPage))
	checkHeaders(t, "page", r.header, pageCSP)
	wasm := request(t, "GET", w.URL+"/app.wasm", "", nil)
	if wasm.status != 200 || len(wasm.body) != 300_008 || wasm.header.Get("Content-Type") != "application/wasm" {
		t.Fatalf("GET /app.wasm: %d, %d bytes, %q", wasm.status, len(wasm.body), wasm.header.Get("Content-Type"))
	}
	checkHeaders(t, "wasm", wasm.header, pageCSP)
	for _, path := range []string{"/", "/app.wasm"} {
		if head := request(t, "HEAD", w.URL+path, "", nil); head.status != 200 || len(head.body) != 0 {
			t.Errorf("HEAD %s: %d, %d body bytes", path, head.status, len(head.body))
		}
	}
	// The rules themselves are not a file of the page; a path no file
	// answers reaches the Worker.
	for _, path := range []string{"/_headers", "/missing.js"} {
		if r := request(t, "GET", w.URL+path, "", nil); r.status != 404 || strings.Contains(string(r.body), "Content-Security") {
			t.Errorf("GET %s: %d %q", path, r.status, r.body)
		} else {
			checkHeaders(t, path, r.header, server.PageCSP)
		}
	}
	if r := request(t, "POST", w.URL+"/", "text/plain", []byte("x")); r.status != 405 {
		t.Errorf("POST /: %d", r.status)
	}
}

func TestWorkerExpiry(t *testing.T) {
	const ttl = 8 // long enough that a slow first read still finds it fresh
	w := start(t, localworker.Options{Assets: assetsDir(t), TTLSeconds: ttl})
	body := randomBytes(500)
	id := createShare(t, w, body)
	created := time.Now()
	if r := request(t, "GET", w.URL+"/api/shares/"+id, "", nil); r.status != 200 || !bytes.Equal(r.body, body) {
		t.Fatalf("fresh share: %d", r.status)
	}
	// Expiry is stored with the record in whole seconds; wait past it.
	time.Sleep(time.Until(created.Add((ttl + 1) * time.Second)))
	checkError(t, request(t, "GET", w.URL+"/api/shares/"+id, "", nil), 404, "not_found")
}

// A port taken between being picked and wrangler binding it (another
// wrangler starting beside this one) makes Start try other ports.
func TestStartTriesAgainOnATakenPort(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	go func() { // it answers nothing
		for {
			c, err := taken.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	picks := 0
	var real func() (int, error)
	real = localworker.SetFreePort(func() (int, error) {
		picks++
		if picks == 1 {
			return taken.Addr().(*net.TCPAddr).Port, nil
		}
		return real()
	})
	defer localworker.SetFreePort(real)
	w := start(t, localworker.Options{Assets: assetsDir(t)})
	if r := request(t, "GET", w.URL+"/", "", nil); r.status != 200 || picks < 4 {
		t.Errorf("GET /: %d after %d ports picked", r.status, picks)
	}
}

// post creates a share and returns the answer, for tests that expect
// refusals.
func post(client *http.Client, url string, body []byte) (response, error) {
	req, _ := http.NewRequest("POST", url+"/api/shares", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/octet-stream")
	res, err := client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, b}, err
}

// TestWorkerLimitsUnderLoad bursts POSTs at the real Worker on 127.0.0.1
// (bounded: 60 requests, 12 at a time) with wrangler.toml's own rate limit
// of 10 a minute: only the limit's worth is stored (twice that if the burst
// straddles a minute), every other answer is a JSON 429 with Retry-After,
// nothing fails, and every stored share reads back.
func TestWorkerLimitsUnderLoad(t *testing.T) {
	w := start(t, localworker.Options{Assets: assetsDir(t)})
	const requests, parallel, limit = 60, 12, 10
	client := &http.Client{Timeout: 30 * time.Second}
	type result struct {
		r    response
		body []byte
		err  error
	}
	results := make(chan result, requests)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range parallel {
		wg.Go(func() {
			for range jobs {
				body := randomBytes(2000)
				r, err := post(client, w.URL, body)
				results <- result{r, body, err}
			}
		})
	}
	for i := range requests {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	close(results)
	created := 0
	for res := range results {
		switch {
		case res.err != nil:
			t.Errorf("POST failed: %v", res.err)
		case res.r.status == http.StatusCreated:
			created++
			var c struct{ ID string }
			json.Unmarshal(res.r.body, &c)
			if g := request(t, "GET", w.URL+"/api/shares/"+c.ID, "", nil); g.status != 200 || !bytes.Equal(g.body, res.body) {
				t.Errorf("share %s does not read back: %d", c.ID, g.status)
			}
		default:
			checkError(t, res.r, http.StatusTooManyRequests, "rate_limited")
			if res.r.header.Get("Retry-After") == "" {
				t.Error("a 429 without Retry-After")
			}
		}
	}
	if created < limit || created > 2*limit {
		t.Errorf("%d of %d shares stored under a limit of %d a minute", created, requests, limit)
	}
	t.Logf("%d of %d POSTs stored, the rest refused with 429", created, requests)
}

// TestWorkerCaps runs the Worker with small caps: the shares of a day and
// the bytes still stored are refused past them with clear JSON errors.
func TestWorkerCaps(t *testing.T) {
	w := start(t, localworker.Options{Assets: assetsDir(t), SharesPerMinute: 1000,
		Vars: map[string]string{"MAX_SHARES_PER_DAY": "4", "MAX_STORED_BYTES": "5000"}})
	client := &http.Client{Timeout: 30 * time.Second}
	for i, c := range []struct {
		size   int
		status int
		code   string
	}{{2000, 201, ""}, {2000, 201, ""}, {1500, 507, "storage_full"}, {900, 201, ""}, {64, 201, ""}, {64, 429, "daily_cap"}} {
		r, err := post(client, w.URL, randomBytes(c.size))
		if err != nil {
			t.Fatal(err)
		}
		if c.code == "" {
			if r.status != c.status {
				t.Fatalf("share %d (%d bytes): %d %s", i, c.size, r.status, r.body)
			}
			continue
		}
		checkError(t, r, c.status, c.code)
	}
}
