package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const testPage = "<!doctype html><title>ckptlens</title><style>p{}</style><script src=\"wasm_exec.js\"></script><script>go()</script>"

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestHandler() (*Handler, *MemoryStore, *clock) {
	st := &MemoryStore{}
	c := &clock{t: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)}
	return &Handler{Store: st, TTL: time.Hour, Now: c.now, Limiter: &fakeLimiter{limit: 1 << 30}}, st, c
}

func do(h http.Handler, method, path, contentType string, body []byte) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, bytes.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func ciphertext(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func decodeError(t *testing.T, w *httptest.ResponseRecorder) APIError {
	t.Helper()
	if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error Content-Type %q, want JSON", ct)
	}
	var e APIError
	if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil {
		t.Fatalf("error body %q is not JSON: %v", w.Body, err)
	}
	if e.Error == "" || e.Code == "" {
		t.Fatalf("error body %q lacks error or code", w.Body)
	}
	return e
}

func create(t *testing.T, h http.Handler, body []byte) string {
	t.Helper()
	w := do(h, "POST", "/api/shares", "application/octet-stream", body)
	if w.Code != http.StatusCreated {
		t.Fatalf("POST: status %d, body %s", w.Code, w.Body)
	}
	var got createdResponse
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if !ValidID(got.ID) {
		t.Fatalf("issued id %q is not valid", got.ID)
	}
	if loc := w.Header().Get("Location"); loc != "/api/shares/"+got.ID {
		t.Errorf("Location %q", loc)
	}
	return got.ID
}

