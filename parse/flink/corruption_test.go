package flink_test

// The corruption matrix: every fixture we can find, damaged in many ways,
// must decode to a valid result or to a typed error that names an offset
// inside the file, without panicking, hanging or allocating more than the
// input justifies.

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/internal/flink/encode"
	"github.com/ckptlens/ckptlens/parse/flink"
	"github.com/ckptlens/ckptlens/parse/model"
)

const (
	truncationPoints = 64
	bitFlips         = 64
	// caseDeadline bounds one decode. Decoding these inputs takes
	// microseconds; the margin absorbs a loaded 2-core CI machine.
	caseDeadline = 5 * time.Second
	// maxSweeps bounds how often decoding in place starts over (each
	// seek back tells Reached): the header, up to three V3 layouts counted,
	// a recount of the chosen one, one cut short of a corrupt rest, and
	// the building pass.
	maxSweeps = 7
	// allocSlack is added to the 2×input allocation bound. Tiny inputs
	// (an empty file, an 8-byte truncation) still cost a fixed amount that
	// does not grow with the input: the Metadata value and the error with
	// its formatted message (measured: 256 bytes for an empty file, under
	// 1 KiB for any input below 100 bytes), plus the decoder's recycled
	// scratch tables (1,488 bytes), allocated afresh whenever a garbage
	// collection has emptied their pool; every decode is measured with
	// that pool empty (withoutCollector). Everything proportional to the
	// input must fit in 2×size.
	allocSlack = 6 << 10
)

// corpusFile is one undamaged input. fields, when known (encoder-built
// files), are the positions of its length and count fields.
type corpusFile struct {
	name   string
	data   []byte
	fields []encode.Field
}

// TestCorruptionMatrix runs the matrix on three sources, each a subtest:
// encoder-built inputs (always), the Flink-generated fixtures under
// testdata/flink (when present) and the real fixtures in ../shared (skipped
// with a message when absent).
func TestCorruptionMatrix(t *testing.T) {
	for _, source := range []struct {
		name string
		load func(t *testing.T) []corpusFile
	}{
		{"encoder-built", encoderCorpus},
		{"testdata-flink", generatedCorpus},
		{"shared-fixtures", sharedCorpus},
	} {
		t.Run(source.name, func(t *testing.T) {
			runMatrix(t, source.load(t))
		})
	}
}

// withoutCollector turns the garbage collector off until the test ends.
// A collection empties every sync.Pool (the decoder's scratch tables, fmt's
// printers for error messages), and the decode after it refills them: with
// the collector running, the allocation measured for one case moved by
// kilobytes with the moment it ran, and CI runs failed by a few bytes. So
// each case collects only between decodes, once the heap exceeds
// collectAbove, and then refills the pools with an unmeasured decode of
// the same input; and the decoder's own pool is emptied before every
// measured decode, its worst case.
//
// It also runs everything on one P: sync.Pools are per P, and a decode that
// started on another P than the one holding the pooled fmt printer
// allocated a new one (3.8 KB more, once in 45,000 decodes).
func withoutCollector(t *testing.T) {
	prev := debug.SetGCPercent(-1)
	procs := runtime.GOMAXPROCS(1)
	t.Cleanup(func() {
		debug.SetGCPercent(prev)
		runtime.GOMAXPROCS(procs)
	})
}

const collectAbove = 256 << 20

func runMatrix(t *testing.T, files []corpusFile) {
	withoutCollector(t)
	var stats matrixStats
	for _, f := range files {
		h := &harness{file: f.name, stats: &stats}
		clean := h.decode("original", f.data)
		h.truncations(f.data, clean)
		h.bitFlips(f.data)
		h.hugeLengths(f.data, f.fields)
		if stats.robustness.n > 300 {
			break
		}
	}
	t.Logf("%d inputs, %d decodes: %d valid, %d FormatError, %d UnsupportedError; "+
		"largest allocation %.2f× input (%s)", len(files), stats.cases, stats.valid, stats.format,
		stats.unsupported, stats.worstRatio, stats.worstCase)
	// Two rules, reported apart so a failure says which one broke.
	t.Run("typed errors, offsets in the file, no panic or hang", func(t *testing.T) {
		stats.robustness.report(t)
	})
	t.Run("allocation at most twice the input", func(t *testing.T) {
		stats.allocation.report(t)
	})
}

