// Package storagetest puts the Flink oracle's real checkpoint trees onto
// real storage servers it starts (an S3 server, fake-gcs-server, Azurite,
// Hadoop's MiniDFSCluster), for the tests and benchmarks of parse/storage
// and the CLI. Servers are built or downloaded once into ~/.cache/ckptlens.
package storagetest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// File is one file of a checkpoint tree: its path relative to the tree's
// root and its content.
type File struct {
	Rel  string
	Data []byte
}

// OracleRoot is where the Flink oracle wrote a scenario's files: the
// paths inside its _metadata start with "file:" + OracleRoot(...).
func OracleRoot(release, scenario string) string {
	return "/tmp/ckptlens-oracle/" + release + "/" + scenario
}

// Tree is a scenario of testdata/flink/generated as the files it had when
// the oracle listed it: every listed file at its size (zeros: the planner
// reads names, sizes and times only), and the real _metadata files with
// every path under the oracle's root rewritten to start with newRoot.
func Tree(generated, release, scenario, newRoot string) ([]File, error) {
	dir := filepath.Join(generated, release, scenario)
	old := OracleRoot(release, scenario)
	return readSizedListing(filepath.Join(dir, "listing.txt"), func(n int64, p string) (File, bool, error) {
		rel, under := strings.CutPrefix(p, old+"/")
		if !under {
			return File{}, false, nil
		}
		data := make([]byte, n)
		if IsMetadata(rel) {
			var err error
			if data, err = rewrittenMetadata(filepath.Join(dir, rel), "file:"+old, newRoot); err != nil {
				return File{}, false, err
			}
		}
		return File{Rel: rel, Data: data}, true, nil
	})
}

// readSizedListing reads a "size path" listing (find -printf '%s %p\n'),
// each line made a File by file; ok false rejects the line.
func readSizedListing(listing string, file func(size int64, path string) (f File, ok bool, err error)) ([]File, error) {
	f, err := os.Open(listing)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var files []File
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		size, p, ok := strings.Cut(sc.Text(), " ")
		n, err := strconv.ParseInt(size, 10, 64)
		if !ok || err != nil || n < 0 || n > 64<<20 {
			return nil, fmt.Errorf("%s:%d: unexpected line %q", listing, line, sc.Text())
		}
		fl, ok, err := file(n, p)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("%s:%d: unexpected line %q", listing, line, sc.Text())
		}
		files = append(files, fl)
	}
	return files, sc.Err()
}

func rewrittenMetadata(path, from, to string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out, _, err := RewritePaths(data, from, to)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// RewritePaths replaces the prefix from of every path string in a Flink
// _metadata with to. Flink writes paths with DataOutput.writeUTF: a
// two-byte length, then the bytes; a string starting with from whose length
// prefix covers it is rewritten with its length. n counts the rewrites.
// Callers check the result decodes to the same snapshot (see the tests).
func RewritePaths(data []byte, from, to string) (out []byte, n int, err error) {
	var b bytes.Buffer
	last := 0
	for i := 0; ; {
		j := bytes.Index(data[i:], []byte(from))
		if j < 0 {
			break
		}
		at := i + j
		i = at + 1
		if at < 2 {
			continue
		}
		length := int(data[at-2])<<8 | int(data[at-1])
		if length < len(from) || at+length > len(data) || !utf8.Valid(data[at:at+length]) {
			continue
		}
		rest := data[at+len(from) : at+length]
		newLen := len(to) + len(rest)
		if newLen > 0xFFFF {
			return nil, n, fmt.Errorf("a rewritten path at byte %d is longer than writeUTF allows", at)
		}
		b.Write(data[last : at-2])
		b.Write([]byte{byte(newLen >> 8), byte(newLen)})
		b.WriteString(to)
		b.Write(rest)
		last, i = at+length, at+length
		n++
	}
	b.Write(data[last:])
	return b.Bytes(), n, nil
}

// WriteLocal writes a tree under root: listed files as sparse files of
// their size, _metadata files whole, each at its ModTime from base.
func WriteLocal(root string, files []File, base time.Time) error {
	for _, f := range files {
		p := filepath.Join(root, filepath.FromSlash(f.Rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := writeSparse(p, f); err != nil {
			return err
		}
		t := ModTime(f.Rel, base)
		if err := os.Chtimes(p, t, t); err != nil {
			return err
		}
	}
	return nil
}

// CheckpointStep is how far apart ModTime puts consecutive checkpoints:
// more than the planner's default margin, so older checkpoints are plannable.
const CheckpointStep = 20 * time.Minute

// ModTime is when a tree's file is taken to have been written, as a job
// writes them: the files of chk-N at base + N steps, its _metadata a
// minute later; savepoints after every checkpoint; shared/ and other
// files at base (before the checkpoints that reference them).
func ModTime(rel string, base time.Time) time.Time {
	parts := strings.Split(rel, "/")
	t := base
	for _, p := range parts[:len(parts)-1] {
		if id, ok := strings.CutPrefix(p, "chk-"); ok {
			n, _ := strconv.Atoi(id)
			t = base.Add(time.Duration(n) * CheckpointStep)
		} else if strings.HasPrefix(p, "savepoint-") {
			t = base.Add(100 * CheckpointStep)
		}
	}
	if IsMetadata(rel) {
		t = t.Add(time.Minute)
	}
	return t
}

// IsMetadata reports whether a tree's file is a _metadata.
func IsMetadata(rel string) bool { return filepath.Base(rel) == "_metadata" }

func writeSparse(p string, f File) error {
	if IsMetadata(f.Rel) {
		return os.WriteFile(p, f.Data, 0o644)
	}
	if err := os.WriteFile(p, nil, 0o644); err != nil {
		return err
	}
	return os.Truncate(p, int64(len(f.Data)))
}
