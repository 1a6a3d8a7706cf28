// Package server is the ckptlens Worker's request handling, kept free of
// syscall/js so it runs and is tested on the host. The js/wasm main in
// web/cmd/worker only adapts it to Cloudflare (KV, vars).
//
// The Worker stores share links; Cloudflare serves the static page itself,
// with the headers of its _headers file (HeadersFile). A share is
// ciphertext the page encrypted under a key that stays in the link's
// fragment, so the Worker stores what it cannot read.
//
//	POST /api/shares       body: ciphertext (application/octet-stream) → 201 {"id": ...}
//	GET  /api/shares/<id>  → 200 ciphertext
//
// There is deliberately no endpoint that lists shares.
package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse/share"
)

const (
	// MaxShareBytes bounds one stored share. The page makes a short link
	// for reports too big for a URL, and cuts the long lists of a large
	// job's report to fit this (parse.Report.ForSharing).
	MaxShareBytes = share.MaxStoredBytes

	// MinShareBytes is the AES-GCM nonce (12) plus tag (16): anything
	// shorter cannot be a ciphertext the page produced.
	MinShareBytes = share.SealOverhead

	// DefaultTTL is how long a share lives unless SHARE_TTL_SECONDS says otherwise.
	DefaultTTL = 30 * 24 * time.Hour

	// idBytes is the random part of a share id: 128 bits, so ids cannot be
	// guessed or enumerated.
	idBytes = 16

	sharesPath    = "/api/shares"
	shareMIMEType = "application/octet-stream"
)

// ErrNotFound is returned by a Store for an id it does not hold.
var ErrNotFound = errors.New("share not found")

// Store keeps share records by id. The Worker's Store is Cloudflare KV; tests
// use MemoryStore. kvTTL is a hint for the backend to drop the record
// eventually; the Handler itself enforces the exact expiry on read.
type Store interface {
	Put(ctx context.Context, id string, record []byte, kvTTL time.Duration) error
	Get(ctx context.Context, id string) ([]byte, error) // ErrNotFound when absent
	Delete(ctx context.Context, id string) error
}

// Handler serves the API with its security headers. Cloudflare runs it
// for /api/ and for paths no static file answers, which it answers 404.
type Handler struct {
	Store Store
	TTL   time.Duration // zero means DefaultTTL
	// Limiter is the per-client rate limit on creating shares; without
	// one the Handler creates none (limits.go). Quota bounds all clients.
	Limiter RateLimiter
	Quota   Quota

	Now  func() time.Time // nil means time.Now
	Rand io.Reader        // nil means crypto/rand
}

// ParseTTL reads the SHARE_TTL_SECONDS var: a positive count of seconds, or
// empty for DefaultTTL.
func ParseTTL(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DefaultTTL, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > 365*24*3600 {
		return 0, fmt.Errorf("SHARE_TTL_SECONDS=%q: want a whole number of seconds between 1 and one year", s)
	}
	return time.Duration(n) * time.Second, nil
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == sharesPath || strings.HasPrefix(p, "/api/") || p == "/api" {
		setAPIHeaders(w.Header())
		h.serveAPI(w, r)
		return
	}
	setPageHeaders(w.Header())
	http.Error(w, "404: ckptlens has no page "+p, http.StatusNotFound)
}