// TestForeignInputs feeds files that are not _metadata at all.
func TestForeignInputs(t *testing.T) {
	sample, err := encode.Bytes(encode.Sample(5, ""))
	if err != nil {
		t.Fatal(err)
	}
	wrongMagic := bytes.Clone(sample)
	wrongMagic[0] ^= 0xFF
	withoutCollector(t)
	var stats matrixStats
	h := &harness{file: "foreign", stats: &stats}
	for _, in := range []struct {
		name string
		data []byte
	}{
		{"empty file", nil},
		{"one byte", []byte{0x49}},
		{"wrong magic", wrongMagic},
		{"PNG image", pngBytes(t)},
		{"zip archive", zipBytes(t, sample)},
		{"text file", []byte("hdfs://nn:8020/jobs/flink/checkpoints/chk-1/_metadata\nnot a checkpoint\n")},
		{"Java serialization stream", []byte{0xAC, 0xED, 0x00, 0x05, 0x73, 0x72, 0x00, 0x10}},
		{"unknown header version", append([]byte{0x49, 0x60, 0x67, 0x2D, 0x00, 0x00, 0x00, 0x63}, make([]byte, 16)...)},
	} {
		if res := h.decode(in.name, in.data); res.err == nil && res.panic == "" {
			stats.robustness.add(in.name, "decoded without error; want a typed error")
		}
	}
	stats.robustness.report(t)
	stats.allocation.report(t)
}

// encoderCorpus is built by internal/flink/encode, so it always exists; the
// encoder also says where its length and count fields are.
func encoderCorpus(t *testing.T) []corpusFile {
	var files []corpusFile
	add := func(name string, m *encode.Metadata) {
		data, fields, err := encode.BytesWithFields(m)
		if err != nil {
			t.Fatalf("encoding %s: %v", name, err)
		}
		files = append(files, corpusFile{name, data, fields})
	}
	for v := 2; v <= 6; v++ {
		add(fmt.Sprintf("encoder sample V%d", v), encode.Sample(v, ""))
	}
	add("encoder sample V6, hostile text", encode.Sample(6, "<script>alert(1)</script>\"'&\x00😀"))
	for _, v := range []int{4, 6} {
		var buf bytes.Buffer
		if _, err := encode.WriteDense(&buf, encode.DenseSpec{Version: v, Operators: 2, Parallelism: 6, SharedPerSubtask: 4}); err != nil {
			t.Fatal(err)
		}
		files = append(files, corpusFile{name: fmt.Sprintf("encoder dense V%d", v), data: buf.Bytes()})
		buf = bytes.Buffer{}
		if _, err := encode.WriteInline(&buf, encode.InlineSpec{Version: v, TotalBytes: 200 << 10, HandleBytes: 16 << 10, Parallelism: 4}); err != nil {
			t.Fatal(err)
		}
		files = append(files, corpusFile{name: fmt.Sprintf("encoder inline V%d", v), data: buf.Bytes()})
	}

	// Valid but adversarial: the smallest records Flink accepts, in bulk.
	// A finished subtask is 4 bytes of input.
	flood := &encode.Metadata{Version: 4, CheckpointID: 1, Properties: encode.CheckpointProperties()}
	op := encode.Operator{ID: encode.IDFor("flood"), Parallelism: 1 << 16, MaxParallelism: 1 << 16}
	for i := range 1 << 15 {
		op.Subtasks = append(op.Subtasks, encode.Subtask{Index: int32(i), Finished: true})
	}
	flood.Operators = []encode.Operator{op}
	add("encoder: 32768 finished subtasks (valid, 4 bytes each)", flood)
	return files
}

