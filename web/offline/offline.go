// Package offline writes what makes the built page work offline and
// installable: a service worker (sw.js) that caches the page's files under
// the build's version, a web app manifest and its icons.
package offline

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
)

//go:embed sw.js
var serviceWorker string

// PageFiles are the files the service worker caches: everything the page
// loads. "./" is the page itself, as a navigation asks for it.
var PageFiles = []string{"./", "index.html", "wasm_exec.js", "app.wasm", "manifest.webmanifest", "icon-192.png", "icon-512.png"}

// versioned are the files whose bytes make the build's version.
var versioned = []string{"index.html", "wasm_exec.js", "app.wasm"}

// Write writes sw.js, manifest.webmanifest and the icons into dist, which
// holds the built page.
func Write(dist string) error {
	if err := writeIcons(dist); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dist, "manifest.webmanifest"), Manifest(), 0o644); err != nil {
		return err
	}
	version, err := Version(dist)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dist, "sw.js"), []byte(ServiceWorker(version)), 0o644)
}

// Version is the build's version: a hash of the page's files.
func Version(dist string) (string, error) {
	h := sha256.New()
	for _, f := range versioned {
		b, err := os.ReadFile(filepath.Join(dist, f))
		if err != nil {
			return "", fmt.Errorf("the service worker's version needs the built %s: %w", f, err)
		}
		fmt.Fprintf(h, "%s %d\n", f, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// ServiceWorker is sw.js for a build's version.
func ServiceWorker(version string) string {
	files, _ := json.Marshal(PageFiles)
	js := strings.Replace(serviceWorker, "__VERSION__", version, 1)
	return strings.Replace(js, "[__FILES__]", string(files), 1)
}

// Manifest is the web app manifest: enough for browsers to offer to
// install the page.
func Manifest() []byte {
	m := map[string]any{
		"name":             "ckptlens",
		"short_name":       "ckptlens",
		"description":      "What a Flink checkpoint or savepoint, or a SlateDB manifest, depends on, read in your browser.",
		"start_url":        "./",
		"scope":            "./",
		"display":          "standalone",
		"background_color": "#fbfbfa",
		"theme_color":      "#1f5fbf",
		"icons": []map[string]string{
			{"src": "icon-192.png", "sizes": "192x192", "type": "image/png"},
			{"src": "icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
		},
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	return append(b, '\n')
}

// writeIcons draws the icons: a lens (a ring) on the page's accent blue.
func writeIcons(dist string) error {
	for _, size := range []int{192, 512} {
		var buf bytes.Buffer
		if err := png.Encode(&buf, icon(size)); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dist, fmt.Sprintf("icon-%d.png", size)), buf.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}

func icon(size int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	blue := color.RGBA{0x1f, 0x5f, 0xbf, 0xff}
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	c := float64(size) / 2
	outer, inner := 0.30*float64(size), 0.22*float64(size)
	for y := range size {
		for x := range size {
			dx, dy := float64(x)+0.5-c, float64(y)+0.5-c
			d2 := dx*dx + dy*dy
			img.Set(x, y, blue)
			if d2 <= outer*outer && d2 >= inner*inner {
				img.Set(x, y, white)
			}
		}
	}
	return img
}