func (h *Handler) serveAPI(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == sharesPath || p == sharesPath+"/":
		if r.Method != http.MethodPost {
			// GET here would be a listing, which does not exist.
			writeMethodNotAllowed(w, r.Method, http.MethodPost, "shares cannot be listed; POST a ciphertext to create one")
			return
		}
		h.create(w, r)
	case strings.HasPrefix(p, sharesPath+"/"):
		id := strings.TrimPrefix(p, sharesPath+"/")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeMethodNotAllowed(w, r.Method, "GET, HEAD", "a share can only be read; it expires by itself")
			return
		}
		if !ValidID(id) {
			writeError(w, http.StatusBadRequest, "bad_id", "malformed share id: want 22 characters of URL-safe base64 (128 bits)")
			return
		}
		h.get(w, r, id)
	default:
		writeError(w, http.StatusNotFound, "not_found", "no such API endpoint: "+p)
	}
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		// The page posts from its own origin; other sites have no business
		// filling this Worker's KV through their visitors' browsers.
		writeError(w, http.StatusForbidden, "cross_origin", "shares can only be created from the ckptlens page itself")
		return
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != shareMIMEType {
		writeError(w, http.StatusUnsupportedMediaType, "bad_content_type",
			fmt.Sprintf("Content-Type must be %s (the encrypted report), got %q", shareMIMEType, r.Header.Get("Content-Type")))
		return
	}
	if r.ContentLength > MaxShareBytes {
		writeTooLarge(w)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxShareBytes+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "bad_body", "could not read the request body: "+err.Error())
		return
	}
	if len(body) > MaxShareBytes {
		writeTooLarge(w)
		return
	}
	if len(body) < MinShareBytes {
		writeError(w, http.StatusBadRequest, "too_small",
			fmt.Sprintf("body of %d bytes is too short to be AES-GCM ciphertext (at least %d)", len(body), MinShareBytes))
		return
	}
	usage, ok := h.admit(w, r, len(body))
	if !ok {
		return
	}
	id, err := h.newID()
	if err != nil {
		writeError(w, http.StatusInternalServerError, "no_randomness", "could not draw a random id: "+err.Error())
		return
	}
	ttl := h.ttl()
	expires := h.now().Add(ttl).Truncate(time.Second)
	if err := h.Store.Put(r.Context(), id, encodeRecord(expires, body), kvTTL(ttl)); err != nil {
		writeError(w, http.StatusServiceUnavailable, "store_failed", "could not store the share: "+err.Error())
		return
	}
	// The share is stored: a usage record that fails to update only
	// undercounts, which the rate limit bounds.
	_ = h.record(r.Context(), usage, len(body))
	w.Header().Set("Location", sharesPath+"/"+id)
	writeJSON(w, http.StatusCreated, createdResponse{ID: id, Expires: expires.UTC().Format(time.RFC3339)})
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request, id string) {
	rec, err := h.Store.Get(r.Context(), id)
	if errors.Is(err, ErrNotFound) {
		writeError(w, http.StatusNotFound, "not_found", "no share with this id: it never existed or has expired")
		return
	}
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, "store_failed", "could not read the share: "+err.Error())
		return
	}
	expires, body, err := decodeRecord(rec)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "corrupt_record", "the stored share is damaged: "+err.Error())
		return
	}
	if !h.now().Before(expires) {
		// KV drops records on its own schedule (never sooner than 60 s);
		// the expiry written with the record is the one that counts.
		_ = h.Store.Delete(r.Context(), id)
		writeError(w, http.StatusNotFound, "not_found", "no share with this id: it never existed or has expired")
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", shareMIMEType)
	hd.Set("Expires", expires.UTC().Format(http.TimeFormat))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// sameOrigin accepts requests without an Origin (curl, scripts) and browser
// requests whose Origin is this host.
func sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && (u.Host == r.Host || u.Host == r.URL.Host)
}

type createdResponse struct {
	ID      string `json:"id"`
	Expires string `json:"expires"`
}