func TestCreateThenGetReturnsTheSameBytes(t *testing.T) {
	h, st, _ := newTestHandler()
	body := ciphertext(5000)
	id := create(t, h, body)
	if st.Len() != 1 {
		t.Fatalf("store holds %d records", st.Len())
	}
	w := do(h, "GET", "/api/shares/"+id, "", nil)
	if w.Code != http.StatusOK {
		t.Fatalf("GET: status %d, body %s", w.Code, w.Body)
	}
	if !bytes.Equal(w.Body.Bytes(), body) {
		t.Fatal("GET returned different bytes than were posted")
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/octet-stream" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	head := do(h, "HEAD", "/api/shares/"+id, "", nil)
	if head.Code != http.StatusOK || head.Body.Len() != 0 {
		t.Errorf("HEAD: status %d, %d body bytes", head.Code, head.Body.Len())
	}
}

func TestIDsAreDistinctAnd128Bits(t *testing.T) {
	h, _, _ := newTestHandler()
	seen := map[string]bool{}
	for range 200 {
		id := create(t, h, ciphertext(MinShareBytes))
		if seen[id] {
			t.Fatalf("id %s issued twice", id)
		}
		seen[id] = true
		if len(id) != 22 {
			t.Fatalf("id %q: want 22 characters", id)
		}
	}
}

func TestExpiry(t *testing.T) {
	h, st, c := newTestHandler()
	id := create(t, h, ciphertext(100))
	c.t = c.t.Add(time.Hour - time.Second)
	if w := do(h, "GET", "/api/shares/"+id, "", nil); w.Code != http.StatusOK {
		t.Fatalf("a second before expiry: status %d", w.Code)
	}
	c.t = c.t.Add(time.Second)
	w := do(h, "GET", "/api/shares/"+id, "", nil)
	if w.Code != http.StatusNotFound {
		t.Fatalf("at expiry: status %d, body %s", w.Code, w.Body)
	}
	if e := decodeError(t, w); e.Code != "not_found" {
		t.Errorf("code %q", e.Code)
	}
	if st.Len() != 0 {
		t.Error("expired record was not deleted")
	}
}

func TestDefaultTTLIs30Days(t *testing.T) {
	h, _, c := newTestHandler()
	h.TTL = 0
	id := create(t, h, ciphertext(100))
	c.t = c.t.Add(30*24*time.Hour - time.Second)
	if w := do(h, "GET", "/api/shares/"+id, "", nil); w.Code != http.StatusOK {
		t.Fatalf("day 30 minus a second: status %d", w.Code)
	}
	c.t = c.t.Add(time.Second)
	if w := do(h, "GET", "/api/shares/"+id, "", nil); w.Code != http.StatusNotFound {
		t.Fatalf("day 30: status %d", w.Code)
	}
}

func TestRejections(t *testing.T) {
	h, st, _ := newTestHandler()
	id := create(t, h, ciphertext(100))
	cases := []struct {
		name, method, path, ct string
		body                   []byte
		status                 int
		code                   string
	}{
		{"oversize", "POST", "/api/shares", "application/octet-stream", ciphertext(MaxShareBytes + 1), 413, "too_large"},
		{"too small", "POST", "/api/shares", "application/octet-stream", ciphertext(MinShareBytes - 1), 400, "too_small"},
		{"empty", "POST", "/api/shares", "application/octet-stream", nil, 400, "too_small"},
		{"json content type", "POST", "/api/shares", "application/json", []byte(`{"report":1}`), 415, "bad_content_type"},
		{"no content type", "POST", "/api/shares", "", ciphertext(100), 415, "bad_content_type"},
		{"form content type", "POST", "/api/shares", "application/x-www-form-urlencoded", ciphertext(100), 415, "bad_content_type"},
		{"listing", "GET", "/api/shares", "", nil, 405, "method_not_allowed"},
		{"put at collection", "PUT", "/api/shares", "application/octet-stream", ciphertext(100), 405, "method_not_allowed"},
		{"delete share", "DELETE", "/api/shares/" + id, "", nil, 405, "method_not_allowed"},
		{"overwrite share", "PUT", "/api/shares/" + id, "application/octet-stream", ciphertext(100), 405, "method_not_allowed"},
		{"post to share", "POST", "/api/shares/" + id, "application/octet-stream", ciphertext(100), 405, "method_not_allowed"},
		{"short id", "GET", "/api/shares/abc", "", nil, 400, "bad_id"},
		{"long id", "GET", "/api/shares/" + id + "A", "", nil, 400, "bad_id"},
		{"non-base64 id", "GET", "/api/shares/" + strings.Repeat("!", 22), "", nil, 400, "bad_id"},
		{"padded id", "GET", "/api/shares/" + id[:20] + "==", "", nil, 400, "bad_id"},
		{"non-canonical id", "GET", "/api/shares/" + id[:21] + "B", "", nil, 400, "bad_id"},
		{"nested path", "GET", "/api/shares/" + id + "/x", "", nil, 400, "bad_id"},
		{"unknown id", "GET", "/api/shares/AAAAAAAAAAAAAAAAAAAAAA", "", nil, 404, "not_found"},
		{"unknown endpoint", "GET", "/api/other", "", nil, 404, "not_found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := do(h, tc.method, tc.path, tc.ct, tc.body)
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d; body %s", w.Code, tc.status, w.Body)
			}
			if e := decodeError(t, w); e.Code != tc.code {
				t.Errorf("code %q, want %q (%s)", e.Code, tc.code, e.Error)
			}
			if tc.status == 405 && w.Header().Get("Allow") == "" {
				t.Error("405 without Allow header")
			}
			checkSecurityHeaders(t, w.Header(), APICSP)
		})
	}
	if st.Len() != 1 {
		t.Errorf("rejected requests changed the store: %d records", st.Len())
	}
}