// generatedCorpus is every _metadata that real Flink wrote under
// testdata/flink (testdata/flink/regenerate.sh).
func generatedCorpus(t *testing.T) []corpusFile {
	root, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	var files []corpusFile
	dir := filepath.Join(root, "testdata", "flink")
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == "target" || d.Name() == "oracle" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.Name() == "_metadata" {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(root, path)
			files = append(files, corpusFile{name: rel, data: data})
		}
		return nil
	})
	if len(files) == 0 {
		t.Skipf("no Flink-generated _metadata under %s (testdata/flink/regenerate.sh writes them)", dir)
	}
	return files
}

// sharedCorpus is the 442 real fixtures in ../shared.
func sharedCorpus(t *testing.T) []corpusFile {
	shared := fixtures.RequireShared(t)
	fxs, err := fixtures.FlinkFixtures(shared)
	if err != nil {
		t.Fatal(err)
	}
	var files []corpusFile
	for _, fx := range fxs {
		data, err := os.ReadFile(fx.Metadata)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, corpusFile{name: fx.ID, data: data})
	}
	return files
}

type matrixStats struct {
	cases, valid, format, unsupported int
	worstRatio                        float64
	worstCase                         string
	robustness, allocation            failures
}

// failures collects broken cases, a few shown per input, all counted.
type failures struct {
	n      int
	perKey map[string]int
	shown  []string
}

func (f *failures) add(file, msg string) {
	if f.perKey == nil {
		f.perKey = map[string]int{}
	}
	f.n++
	f.perKey[file]++
	if f.perKey[file] <= 3 && len(f.shown) < 60 {
		f.shown = append(f.shown, file+": "+msg)
	}
}

func (f *failures) report(t *testing.T) {
	t.Helper()
	if f.n == 0 {
		return
	}
	t.Errorf("%d failing cases in %d inputs; first ones:\n%s", f.n, len(f.perKey), strings.Join(f.shown, "\n"))
}

type harness struct {
	file  string
	stats *matrixStats
	hung  bool
}

type result struct {
	meta  *flink.Metadata
	err   error
	alloc uint64 // the larger of the two decodes'
	panic string

	// The same input decoded from a model.Memory, and what went wrong
	// with its progress calls.
	memMeta *flink.Metadata
	memErr  error
	memory  []string
}

// measuredDecode decodes with the decoder's scratch pool emptied first (its
// worst case) and returns the bytes it allocated.
func measuredDecode(src io.ReaderAt, size int64) (*flink.Metadata, error, uint64) {
	var before, after runtime.MemStats
	flink.EmptyScratchPool()
	runtime.ReadMemStats(&before)
	m, err := flink.Decode(src, size)
	runtime.ReadMemStats(&after)
	return m, err, after.TotalAlloc - before.TotalAlloc
}

func (h *harness) fail(format string, args ...any) {
	h.stats.robustness.add(h.file, fmt.Sprintf(format, args...))
}

// decode runs one case under a deadline and checks the outcome.
func (h *harness) decode(what string, data []byte) result {
	if h.hung {
		return result{}
	}
	h.stats.cases++
	done := make(chan result, 1)
	timer := time.NewTimer(caseDeadline)
	defer timer.Stop()
	go func() {
		var res result
		defer func() {
			if p := recover(); p != nil {
				res.panic = fmt.Sprintf("%v\n%s", p, debug.Stack())
			}
			done <- res
		}()
		decodeBothWays(data, &res)
	}()
	var res result
	select {
	case res = <-done:
	case <-timer.C:
		h.hung = true
		h.fail("%s: no result after %v (hang); skipping this file's remaining cases", what, caseDeadline)
		return result{}
	}
	if res.panic != "" {
		h.fail("%s: panic: %s", what, res.panic)
		return res
	}
	for _, m := range res.memory {
		h.fail("%s: decoding from memory: %s", what, m)
	}
	if fmt.Sprint(res.err) != fmt.Sprint(res.memErr) || !reflect.DeepEqual(res.meta, res.memMeta) {
		h.fail("%s: decoding from memory differs: error %v, against %v from an io.ReaderAt", what, res.memErr, res.err)
	}
	h.checkAllocation(what, int64(len(data)), res)
	h.checkOutcome(what, int64(len(data)), res)
	return res
}

