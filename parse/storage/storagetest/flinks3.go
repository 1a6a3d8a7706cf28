package storagetest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// FlinkS3Run is what the Flink oracle's s3 command (testdata/flink/oracle,
// S3Run) recorded of real Flink writing to an S3 server through Flink's
// own S3 file system: run.json, listing.txt and every _metadata.
type FlinkS3Run struct {
	Dir          string   `json:"-"`
	Schema       string   `json:"schema"`
	FlinkVersion string   `json:"flinkVersion"`
	Plugins      []string `json:"plugins"`
	Root         string   `json:"root"`       // s3://bucket/dir/, as Flink was given it
	EntropyKey   string   `json:"entropyKey"` // s3.entropy.key, when the run injected entropy
	Job          string   `json:"job"`
	Savepoint    string   `json:"savepoint"`
	Retained     int      `json:"retained"`
	Metadata     []string `json:"metadata"` // relative to Root
	JobMillis    int64    `json:"jobMillis"`
	TotalMillis  int64    `json:"totalMillis"`
	// Files are the objects Flink's file system listed under Root: their
	// sizes, and the _metadata files' content (the rest are zeros).
	Files []File `json:"-"`
}

// ReadFlinkS3Run reads a recording from dir.
func ReadFlinkS3Run(dir string) (*FlinkS3Run, error) {
	data, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		return nil, err
	}
	r := &FlinkS3Run{Dir: dir}
	if err := json.Unmarshal(data, r); err != nil {
		return nil, fmt.Errorf("%s/run.json: %w", dir, err)
	}
	if r.Schema != "ckptlens-flink-s3/1" || !strings.HasPrefix(r.Root, "s3://") || !strings.HasSuffix(r.Root, "/") {
		return nil, fmt.Errorf("%s/run.json: schema %q, root %q", dir, r.Schema, r.Root)
	}
	r.Files, err = recordedObjects(dir)
	return r, err
}

// recordedObjects reads listing.txt ("size path" lines, paths relative to
// the root) with the recorded _metadata files' content.
func recordedObjects(dir string) ([]File, error) {
	f, err := os.Open(filepath.Join(dir, "listing.txt"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var files []File
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		size, rel, ok := strings.Cut(sc.Text(), " ")
		n, err := strconv.ParseInt(size, 10, 64)
		if !ok || err != nil || n < 0 || n > 64<<20 || rel == "" || strings.Contains(rel, "..") {
			return nil, fmt.Errorf("%s/listing.txt:%d: unexpected line %q", dir, line, sc.Text())
		}
		data := make([]byte, n)
		if IsMetadata(rel) {
			if data, err = os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel))); err != nil {
				return nil, err
			}
			if int64(len(data)) != n {
				return nil, fmt.Errorf("%s: %d bytes, listed at %d", rel, len(data), n)
			}
		}
		files = append(files, File{Rel: rel, Data: data})
	}
	return files, sc.Err()
}