func TestOversizeByContentLengthIsRejectedUnread(t *testing.T) {
	h, _, _ := newTestHandler()
	r := httptest.NewRequest("POST", "/api/shares", errReader{})
	r.Header.Set("Content-Type", "application/octet-stream")
	r.ContentLength = MaxShareBytes + 1
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 413 {
		t.Fatalf("status %d, body %s", w.Code, w.Body)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("body must not be read") }

func TestExactlyMaxSizeIsAccepted(t *testing.T) {
	h, _, _ := newTestHandler()
	body := ciphertext(MaxShareBytes)
	id := create(t, h, body)
	if w := do(h, "GET", "/api/shares/"+id, "", nil); !bytes.Equal(w.Body.Bytes(), body) {
		t.Fatal("1 MiB share did not round-trip")
	}
}

func TestContentTypeParametersAllowed(t *testing.T) {
	h, _, _ := newTestHandler()
	if w := do(h, "POST", "/api/shares", "Application/Octet-Stream; x=1", ciphertext(64)); w.Code != http.StatusCreated {
		t.Fatalf("status %d, body %s", w.Code, w.Body)
	}
}

// The page's files are served by Cloudflare with the headers of _headers:
// every file gets the security headers, and the page's policy allows its
// own inline elements by hash and nothing looser.
func TestHeadersFileSecuresThePage(t *testing.T) {
	file, err := HeadersFile([]byte(testPage))
	if err != nil {
		t.Fatal(err)
	}
	h := parseHeadersFile(t, string(file))
	checkSecurityHeaders(t, h, PageCSPFor([]byte(testPage)))
	if h.Get("X-Frame-Options") != "DENY" || h.Get("Cross-Origin-Opener-Policy") != "same-origin" {
		t.Errorf("frame and opener headers: %q", h)
	}
	scriptSrc := directive(PageCSP, "script-src")
	if !strings.Contains(scriptSrc, "'wasm-unsafe-eval'") || strings.Contains(scriptSrc, "'unsafe-eval'") || strings.Contains(scriptSrc, "'unsafe-inline'") {
		t.Errorf("script-src %q must allow wasm and nothing looser", scriptSrc)
	}
	if d := directive(PageCSP, "style-src"); strings.Contains(d, "unsafe") {
		t.Errorf("style-src %q allows inline style elements", d)
	}
	// Cloudflare ignores a line over 2,000 characters: a page with that
	// many inline elements is refused at build time instead.
	huge := strings.Repeat("<script>x()</script><script>y()</script>", 20)
	for i := range 40 {
		huge += fmt.Sprintf("<script>%d</script>", i)
	}
	if _, err := HeadersFile([]byte(huge)); err == nil || !strings.Contains(err.Error(), "2000") {
		t.Errorf("a policy over Cloudflare's line limit: %v", err)
	}
	dir := t.TempDir()
	if err := WriteHeadersFile(dir); err == nil {
		t.Error("a _headers file written without index.html")
	}
	os.WriteFile(filepath.Join(dir, "index.html"), []byte(testPage), 0o644)
	if err := WriteHeadersFile(dir); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, HeadersFileName)); !bytes.Equal(got, file) {
		t.Errorf("written:\n%s\nwant:\n%s", got, file)
	}
}

// parseHeadersFile reads the one rule, for every path, that HeadersFile
// writes, in Cloudflare's syntax.
func parseHeadersFile(t *testing.T, file string) http.Header {
	t.Helper()
	h := http.Header{}
	rules := 0
	for _, line := range strings.Split(strings.TrimSuffix(file, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "#"):
		case line == "/*":
			rules++
		case strings.HasPrefix(line, "  ") && rules == 1:
			k, v, ok := strings.Cut(strings.TrimSpace(line), ": ")
			if !ok {
				t.Fatalf("header line %q", line)
			}
			h.Add(k, v)
		default:
			t.Fatalf("unexpected line %q in\n%s", line, file)
		}
	}
	return h
}

// Paths no static file answers reach the Worker, which answers 404 with the
// page's headers.
func TestUnknownPageIsNotFound(t *testing.T) {
	h, _, _ := newTestHandler()
	w := do(h, "GET", "/missing.js", "", nil)
	if w.Code != 404 {
		t.Errorf("missing file: status %d", w.Code)
	}
	checkSecurityHeaders(t, w.Header(), PageCSP)
}