// decodeBothWays decodes data from an io.ReaderAt and, as the page does,
// in place from a model.Memory, filling res as it goes so a panic keeps
// what was learnt.
func decodeBothWays(data []byte, res *result) {
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	if before.HeapAlloc > collectAbove { // see withoutCollector
		runtime.GC()
		flink.Decode(bytes.NewReader(data), int64(len(data))) // refills the pools it emptied
	}
	res.meta, res.err, res.alloc = measuredDecode(bytes.NewReader(data), int64(len(data)))
	if res.meta != nil {
		res.meta.Snapshot("corrupt") // the CLI and the page render partial results too
	}
	last, sweeps := int64(0), 1
	mem := &model.Memory{Data: data, Reached: func(off int64) {
		if off <= last { // a pass starts over
			sweeps++
		}
		if off < 0 || off > int64(len(data)) || sweeps > maxSweeps {
			res.memory = append(res.memory, fmt.Sprintf("Reached(%d) after Reached(%d), sweep %d, input of %d bytes", off, last, sweeps, len(data)))
		}
		last = off
	}}
	var memAlloc uint64
	res.memMeta, res.memErr, memAlloc = measuredDecode(mem, int64(len(data)))
	res.alloc = max(res.alloc, memAlloc)
}

// checkAllocation holds the case to 2×size + allocSlack and keeps the worst
// ratio seen.
func (h *harness) checkAllocation(what string, size int64, res result) {
	if limit := 2*uint64(size) + allocSlack; res.alloc > limit {
		h.stats.allocation.add(h.file, fmt.Sprintf("%s: allocated %d bytes (%.1f×) decoding %d bytes (limit 2×size + %d = %d)",
			what, res.alloc, float64(res.alloc)/float64(max(size, 1)), size, allocSlack, limit))
	}
	if size > 0 {
		if r := float64(res.alloc) / float64(size); r > h.stats.worstRatio && size >= 1024 {
			h.stats.worstRatio, h.stats.worstCase = r, h.file+": "+what
		}
	}
}

// checkOutcome counts the case as valid, a FormatError or an
// UnsupportedError, and fails it when the result or the error's offset does
// not fit the input, or the error is untyped.
func (h *harness) checkOutcome(what string, size int64, res result) {
	var fe *model.FormatError
	var ue *model.UnsupportedError
	switch {
	case res.err == nil:
		h.stats.valid++
		if res.meta == nil {
			h.fail("%s: nil Metadata without an error", what)
		} else if res.meta.BytesRead > size || res.meta.BytesRead < 0 {
			h.fail("%s: BytesRead %d outside the %d-byte input", what, res.meta.BytesRead, size)
		}
	case errors.As(res.err, &fe):
		h.stats.format++
		if fe.Offset < 0 || fe.Offset > size {
			h.fail("%s: FormatError offset %d outside the %d-byte input: %v", what, fe.Offset, size, res.err)
		}
		if fe.Expected == "" {
			h.fail("%s: FormatError does not say what was expected: %v", what, res.err)
		}
	case errors.As(res.err, &ue):
		h.stats.unsupported++
		if ue.Offset < 0 || ue.Offset > size {
			h.fail("%s: UnsupportedError offset %d outside the %d-byte input: %v", what, ue.Offset, size, res.err)
		}
	default:
		h.fail("%s: untyped error %T: %v", what, res.err, res.err)
	}
}

