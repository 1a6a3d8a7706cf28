package offline

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The service worker caches every file the page loads under the build's
// version, which changes with any of them.
func TestWriteVersionsTheCache(t *testing.T) {
	dist := t.TempDir()
	for _, f := range versioned {
		os.WriteFile(filepath.Join(dist, f), []byte("first "+f), 0o644)
	}
	if err := Write(dist); err != nil {
		t.Fatal(err)
	}
	sw, _ := os.ReadFile(filepath.Join(dist, "sw.js"))
	v1, _ := Version(dist)
	if !strings.Contains(string(sw), `const CACHE = "ckptlens-`+v1+`";`) || strings.Contains(string(sw), "__") {
		t.Fatalf("sw.js:\n%s", sw)
	}
	for _, f := range PageFiles {
		if !strings.Contains(string(sw), `"`+f+`"`) {
			t.Errorf("sw.js does not cache %s", f)
		}
		if f != "./" {
			if _, err := os.Stat(filepath.Join(dist, f)); err != nil {
				t.Errorf("%s is cached but not written: %v", f, err)
			}
		}
	}
	os.WriteFile(filepath.Join(dist, "app.wasm"), []byte("second"), 0o644)
	if v2, _ := Version(dist); v2 == v1 {
		t.Error("a new app.wasm keeps the cache's version")
	}
	if err := Write(t.TempDir()); err == nil {
		t.Error("written without a built page")
	}
}

// The manifest has what browsers need to offer installing the page.
func TestManifestIsInstallable(t *testing.T) {
	var m struct {
		Name, StartURL, Display string
		Icons                   []struct{ Src, Sizes, Type string }
	}
	b := Manifest()
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	json.Unmarshal(b, &raw)
	if m.Name == "" || raw["start_url"] != "./" || m.Display != "standalone" || len(m.Icons) != 2 {
		t.Fatalf("%s", b)
	}
	dist := t.TempDir()
	if err := writeIcons(dist); err != nil {
		t.Fatal(err)
	}
	for _, ic := range m.Icons {
		f, err := os.Open(filepath.Join(dist, ic.Src))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || ic.Sizes != itoa(cfg.Width)+"x"+itoa(cfg.Height) {
			t.Errorf("%s: %v, %dx%d for %s", ic.Src, err, cfg.Width, cfg.Height, ic.Sizes)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
