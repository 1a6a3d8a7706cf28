package server

import (
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// HeadersFileName is the file in the assets directory whose rules Cloudflare
// applies to the static page's responses. It is not served itself.
const HeadersFileName = "_headers"

// maxHeadersLine is Cloudflare's limit on one line of a _headers file.
const maxHeadersLine = 2000

// HeadersFile is the _headers file for a page whose index.html is html: the
// security headers on every static file, with the page's policy allowing
// its own inline script and style by hash (PageCSPFor). Cloudflare serves
// the page with it and runs the Worker only for /api/ (wrangler.toml), so a
// visit starts no Go runtime and the page's requests cost nothing.
func HeadersFile(html []byte) ([]byte, error) {
	h := http.Header{}
	setCommonHeaders(h)
	h.Set("Content-Security-Policy", PageCSPFor(html))
	var b strings.Builder
	b.WriteString("# Written by the build from web/server (HeadersFile); do not edit.\n/*\n")
	for _, k := range slices.Sorted(maps.Keys(h)) {
		line := "  " + k + ": " + h.Get(k)
		if len(line) > maxHeadersLine {
			return nil, fmt.Errorf("%s: the %s line has %d characters, more than Cloudflare's %d", HeadersFileName, k, len(line), maxHeadersLine)
		}
		b.WriteString(line + "\n")
	}
	return []byte(b.String()), nil
}

// WriteHeadersFile writes dir's _headers file from dir/index.html.
func WriteHeadersFile(dir string) error {
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		return fmt.Errorf("the page's security headers need its index.html: %w", err)
	}
	file, err := HeadersFile(html)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, HeadersFileName), file, 0o644)
}
