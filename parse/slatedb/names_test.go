package slatedb

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Every manifest and compactions file the oracle's SlateDB wrote is named
// so that ParseObjectName reads its kind and the id SlateDB gave it; other
// names are not SlateDB's.
func TestParseObjectName(t *testing.T) {
	listings, _ := filepath.Glob(filepath.Join(storeDir(t), "*", "*", "listing-before.txt"))
	if len(listings) == 0 {
		t.Fatal("no oracle listings")
	}
	n := 0
	for _, l := range listings {
		data, err := os.ReadFile(l)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			f := strings.Fields(line)
			if len(f) != 2 {
				continue
			}
			dir := filepath.Base(filepath.Dir(f[1]))
			want, _ := strconv.ParseUint(strings.TrimSuffix(filepath.Base(f[1]), filepath.Ext(f[1])), 10, 64)
			kind, id, ok := ParseObjectName(f[1])
			switch dir {
			case "manifest", "compactions":
				n++
				if !ok || string(kind) != dir || id != want {
					t.Errorf("%s: %s %d %v", f[1], kind, id, ok)
				}
			default:
				if ok {
					t.Errorf("%s read as a %s", f[1], kind)
				}
			}
		}
	}
	for name, want := range map[string]bool{
		"7.manifest": true, `db\manifest\7.manifest`: true, "7.compactions": true, "00000000000000000007.compactions": true,
		"7.x.manifest": true, "x.manifest": false, ".manifest": false, "7.manifest.tmp": false, "7.sst": false,
		"-7.manifest": false, "18446744073709551616.manifest": false, "7.Manifest": false, "": false,
	} {
		if _, _, ok := ParseObjectName(name); ok != want {
			t.Errorf("%q: %v, want %v", name, ok, want)
		}
	}
	if n == 0 {
		t.Error("no manifest or compactions file in the oracle's listings")
	}
}
