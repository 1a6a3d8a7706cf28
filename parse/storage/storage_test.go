package storage

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/internal/flink/encode"
	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/model"
)

func TestParseLocations(t *testing.T) {
	cases := []struct {
		in                              string
		scheme, bucket, account, domain string
		key, back                       string
	}{
		{"s3://b/flink/cp/", "s3", "b", "", "", "flink/cp/", "s3://b/flink/cp/"},
		{"s3a://b/x", "s3a", "b", "", "", "x", "s3a://b/x"},
		{"gs://b", "gs", "b", "", "", "", "gs://b/"},
		{"abfss://c@acct.dfs.core.windows.net/cp/job", "abfss", "c", "acct", "blob.core.windows.net", "cp/job", "abfss://c@acct.dfs.core.windows.net/cp/job"},
		{"wasbs://c@acct.blob.core.chinacloudapi.cn/x", "wasbs", "c", "acct", "blob.core.chinacloudapi.cn", "x", "wasbs://c@acct.blob.core.chinacloudapi.cn/x"},
		{"azblob://c/x", "azblob", "c", "", "", "x", "azblob://c/x"},
		{"hdfs://nn:8020/flink/cp", "hdfs", "nn:8020", "", "", "flink/cp", "hdfs://nn:8020/flink/cp"},
		{"file:///tmp/cp", "", "", "", "", "/tmp/cp", "/tmp/cp"},
		{"file:/tmp/cp", "", "", "", "", "/tmp/cp", "/tmp/cp"},
		{"/tmp/cp", "", "", "", "", "/tmp/cp", "/tmp/cp"},
	}
	for _, c := range cases {
		l, err := Parse(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		got := [6]string{l.Scheme, l.Bucket, l.Account, l.Domain, l.Key, l.String()}
		want := [6]string{c.scheme, c.bucket, c.account, c.domain, c.key, c.back}
		if got != want {
			t.Errorf("%s: %q, want %q", c.in, got, want)
		}
		if key, ok := l.KeyOf(l.Join("a/b")); !ok || key != "a/b" && l.Scheme != "" {
			t.Errorf("%s: KeyOf(Join(a/b)) = %q, %v", c.in, key, ok)
		}
	}
	for _, bad := range []string{"abfss://acct.dfs.core.windows.net/x", "s3:///x", "s3://b/x?endpoint=y", "ftp://h/x", "file://otherhost/x"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r     io.ReaderAt
	bytes int64
	reads int
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.bytes += int64(n)
	c.reads++
	return n, err
}

// TestChunkedReaderSkipsInlineState: a _metadata larger than wholeLimit,
// mostly inline state, decodes through 1 MiB ranged reads to the same
// snapshot as from memory, fetching a small part of it.
func TestChunkedReaderSkipsInlineState(t *testing.T) {
	var buf bytes.Buffer
	if _, err := encode.WriteInline(&buf, encode.InlineSpec{TotalBytes: 48 << 20, HandleBytes: 4 << 20, Parallelism: 4}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	want, err := parse.Decode("m", &model.Memory{Data: data}, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	src := &countingReader{r: bytes.NewReader(data)}
	ra, err := readerFor(sizedReader{src, int64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	got, err := parse.Decode("m", ra, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if got.InlineBytes != want.InlineBytes || len(got.Files) != len(want.Files) || len(got.Operators) != len(want.Operators) {
		t.Errorf("decoded through ranged reads: %d inline bytes, %d files; from memory: %d, %d", got.InlineBytes, len(got.Files), want.InlineBytes, len(want.Files))
	}
	if src.bytes > int64(len(data))/4 {
		t.Errorf("fetched %d of %d bytes in %d reads: the inline state was read", src.bytes, len(data), src.reads)
	}
	t.Logf("fetched %d of %d bytes in %d ranged reads", src.bytes, len(data), src.reads)
}

type sizedReader struct {
	io.ReaderAt
	size int64
}

func (s sizedReader) Size() int64  { return s.size }
func (s sizedReader) Close() error { return nil }

// TestLocalListing: a local folder lists as find does, folders included,
// and a snapshot folder resolves to its _metadata.
func TestLocalListing(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "job", "chk-1"), 0o755)
	os.WriteFile(filepath.Join(root, "job", "chk-1", "x"), []byte("abc"), 0o644)
	loc, _ := Parse(root)
	st, _ := Open(context.Background(), loc)
	l := walkedTree(t, st, loc)
	var paths []string
	for _, e := range l.Entries {
		paths = append(paths, e.Path)
		if e.Path == filepath.ToSlash(filepath.Join(root, "job", "chk-1", "x")) && (e.Bytes != 3 || e.Dir || e.Modified.IsZero()) {
			t.Errorf("%+v", e)
		}
	}
	if len(paths) != 4 || paths[0] != filepath.ToSlash(root) {
		t.Errorf("listed %v", paths)
	}
	if _, err := Sources(context.Background(), st, mustParse(t, filepath.Join(root, "job", "chk-1"))); err == nil {
		t.Error("a chk-1 folder without a _metadata read as a snapshot")
	}
}

func mustParse(t *testing.T, s string) Location {
	l, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestChunkedReaderReadsDenseFilesInFewRequests: a large _metadata of
// file handles only is read through in growing chunks, not 64 KiB requests.
func TestChunkedReaderReadsDenseFilesInFewRequests(t *testing.T) {
	var buf bytes.Buffer
	if _, err := encode.WriteDense(&buf, encode.DenseSpec{Operators: 6, Parallelism: 500, SharedPerSubtask: 50}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	if len(data) <= wholeLimit {
		t.Fatalf("the dense file is %d bytes, not above wholeLimit", len(data))
	}
	src := &countingReader{r: bytes.NewReader(data)}
	ra, _ := readerFor(sizedReader{src, int64(len(data))})
	s, err := parse.Decode("m", ra, int64(len(data)))
	if err != nil || s.BytesRead != int64(len(data)) {
		t.Fatalf("%v; read %d of %d", err, s.BytesRead, len(data))
	}
	// Each of the decoder's two passes: 64 KiB doubling to 8 MiB, then 8 MiB steps.
	if limit := 2 * (8 + len(data)/maxChunk); src.reads > limit {
		t.Errorf("%d ranged reads for %d bytes; want at most %d", src.reads, len(data), limit)
	}
	t.Logf("%d bytes in %d ranged reads (%d bytes fetched)", len(data), src.reads, src.bytes)
}

func TestMarkFolders(t *testing.T) {
	loc := mustParse(t, "abfss://c@acct.dfs.core.windows.net/cp/")
	objs := markFolders([]Object{
		{Path: "abfss://c@acct.dfs.core.windows.net/cp/job"},        // ADLS Gen2's directory blob
		{Path: "abfss://c@acct.dfs.core.windows.net/cp/marker/"},    // a console's folder marker
		{Path: "abfss://c@acct.dfs.core.windows.net/cp/empty"},      // an empty file
		{Path: "abfss://c@acct.dfs.core.windows.net/cp/x", Size: 3}, // a file
		{Path: "abfss://c@acct.dfs.core.windows.net/cp/y", Size: 3}, // a file beside a folder y/
	}, []string{"cp/job/", "cp/y/"}, loc)
	want := []bool{true, true, false, false, false}
	for i, o := range objs {
		if o.Dir != want[i] {
			t.Errorf("%s: folder %v, want %v", o.Path, o.Dir, want[i])
		}
	}
}

// A folder of more entries than one batch of the local listing lists each
// of them once, every folder before what it holds.
func TestLocalListingOfALargeFolder(t *testing.T) {
	root := t.TempDir()
	want := map[string]bool{filepath.ToSlash(root): true}
	for i := range 2500 {
		dir := filepath.Join(root, "shared")
		if i%1000 == 999 {
			dir = filepath.Join(root, "shared", fmt.Sprintf("sub-%d", i))
			os.MkdirAll(dir, 0o755)
			want[filepath.ToSlash(dir)] = true
		}
		p := filepath.Join(dir, fmt.Sprintf("f-%05d", i))
		os.MkdirAll(dir, 0o755)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		want[filepath.ToSlash(p)] = true
	}
	want[filepath.ToSlash(filepath.Join(root, "shared"))] = true
	seen := map[string]bool{}
	err := localStore{}.List(context.Background(), filepath.ToSlash(root), func(o Object) {
		if seen[o.Path] || !want[o.Path] || !seen[o.Path[:max(strings.LastIndexByte(o.Path, '/'), 0)]] && o.Path != filepath.ToSlash(root) {
			t.Errorf("%s: listed again, unknown, or before its folder", o.Path)
		}
		seen[o.Path] = true
	})
	if err != nil || len(seen) != len(want) {
		t.Errorf("listed %d of %d entries: %v", len(seen), len(want), err)
	}
}