// truncations cuts the file at 64 points spread over its length. A file
// that decoded completely must fail once anything is cut off.
func (h *harness) truncations(data []byte, clean result) {
	complete := clean.err == nil && clean.meta != nil && clean.meta.BytesRead == int64(len(data))
	seen := map[int]bool{}
	for i := 0; i < truncationPoints; i++ {
		at := i * len(data) / truncationPoints
		if i == truncationPoints-1 {
			at = len(data) - 1
		}
		if at < 0 || seen[at] {
			continue
		}
		seen[at] = true
		what := fmt.Sprintf("truncated to %d bytes", at)
		if res := h.decode(what, data[:at]); complete && res.err == nil && res.panic == "" && !h.hung {
			h.fail("%s: decoded without error although %d bytes are missing", what, len(data)-at)
		}
	}
}

// bitFlips flips 64 bits chosen with a seed fixed per file, one at a time.
func (h *harness) bitFlips(data []byte) {
	if len(data) == 0 {
		return
	}
	seed := fnv.New64a()
	seed.Write([]byte(h.file))
	rng := rand.New(rand.NewPCG(8, seed.Sum64()))
	buf := bytes.Clone(data)
	for i := 0; i < bitFlips; i++ {
		bit := rng.IntN(len(buf) * 8)
		buf[bit/8] ^= 1 << (bit % 8)
		h.decode(fmt.Sprintf("bit %d of byte %d flipped", bit%8, bit/8), buf)
		buf[bit/8] ^= 1 << (bit % 8)
	}
}

// hugeLengths overwrites length and count fields with hostile values. For
// encoder-built files the encoder says where they are; for other files,
// plausible counts (small positive i32) and string lengths (u16 followed by
// that many printable bytes) are found by scanning.
func (h *harness) hugeLengths(data []byte, fields []encode.Field) {
	if fields == nil {
		fields = scanLengthFields(data)
	}
	buf := bytes.Clone(data)
	for _, f := range fields {
		var values []uint32
		if f.Width == 2 {
			values = []uint32{0xFFFF, 0x8000}
		} else {
			values = []uint32{0x7FFFFFFF, 0xFFFFFFFE, 0x80000000, 0x01000000}
		}
		for _, v := range values {
			orig := bytes.Clone(buf[f.Offset : f.Offset+int64(f.Width)])
			if f.Width == 2 {
				binary.BigEndian.PutUint16(buf[f.Offset:], uint16(v))
			} else {
				binary.BigEndian.PutUint32(buf[f.Offset:], v)
			}
			h.decode(fmt.Sprintf("%s at byte %d set to %#x", f.What, f.Offset, v), buf)
			copy(buf[f.Offset:], orig)
		}
	}
}

// scanLengthFields guesses up to 32 count fields and 16 string lengths,
// spread over the file.
func scanLengthFields(data []byte) []encode.Field {
	var counts, strs []encode.Field
	for i := 8; i+4 <= len(data); i++ {
		if v := binary.BigEndian.Uint32(data[i:]); v >= 1 && v <= 4096 {
			counts = append(counts, encode.Field{Offset: int64(i), Width: 4, What: "i32 that looks like a count"})
		}
	}
	for i := 8; i+2 <= len(data); i++ {
		n := int(binary.BigEndian.Uint16(data[i:]))
		if n < 4 || n > 512 || i+2+n > len(data) {
			continue
		}
		printable := true
		for _, c := range data[i+2 : i+2+n] {
			if c < 0x20 || c > 0x7E {
				printable = false
				break
			}
		}
		if printable {
			strs = append(strs, encode.Field{Offset: int64(i), Width: 2, What: "string length"})
			i += 1 + n
		}
	}
	return append(spread(counts, 32), spread(strs, 16)...)
}

func spread(fs []encode.Field, n int) []encode.Field {
	if len(fs) <= n {
		return fs
	}
	out := make([]encode.Field, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, fs[i*len(fs)/n])
	}
	return out
}

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 16))
	for i := 0; i < 16; i++ {
		img.Set(i, i, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipBytes is what a user gets when they drop a zipped checkpoint folder.
func zipBytes(t *testing.T, metadata []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("chk-17/_metadata")
	if err != nil {
		t.Fatal(err)
	}
	w.Write(metadata)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
