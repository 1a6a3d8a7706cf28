package inventory_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse/inventory"
	"github.com/ckptlens/ckptlens/parse/inventory/generate"
)

// FuzzDataFile: a damaged data file of any layout is an error or a
// shorter listing, never a panic, a hang or more entries than rows.
func FuzzDataFile(f *testing.F) {
	objs := []generate.Object{{Key: "a/b c", Size: 3, Modified: time.Unix(1714557600, 0).UTC()},
		{Key: "a/%d", Size: 4, Modified: time.Unix(1714557601, 0).UTC()}}
	dir := f.TempDir()
	for _, kind := range []generate.Kind{generate.GCSCSV, generate.GCSParquet, generate.AzureCSV, generate.AzureParquet, generate.S3Parquet} {
		p, err := generate.Write(kind, filepath.Join(dir, string(kind)), "b", objs, 0)
		if err != nil {
			f.Fatal(err)
		}
		if kind == generate.S3Parquet {
			data, _ := filepath.Glob(filepath.Join(filepath.Dir(filepath.Dir(p)), "data", "*"))
			p = data[0]
		}
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "report")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		done := make(chan int, 1)
		go func() {
			r, err := inventory.Open(p)
			if err != nil {
				done <- 0
				return
			}
			defer r.Close()
			l, _ := fixtures.CollectListing(r)
			done <- len(l.Entries)
		}()
		select {
		case n := <-done:
			if n > len(data) {
				t.Fatalf("%d entries from %d bytes", n, len(data))
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("no answer after 20 s from %d bytes", len(data))
		}
	})
}
