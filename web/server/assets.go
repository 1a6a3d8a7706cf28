package server

import (
	"io"
	"mime"
	"net/http"
)

// AssetProxy serves the static page by forwarding the request to a fetcher:
// on Cloudflare the ASSETS binding, in tests an http.Handler over a
// directory. It keeps the security headers the Handler already set.
type AssetProxy struct {
	Fetch func(*http.Request) (*http.Response, error)
}

// securityHeaders are owned by the Handler, never by the asset response.
var securityHeaders = map[string]bool{
	"Content-Security-Policy":    true,
	"Referrer-Policy":            true,
	"X-Content-Type-Options":     true,
	"X-Frame-Options":            true,
	"Cross-Origin-Opener-Policy": true,
}

func (p AssetProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "the page is read-only: method "+r.Method+" not allowed", http.StatusMethodNotAllowed)
		return
	}
	// HEAD is answered from a GET: an HTML page's policy needs its body,
	// and syumai/workers cannot send a Content-Length without a body.
	fetch := r
	if r.Method == http.MethodHead {
		fetch = r.Clone(r.Context())
		fetch.Method = http.MethodGet
	}
	res, err := p.Fetch(fetch)
	if err == nil && res.StatusCode == http.StatusNotModified && isHTML(res) {
		// A 304 would refresh the browser's cached headers with a policy
		// computed from no body; fetch the page itself so its hashes are
		// in the CSP. index.html is small.
		res.Body.Close()
		full := fetch.Clone(r.Context())
		full.Header.Del("If-None-Match")
		full.Header.Del("If-Modified-Since")
		res, err = p.Fetch(full)
	}
	if err != nil {
		http.Error(w, "could not load the page's files: "+err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	hd := w.Header()
	for k, vs := range res.Header {
		k = http.CanonicalHeaderKey(k)
		if securityHeaders[k] {
			continue
		}
		hd[k] = vs
	}
	if isHTML(res) && res.StatusCode == http.StatusOK {
		// The page's own inline <script> and <style> are allowed by hash,
		// computed from the very bytes served, so the CSP needs no
		// 'unsafe-inline' and cannot drift from index.html.
		body, err := io.ReadAll(io.LimitReader(res.Body, maxHTMLBytes+1))
		if err != nil || len(body) > maxHTMLBytes {
			http.Error(w, "could not load the page", http.StatusBadGateway)
			return
		}
		hd.Set("Content-Security-Policy", PageCSPFor(body))
		hd.Del("Content-Length") // see writeJSON
		w.WriteHeader(res.StatusCode)
		if r.Method == http.MethodGet {
			w.Write(body)
		}
		return
	}
	if r.Method == http.MethodHead {
		hd.Del("Content-Length")
		w.WriteHeader(res.StatusCode)
		return
	}
	w.WriteHeader(res.StatusCode)
	io.Copy(w, res.Body)
}

const maxHTMLBytes = 2 << 20

func isHTML(res *http.Response) bool {
	mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	return mt == "text/html"
}
