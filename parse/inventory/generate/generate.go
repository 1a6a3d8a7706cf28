// Package generate writes inventory reports of given objects in each
// service's layout — S3 Inventory (manifest.json with CSV, CSV.gz or
// Parquet data files), Storage Insights and Azure Blob Inventory (CSV and
// Parquet) — for tests and benchmarks of parse/inventory. Each report also
// holds rows that are no live object (older versions, delete markers,
// snapshots, soft-deleted objects), which a reader must leave out.
package generate

import (
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/parquet-go/parquet-go"
)

// Object is one live object of a bucket.
type Object struct {
	Key      string
	Size     int64
	Modified time.Time
}

// Kind is one report layout.
type Kind string

const (
	S3CSV        Kind = "s3-csv"
	S3CSVGzip    Kind = "s3-csv.gz"
	S3Parquet    Kind = "s3-parquet"
	GCSCSV       Kind = "gcs-csv"
	GCSParquet   Kind = "gcs-parquet"
	AzureCSV     Kind = "azure-csv"
	AzureParquet Kind = "azure-parquet"
)

// Kinds are every layout.
var Kinds = []Kind{S3CSV, S3CSVGzip, S3Parquet, GCSCSV, GCSParquet, AzureCSV, AzureParquet}

// Write writes a report of objs in bucket under dir and returns the path
// to give a reader: the manifest.json for S3, the data file otherwise. S3
// reports are split into data files of at most perFile objects, laid out
// as S3 writes them (prefix/bucket/config/data/… and
// prefix/bucket/config/<time>/manifest.json).
func Write(kind Kind, dir, bucket string, objs []Object, perFile int) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	switch kind {
	case S3CSV, S3CSVGzip, S3Parquet:
		return writeS3(kind, dir, bucket, objs, perFile)
	case GCSCSV:
		p := filepath.Join(dir, "inventory_"+bucket+"_0.csv")
		return p, writeFile(p, func(w io.Writer) error { return gcsCSV(w, bucket, objs) })
	case GCSParquet:
		p := filepath.Join(dir, "inventory_"+bucket+"_0.parquet")
		return p, writeFile(p, func(w io.Writer) error { return gcsParquet(w, bucket, objs) })
	case AzureCSV:
		p := filepath.Join(dir, "Rule_1_0.csv")
		return p, writeFile(p, func(w io.Writer) error { return azureCSV(w, objs) })
	case AzureParquet:
		p := filepath.Join(dir, "Rule_1_0.parquet")
		return p, writeFile(p, func(w io.Writer) error { return azureParquet(w, objs) })
	}
	return "", fmt.Errorf("generate: unknown kind %q", kind)
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ghost is a row of no live object, written after every tenth object.
func ghost(o Object) Object {
	return Object{Key: o.Key + ".old", Size: o.Size / 2, Modified: o.Modified.Add(-time.Hour)}
}