func checkSecurityHeaders(t *testing.T, h http.Header, csp string) {
	t.Helper()
	want := map[string]string{
		"Content-Security-Policy":   csp,
		"Referrer-Policy":           "no-referrer",
		"X-Content-Type-Options":    "nosniff",
		"Strict-Transport-Security": "max-age=63072000; includeSubDomains",
		"Permissions-Policy":        PermissionsPolicy,
	}
	for k, v := range want {
		if got := h.Values(k); len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
}

func TestParseTTL(t *testing.T) {
	for in, want := range map[string]time.Duration{"": DefaultTTL, " 2 ": 2 * time.Second, "86400": 24 * time.Hour} {
		got, err := ParseTTL(in)
		if err != nil || got != want {
			t.Errorf("ParseTTL(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"0", "-5", "1h", "abc", "99999999999"} {
		if _, err := ParseTTL(in); err == nil {
			t.Errorf("ParseTTL(%q) accepted", in)
		}
	}
}

func TestKVTTLRespectsKVMinimum(t *testing.T) {
	for _, ttl := range []time.Duration{time.Second, time.Minute, DefaultTTL} {
		got := kvTTL(ttl)
		if got < 60*time.Second || got <= ttl {
			t.Errorf("kvTTL(%v) = %v: KV needs ≥ 60 s and must outlive the exact expiry", ttl, got)
		}
	}
}

type failingStore struct{ MemoryStore }

func (*failingStore) Put(context.Context, string, []byte, time.Duration) error {
	return errors.New("kv unavailable")
}

func TestStoreFailureIsAClearError(t *testing.T) {
	h, _, _ := newTestHandler()
	h.Store = &failingStore{}
	w := do(h, "POST", "/api/shares", "application/octet-stream", ciphertext(64))
	if w.Code != 503 {
		t.Fatalf("status %d", w.Code)
	}
	if e := decodeError(t, w); !strings.Contains(e.Error, "kv unavailable") {
		t.Errorf("error %q hides the cause", e.Error)
	}
}

func TestCorruptRecordIsAClearError(t *testing.T) {
	h, st, _ := newTestHandler()
	id := "AAAAAAAAAAAAAAAAAAAAAA"
	st.Put(context.Background(), id, []byte("short"), 0)
	w := do(h, "GET", "/api/shares/"+id, "", nil)
	if w.Code != 500 || decodeError(t, w).Code != "corrupt_record" {
		t.Fatalf("status %d body %s", w.Code, w.Body)
	}
}

func FuzzRecordRoundTrip(f *testing.F) {
	f.Add(int64(1790000000), []byte("0123456789abcdef0123456789abcdef"))
	f.Fuzz(func(t *testing.T, unix int64, body []byte) {
		if unix < 0 || len(body) < MinShareBytes {
			t.Skip()
		}
		exp, got, err := decodeRecord(encodeRecord(time.Unix(unix, 0), body))
		if err != nil || exp.Unix() != unix || !bytes.Equal(got, body) {
			t.Fatalf("round trip: %v %v", exp, err)
		}
	})
}

func directive(csp, name string) string {
	for _, d := range strings.Split(csp, ";") {
		if f := strings.Fields(d); len(f) > 0 && f[0] == name {
			return strings.TrimSpace(d)
		}
	}
	return ""
}

func TestPageCSPHashesInlineElements(t *testing.T) {
	sum := func(s string) string {
		h := sha256.Sum256([]byte(s))
		return "'sha256-" + base64.StdEncoding.EncodeToString(h[:]) + "'"
	}
	html := "<html><head><style>\n:root { color: red }\n</style><SCRIPT src='a.js'></SCRIPT>" +
		"<script>\nconst go = new Go();\n</script><script type=\"module\">x()</script></head></html>"
	csp := PageCSPFor([]byte(html))
	script, style := directive(csp, "script-src"), directive(csp, "style-src")
	for _, want := range []string{sum("\nconst go = new Go();\n"), sum("x()")} {
		if !strings.Contains(script, want) {
			t.Errorf("script-src %q lacks %s", script, want)
		}
	}
	if strings.Count(script, "sha256-") != 3 { // and vugu's helper
		t.Errorf("script-src %q: want exactly vugu's helper and the two inline scripts", script)
	}
	if !strings.Contains(style, sum("\n:root { color: red }\n")) || strings.Count(style, "sha256-") != 1 {
		t.Errorf("style-src %q", style)
	}
	if got := PageCSPFor([]byte("<p>no inline code</p>")); got != PageCSP {
		t.Errorf("page without inline code: %q", got)
	}
}

func TestCrossOriginCreateIsRefused(t *testing.T) {
	h, st, _ := newTestHandler()
	for origin, want := range map[string]int{"https://evil.example": 403, "null": 403, "http://example.com": 201} {
		r := httptest.NewRequest("POST", "http://example.com/api/shares", bytes.NewReader(ciphertext(64)))
		r.Header.Set("Content-Type", "application/octet-stream")
		r.Header.Set("Origin", origin)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("Origin %s: status %d, want %d (%s)", origin, w.Code, want, w.Body)
		}
		if want == 403 && decodeError(t, w).Code != "cross_origin" {
			t.Errorf("Origin %s: %s", origin, w.Body)
		}
	}
	if st.Len() != 1 {
		t.Errorf("%d shares stored, want only the same-origin one", st.Len())
	}
}