func (h *Handler) newID() (string, error) {
	src := h.Rand
	if src == nil {
		src = rand.Reader
	}
	var b [idBytes]byte
	if _, err := io.ReadFull(src, b[:]); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// ValidID reports whether id is a share id this Worker could have issued:
// exactly 128 bits in canonical unpadded URL-safe base64.
func ValidID(id string) bool {
	if len(id) != base64.RawURLEncoding.EncodedLen(idBytes) {
		return false
	}
	b, err := base64.RawURLEncoding.Strict().DecodeString(id)
	return err == nil && len(b) == idBytes
}

func (h *Handler) ttl() time.Duration {
	if h.TTL > 0 {
		return h.TTL
	}
	return DefaultTTL
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// kvTTL is the TTL handed to KV, which refuses anything under 60 seconds. A
// minute's slack lets the exact expiry check on read run first.
func kvTTL(ttl time.Duration) time.Duration {
	return max(ttl+time.Minute, 2*time.Minute).Truncate(time.Second)
}

// A record is the expiry (unix seconds, 8 bytes big-endian) followed by the
// ciphertext exactly as posted.
const recordHeader = 8

func encodeRecord(expires time.Time, body []byte) []byte {
	rec := make([]byte, recordHeader+len(body))
	u := uint64(expires.Unix())
	for i := range recordHeader {
		rec[i] = byte(u >> (56 - 8*i))
	}
	copy(rec[recordHeader:], body)
	return rec
}

func decodeRecord(rec []byte) (time.Time, []byte, error) {
	if len(rec) < recordHeader+MinShareBytes {
		return time.Time{}, nil, fmt.Errorf("record of %d bytes is shorter than its %d-byte header plus a ciphertext", len(rec), recordHeader)
	}
	var u uint64
	for i := range recordHeader {
		u = u<<8 | uint64(rec[i])
	}
	return time.Unix(int64(u), 0), rec[recordHeader:], nil
}

// VuguHelperHash is the CSP hash of the JS helper vugu v0.4.0's renderer
// installs; the page runs it as an inline script rather than through eval
// (wasm/evalshim_wasm.go). A test recomputes it from the vugu module.
const VuguHelperHash = "'sha256-UiCF58qUdSmE1G+/xPhllvKj5er9jE+B2TbT+4p/35g='"

// Security headers. The page runs Go WebAssembly, so scripts need
// 'wasm-unsafe-eval' (compiling wasm) and nothing else beyond 'self',
// vugu's helper and the hashes of the page's own inline elements
// (PageCSPFor): no 'unsafe-eval', no 'unsafe-inline' scripts. Style
// attributes are allowed because the size bars set their widths with them;
// no script can be injected through one.
const (
	PageCSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' " + VuguHelperHash + "; style-src 'self'; " +
		"style-src-attr 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; " +
		"object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	APICSP = "default-src 'none'; frame-ancestors 'none'"
)

var (
	inlineScript = regexp.MustCompile(`(?is)<script(\s[^>]*)?>(.*?)</script`)
	inlineStyle  = regexp.MustCompile(`(?is)<style(\s[^>]*)?>(.*?)</style`)
	srcAttr      = regexp.MustCompile(`(?i)\ssrc\s*=`)
)

// PageCSPFor is PageCSP plus the hashes of html's inline scripts and
// styles, exactly as a browser hashes them.
func PageCSPFor(html []byte) string {
	hashes := func(re *regexp.Regexp, skipSrc bool) string {
		var out strings.Builder
		for _, m := range re.FindAllSubmatch(html, -1) {
			if skipSrc && srcAttr.Match(m[1]) {
				continue
			}
			sum := sha256.Sum256(m[2])
			out.WriteString(" 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'")
		}
		return out.String()
	}
	csp := strings.Replace(PageCSP, VuguHelperHash+";", VuguHelperHash+hashes(inlineScript, true)+";", 1)
	return strings.Replace(csp, "style-src 'self';", "style-src 'self'"+hashes(inlineStyle, false)+";", 1)
}

func setCommonHeaders(h http.Header) {
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	// HTTPS only, for two years, subdomains included; browsers ignore it
	// on plain-HTTP localhost.
	h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	// The page uses no device or sensor; the clipboard stays allowed
	// (copying paths and links).
	h.Set("Permissions-Policy", PermissionsPolicy)
}

// PermissionsPolicy turns off every powerful feature the page never uses.
const PermissionsPolicy = "accelerometer=(), autoplay=(), browsing-topics=(), camera=(), display-capture=(), " +
	"geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), " +
	"publickey-credentials-get=(), serial=(), usb=(), xr-spatial-tracking=()"

func setPageHeaders(h http.Header) {
	setCommonHeaders(h)
	h.Set("Content-Security-Policy", PageCSP)
}

func setAPIHeaders(h http.Header) {
	setCommonHeaders(h)
	h.Set("Content-Security-Policy", APICSP)
	h.Set("Cache-Control", "no-store")
}

// APIError is the JSON body of every API error.
type APIError struct {
	Error string `json:"error"` // a sentence for people
	Code  string `json:"code"`  // a stable token for programs
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, APIError{Error: msg, Code: code})
}

func writeTooLarge(w http.ResponseWriter) {
	writeError(w, http.StatusRequestEntityTooLarge, "too_large",
		fmt.Sprintf("a share is at most %d bytes (1 MiB)", MaxShareBytes))
}

func writeMethodNotAllowed(w http.ResponseWriter, method, allow, why string) {
	w.Header().Set("Allow", allow)
	writeError(w, http.StatusMethodNotAllowed, "method_not_allowed",
		fmt.Sprintf("method %s not allowed here (allowed: %s): %s", method, allow, why))
}

// Responses carry no Content-Length on purpose: given one, syumai/workers
// v0.27.0 copies the body in a goroutine that can end the Go program before
// the Response is handed to the runtime ("reading 'exports'" errors).
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	b = append(b, '\n')
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}