func writeS3(kind Kind, dir, bucket string, objs []Object, perFile int) (string, error) {
	if perFile <= 0 {
		perFile = len(objs) + 1
	}
	config := filepath.Join(dir, "inventory", bucket, "daily")
	if err := os.MkdirAll(filepath.Join(config, "data"), 0o755); err != nil {
		return "", err
	}
	type file struct {
		Key         string `json:"key"`
		Size        int64  `json:"size"`
		MD5checksum string `json:"MD5checksum"`
	}
	var files []file
	for start, n := 0, 0; start < len(objs) || n == 0; start, n = start+perFile, n+1 {
		part := objs[start:min(start+perFile, len(objs))]
		name := fmt.Sprintf("data/%08d-0000-4000-8000-000000000000", n)
		var write func(io.Writer) error
		switch kind {
		case S3CSV:
			name += ".csv"
			write = func(w io.Writer) error { return s3CSV(w, bucket, part) }
		case S3CSVGzip:
			name += ".csv.gz"
			write = func(w io.Writer) error {
				zw := gzip.NewWriter(w)
				if err := s3CSV(zw, bucket, part); err != nil {
					return err
				}
				return zw.Close()
			}
		default:
			name += ".parquet"
			write = func(w io.Writer) error { return s3Parquet(w, bucket, part) }
		}
		p := filepath.Join(config, name)
		if err := writeFile(p, write); err != nil {
			return "", err
		}
		st, err := os.Stat(p)
		if err != nil {
			return "", err
		}
		files = append(files, file{Key: "inventory/" + bucket + "/daily/" + name, Size: st.Size(), MD5checksum: "-"})
	}
	format, schema := "CSV", "Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size, LastModifiedDate, ETag, StorageClass"
	if kind == S3Parquet {
		format, schema = "Parquet", "message s3.inventory { required binary bucket (UTF8); required binary key (UTF8); optional boolean is_latest; optional boolean is_delete_marker; optional int64 size; optional int64 last_modified_date (TIMESTAMP_MILLIS); optional binary e_tag (UTF8); optional binary storage_class (UTF8);}"
	}
	manifest := filepath.Join(config, "2024-05-02T01-00Z", "manifest.json")
	if err := os.MkdirAll(filepath.Dir(manifest), 0o755); err != nil {
		return "", err
	}
	b, _ := json.MarshalIndent(map[string]any{
		"sourceBucket": bucket, "destinationBucket": "arn:aws:s3:::inventory-" + bucket,
		"version": "2016-11-30", "creationTimestamp": "1714611600000",
		"fileFormat": format, "fileSchema": schema, "files": files,
	}, "", "  ")
	return manifest, os.WriteFile(manifest, b, 0o644)
}

// s3CSV writes S3's CSV rows: no header, keys form-encoded, times in ms.
func s3CSV(w io.Writer, bucket string, objs []Object) error {
	cw := csv.NewWriter(w)
	for i, o := range objs {
		rec := []string{bucket, url.QueryEscape(o.Key), "v1", "true", "false",
			strconv.FormatInt(o.Size, 10), o.Modified.UTC().Format("2006-01-02T15:04:05.000Z"), "\"etag\"", "STANDARD"}
		cw.Write(rec)
		if i%10 == 0 {
			g := ghost(o)
			cw.Write([]string{bucket, url.QueryEscape(g.Key), "v0", "false", "false", "1", rec[6], "", "STANDARD"})
			cw.Write([]string{bucket, url.QueryEscape(g.Key), "v2", "true", "true", "", "", "", ""})
		}
	}
	cw.Flush()
	return cw.Error()
}

type s3Row struct {
	Bucket         string    `parquet:"bucket"`
	Key            string    `parquet:"key"`
	IsLatest       bool      `parquet:"is_latest"`
	IsDeleteMarker bool      `parquet:"is_delete_marker"`
	Size           *int64    `parquet:"size,optional"`
	LastModified   time.Time `parquet:"last_modified_date,timestamp(millisecond)"`
	ETag           string    `parquet:"e_tag"`
	StorageClass   string    `parquet:"storage_class"`
}

func s3Parquet(w io.Writer, bucket string, objs []Object) error {
	pw := parquet.NewGenericWriter[s3Row](w)
	for i, o := range objs {
		size := o.Size
		rows := []s3Row{{bucket, o.Key, true, false, &size, o.Modified, "etag", "STANDARD"}}
		if i%10 == 0 {
			g := ghost(o)
			rows = append(rows, s3Row{bucket, g.Key, false, false, &g.Size, g.Modified, "", "STANDARD"},
				s3Row{bucket, g.Key, true, true, nil, g.Modified, "", ""})
		}
		if _, err := pw.Write(rows); err != nil {
			return err
		}
	}
	return pw.Close()
}

var gcsHeader = []string{"project", "bucket", "name", "location", "size", "timeCreated", "timeDeleted", "updated", "storageClass", "etag"}

