package slatedb

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func BenchmarkDecode(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(storeDir(b), "prod/parent/manifest/00000000000000000025.manifest"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := DecodeBytes(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReport(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(storeDir(b), "prod/parent/manifest/*.manifest"))
	var ms []*Manifest
	for _, f := range files {
		ms = append(ms, decodeFile(b, f))
	}
	d := NewDatabase("prod/parent", ms...)
	now := time.Now()
	for b.Loop() {
		d.Report(now)
	}
}
