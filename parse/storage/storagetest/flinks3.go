package storagetest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
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
	// Proof is the proof by restore made on the run (proof.json), if any.
	Proof *FlinkS3Proof `json:"-"`
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
	if r.Files, err = recordedObjects(dir); err != nil {
		return nil, err
	}
	if data, err = os.ReadFile(filepath.Join(dir, "proof.json")); err == nil {
		r.Proof = &FlinkS3Proof{}
		if err := json.Unmarshal(data, r.Proof); err != nil || r.Proof.Schema != "ckptlens-flink-s3-proof/1" {
			return nil, fmt.Errorf("%s/proof.json: %v, schema %q", dir, err, r.Proof.Schema)
		}
	}
	return r, nil
}

// FlinkS3Proof is the oracle's s3-proof (S3Proof): ckptlens's plan over
// the bucket, applied through Flink's S3 file system, and each kept
// snapshot restored from the bucket with every key's state checked.
type FlinkS3Proof struct {
	Schema     string   `json:"schema"`
	Flags      []string `json:"flags"`
	ExitStatus int      `json:"exitStatus"`
	Stderr     string   `json:"stderr"`
	Deleted    []string `json:"deleted"` // relative to the root; a folder ends in /
	Kept       []string `json:"kept"`
	Restores   []struct {
		Snapshot    string   `json:"snapshot"`
		OK          bool     `json:"ok"`
		KeysChecked int      `json:"keysChecked"`
		Mismatches  []string `json:"mismatches"`
		Error       *string  `json:"error"`
		Millis      int64    `json:"millis"`
	} `json:"restores"`
	FailedRestores int   `json:"failedRestores"`
	ProofMillis    int64 `json:"proofMillis"`
}

// recordedObjects reads listing.txt ("size path" lines, paths relative to
// the root) with the recorded _metadata files' content.
func recordedObjects(dir string) ([]File, error) {
	return readSizedListing(filepath.Join(dir, "listing.txt"), func(n int64, rel string) (File, bool, error) {
		if rel == "" || strings.Contains(rel, "..") || strings.Contains(rel, ":") {
			return File{}, false, nil
		}
		if !IsMetadata(rel) {
			return File{Rel: rel, Data: make([]byte, n)}, true, nil
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err == nil && int64(len(data)) != n {
			err = fmt.Errorf("%s: %d bytes, listed at %d", rel, len(data), n)
		}
		return File{Rel: rel, Data: data}, err == nil, err
	})
}
