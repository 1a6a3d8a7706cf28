package flink_test

// Benchmarks of the decoder and the analysis on real fixtures and on
// generated inputs. bench/compare.sh runs them side by side with Flink's own
// loader; see bench/RESULTS.md.
//
//	go test -run '^$' -bench . -benchmem ./parse/flink
//
// CKPTLENS_BENCH_FILES (a colon-separated list of _metadata paths, e.g. the
// 100 MB and 1 GB files of go run ./bench/gen) adds BenchmarkDecodeFile
// cases read from disk.
//
// TestGeneratedFilesMatchFlink proves the generated inputs valid: Flink's
// own loader read them (bench/verify-gen.sh writes its truth.json beside
// each) and the decoder agrees with it field by field.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/internal/flink/encode"
	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/flink"
	"github.com/ckptlens/ckptlens/parse/model"
)

func BenchmarkDecodeSharedFixtures(b *testing.B) {
	shared := fixtures.RequireShared(b)
	fxs, err := fixtures.FlinkFixtures(shared)
	if err != nil {
		b.Fatal(err)
	}
	var inputs [][]byte
	var total int64
	for _, fx := range fxs {
		data, err := os.ReadFile(fx.Metadata)
		if err != nil {
			b.Fatal(err)
		}
		inputs = append(inputs, data)
		total += int64(len(data))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, data := range inputs {
			if _, err := flink.Decode(bytes.NewReader(data), int64(len(data))); err != nil {
				_ = err // a few fixtures are unsupported (Flink 1.1); they still count
			}
		}
	}
	b.ReportMetric(float64(len(inputs)), "files/op")
}

// generated inputs are built once per process and shared by benchmarks.
var generated = struct {
	sync.Once
	dense, inline []byte
	denseStats    encode.Stats
}{}

func generatedInputs(b *testing.B) {
	generated.Do(func() {
		var buf bytes.Buffer
		st, err := encode.WriteDense(&buf, encode.DenseSpec{}) // 2,000 keyed subtasks × 50 SSTs
		if err != nil {
			b.Fatal(err)
		}
		generated.dense, generated.denseStats = buf.Bytes(), st
		buf = bytes.Buffer{}
		if _, err := encode.WriteInline(&buf, encode.InlineSpec{TotalBytes: 64 << 20}); err != nil {
			b.Fatal(err)
		}
		generated.inline = buf.Bytes()
	})
}

func benchDecode(b *testing.B, data []byte) *flink.Metadata {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var m *flink.Metadata
	for b.Loop() {
		var err error
		m, err = flink.Decode(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
	}
	return m
}

// BenchmarkDecodeDense: ~108k handles, 16 MB.
func BenchmarkDecodeDense(b *testing.B) {
	generatedInputs(b)
	benchDecode(b, generated.dense)
	b.ReportMetric(float64(generated.denseStats.Handles), "handles/op")
}

// BenchmarkDecodeInline64MiB: inline payloads are skipped, not read into
// the model; the cost is the ReadAt copies.
func BenchmarkDecodeInline64MiB(b *testing.B) {
	generatedInputs(b)
	benchDecode(b, generated.inline)
}

// BenchmarkDecodeSnapshotDense: the decoder and the neutral model (files,
// sizes per operator) together, as Load runs them; BenchmarkDecodeDense is
// the decoder's part. (Before the decoder handed operators over, this was
// BenchmarkSnapshotDense, the model alone.)
func BenchmarkDecodeSnapshotDense(b *testing.B) {
	generatedInputs(b)
	b.SetBytes(int64(len(generated.dense)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := flink.DecodeSnapshot(bytes.NewReader(generated.dense), int64(len(generated.dense)), flink.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnalyzeDense: the full report the page and the CLI render.
func BenchmarkAnalyzeDense(b *testing.B) {
	generatedInputs(b)
	snap, err := flink.DecodeSnapshot(bytes.NewReader(generated.dense), int64(len(generated.dense)), flink.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	snap.Source = "hdfs://namenode.example.com:8020/jobs/flink/checkpoints/job/chk-42/_metadata"
	b.ReportAllocs()
	for b.Loop() {
		parse.Analyze([]parse.Input{{Snapshot: snap}}, parse.Options{})
	}
}

// BenchmarkDecodeFile decodes files named by CKPTLENS_BENCH_FILES from
// disk through an *os.File, as the CLI does.
func BenchmarkDecodeFile(b *testing.B) {
	list := os.Getenv("CKPTLENS_BENCH_FILES")
	if list == "" {
		b.Skip("set CKPTLENS_BENCH_FILES to a colon-separated list of _metadata files (see bench/compare.sh)")
	}
	for _, path := range strings.Split(list, ":") {
		b.Run(filepath.Base(filepath.Dir(path)), func(b *testing.B) {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			st, err := f.Stat()
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(st.Size())
			b.ReportAllocs()
			for b.Loop() {
				if _, err := flink.Decode(f, st.Size()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestGeneratedFilesMatchFlink compares every <dir>/**/truth.json under
// $CKPTLENS_GEN_TRUTH (written by bench/verify-gen.sh with
// testdata/flink/oracle.sh truth) with the decoder's view of the _metadata
// beside it, using the oracle tests' comparison.
func TestGeneratedFilesMatchFlink(t *testing.T) {
	dir := os.Getenv("CKPTLENS_GEN_TRUTH")
	if dir == "" {
		t.Skip("set CKPTLENS_GEN_TRUTH to the output directory of bench/verify-gen.sh")
	}
	compareTruths(t, dir, "generated", "read by Flink", "bench/verify-gen.sh writes them")
}

// BenchmarkEmptyOperators grows a file of operators without state 10× and
// 100× and times each stage on its own: the decoder, the neutral model and
// the analysis, and the first two as Load runs them. Each stage's ns per
// operator must stay flat across sizes.
func BenchmarkEmptyOperators(b *testing.B) {
	for _, n := range []int{20_000, 200_000, 2_000_000} {
		var buf bytes.Buffer
		if _, err := encode.WriteEmptyOperators(&buf, 4, n); err != nil {
			b.Fatal(err)
		}
		data := buf.Bytes()
		perOp := func(b *testing.B) {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/operator")
		}
		b.Run(fmt.Sprintf("decode/%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := flink.Decode(&model.Memory{Data: data}, int64(len(data))); err != nil {
					b.Fatal(err)
				}
			}
			perOp(b)
		})
		m, err := flink.Decode(&model.Memory{Data: data}, int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("model/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m.Snapshot("ops/_metadata")
			}
			perOp(b)
		})
		// What Load runs: both stages at once, each operator handed over as
		// it is read.
		b.Run(fmt.Sprintf("decode+model/%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := flink.DecodeSnapshot(&model.Memory{Data: data}, int64(len(data)), flink.Limits{}); err != nil {
					b.Fatal(err)
				}
			}
			perOp(b)
		})
		snap := m.Snapshot("/cp/job/chk-1/_metadata")
		b.Run(fmt.Sprintf("analysis/%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				parse.Inspect(snap, "")
			}
			perOp(b)
		})
	}
}