func gcsCSV(w io.Writer, bucket string, objs []Object) error {
	cw := csv.NewWriter(w)
	cw.Write(gcsHeader)
	for i, o := range objs {
		t := o.Modified.UTC().Format(time.RFC3339Nano)
		cw.Write([]string{"p", bucket, o.Key, "EU", strconv.FormatInt(o.Size, 10), t, "", t, "STANDARD", "e"})
		if i%10 == 0 {
			g := ghost(o)
			cw.Write([]string{"p", bucket, g.Key, "EU", "1", t, t, t, "STANDARD", "e"}) // soft-deleted
		}
	}
	cw.Flush()
	return cw.Error()
}

type gcsRow struct {
	Project      string     `parquet:"project"`
	Bucket       string     `parquet:"bucket"`
	Name         string     `parquet:"name"`
	Size         int64      `parquet:"size"`
	TimeCreated  time.Time  `parquet:"timeCreated,timestamp(microsecond)"`
	TimeDeleted  *time.Time `parquet:"timeDeleted,optional,timestamp(microsecond)"`
	Updated      time.Time  `parquet:"updated,timestamp(microsecond)"`
	StorageClass string     `parquet:"storageClass"`
}

func gcsParquet(w io.Writer, bucket string, objs []Object) error {
	pw := parquet.NewGenericWriter[gcsRow](w)
	for i, o := range objs {
		rows := []gcsRow{{"p", bucket, o.Key, o.Size, o.Modified, nil, o.Modified, "STANDARD"}}
		if i%10 == 0 {
			g := ghost(o)
			rows = append(rows, gcsRow{"p", bucket, g.Key, 1, g.Modified, &g.Modified, g.Modified, "STANDARD"})
		}
		if _, err := pw.Write(rows); err != nil {
			return err
		}
	}
	return pw.Close()
}

var azureHeader = []string{"Name", "Creation-Time", "Last-Modified", "Content-Length", "BlobType", "AccessTier", "Snapshot", "IsCurrentVersion"}

func azureCSV(w io.Writer, objs []Object) error {
	cw := csv.NewWriter(w)
	cw.Write(azureHeader)
	for i, o := range objs {
		t := o.Modified.UTC().Format("2006-01-02T15:04:05.0000000Z")
		cw.Write([]string{o.Key, t, t, strconv.FormatInt(o.Size, 10), "BlockBlob", "Hot", "", "true"})
		if i%10 == 0 {
			cw.Write([]string{o.Key, t, t, "1", "BlockBlob", "Hot", t, ""})       // a snapshot
			cw.Write([]string{o.Key, t, t, "2", "BlockBlob", "Hot", "", "false"}) // an older version
		}
	}
	cw.Flush()
	return cw.Error()
}

type azureRow struct {
	Name             string    `parquet:"Name"`
	CreationTime     time.Time `parquet:"Creation-Time,timestamp(millisecond)"`
	LastModified     time.Time `parquet:"Last-Modified,timestamp(millisecond)"`
	ContentLength    int64     `parquet:"Content-Length"`
	BlobType         string    `parquet:"BlobType"`
	Snapshot         *string   `parquet:"Snapshot,optional"`
	IsCurrentVersion *bool     `parquet:"IsCurrentVersion,optional"`
}

func azureParquet(w io.Writer, objs []Object) error {
	pw := parquet.NewGenericWriter[azureRow](w)
	yes, no, snap := true, false, "2024-05-01T10:00:00.0000000Z"
	for i, o := range objs {
		rows := []azureRow{{o.Key, o.Modified, o.Modified, o.Size, "BlockBlob", nil, &yes}}
		if i%10 == 0 {
			rows = append(rows, azureRow{o.Key, o.Modified, o.Modified, 1, "BlockBlob", &snap, nil},
				azureRow{o.Key, o.Modified, o.Modified, 2, "BlockBlob", nil, &no})
		}
		if _, err := pw.Write(rows); err != nil {
			return err
		}
	}
	return pw.Close()
}
