package inventory

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// s3Manifest is the part of an S3 Inventory manifest.json this reader uses.
type s3Manifest struct {
	SourceBucket string `json:"sourceBucket"`
	FileFormat   string `json:"fileFormat"` // CSV, ORC or Parquet
	FileSchema   string `json:"fileSchema"` // CSV: "Bucket, Key, Size, …"
	Files        []struct {
		Key  string `json:"key"`
		Size int64  `json:"size"`
	} `json:"files"`
}

// maxManifest bounds the manifest read whole: a manifest names one data
// file per few million objects.
const maxManifest = 64 << 20

// openManifest reads an S3 Inventory manifest and the data files it lists,
// found beside it as they were downloaded (see findData).
func openManifest(path string) (*Reader, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.Size() > maxManifest {
		return nil, &Error{File: path, What: fmt.Sprintf("a manifest of %d bytes, more than an S3 Inventory manifest holds", st.Size())}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m s3Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, &Error{File: path, What: "an S3 Inventory manifest.json: " + err.Error()}
	}
	r := &Reader{format: FormatS3}
	if m.SourceBucket != "" {
		r.root = rootOf(FormatS3, m.SourceBucket)
	}
	switch strings.ToUpper(m.FileFormat) {
	case "CSV":
		var columns []string
		for _, c := range strings.Split(m.FileSchema, ",") {
			columns = append(columns, strings.TrimSpace(c))
		}
		r.open = func(p string) (rows, error) { return openCSV(p, columns) }
	case "PARQUET":
		r.open = openParquet
	default:
		return nil, &Error{File: path, What: fmt.Sprintf("data files in %q: this reader reads CSV and Parquet inventories (configure one of them)", m.FileFormat)}
	}
	if len(m.Files) == 0 {
		return nil, &Error{File: path, What: "a manifest listing no data files"}
	}
	for _, f := range m.Files {
		p, err := findData(path, f.Key, f.Size)
		if err != nil {
			return nil, err
		}
		r.files = append(r.files, p)
	}
	return r, nil
}

// findData finds a data file the manifest names by its key in the
// destination bucket ("prefix/bucket/config/data/x.csv.gz", the manifest
// being at "prefix/bucket/config/2024-05-01T00-00Z/manifest.json"): the
// key's trailing parts under the manifest's folder or one of its parents.
// A file of another size than the manifest says is cut or another one.
func findData(manifest, key string, size int64) (string, error) {
	parts := strings.Split(strings.Trim(key, "/"), "/")
	dir := filepath.Dir(manifest)
	for up := 0; up < 8; up++ {
		for i := range parts {
			p := filepath.Join(dir, filepath.Join(parts[i:]...))
			st, err := os.Stat(p)
			if err != nil || !st.Mode().IsRegular() {
				continue
			}
			if st.Size() != size {
				return "", &Error{File: p, What: fmt.Sprintf("%d bytes where the manifest says %d: the download is incomplete or another report's", st.Size(), size)}
			}
			return p, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", &Error{File: manifest, What: fmt.Sprintf("data file %s not found beside the manifest or in its parent folders (download the report's data/ folder with it)", key)}
}
