// Package inventory reads the object inventories that storage services write
// on a schedule — S3 Inventory, Google Cloud Storage Insights inventory
// reports, Azure Blob Inventory — as listings: one entry per live object,
// with its size and modification time. A bucket of a hundred million objects
// takes hours to list, but its inventory is already written.
//
// Reports are recognised by their content: an S3 manifest.json (its data
// files are found beside it, and their columns come from its fileSchema), or
// one data file in CSV (gzip-compressed or not) or Apache Parquet. Entries
// are object names relative to their bucket or container, as `aws s3 ls`
// prints keys; Root says where they are when the report names it.
//
// Parquet is read with github.com/parquet-go/parquet-go. The page does not
// link this package.
package inventory

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"
)

// Formats of the entries an inventory yields.
const (
	FormatS3    = listing.FormatS3Inventory
	FormatGCS   = listing.FormatGCSInventory
	FormatAzure = listing.FormatAzureInventory
)

// Error says what in an inventory could not be read, and where.
type Error struct {
	File string // the data file or manifest
	Row  int64  // 1-based data row (a CSV header is row 0); 0 when not about a row
	What string
}

func (e *Error) Error() string {
	if e.Row > 0 {
		return fmt.Sprintf("inventory %s, row %d: %s", e.File, e.Row, e.What)
	}
	return fmt.Sprintf("inventory %s: %s", e.File, e.What)
}

// row is one object as a data file describes it.
type row struct {
	format       listing.Format
	bucket, name string
	size         int64
	modified     time.Time
	// gone marks what is not a live object: a delete marker, an older
	// version, a snapshot, a soft-deleted object.
	gone bool
	dir  bool // an Azure Data Lake folder (hdi_isfolder)
}

// rows yields the rows of one data file.
type rows interface {
	next() (row, bool, error)
	close() error
}

// Reader reads an inventory's entries one at a time (a listing.Stream).
type Reader struct {
	format listing.Format
	root   string
	files  []string // data files still to open
	open   func(path string) (rows, error)
	cur    rows
	entry  listing.Entry
	err    error
}

// Is reports whether the file at path looks like an inventory report, by
// its first bytes.
func Is(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	return sniff(head[:n]) != kindNone
}

type kind int

const (
	kindNone kind = iota
	kindManifest
	kindParquet
	kindGzip
	kindCSV
)

func sniff(head []byte) kind {
	switch {
	case bytes.HasPrefix(head, []byte("PAR1")):
		return kindParquet
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return kindGzip
	case bytes.HasPrefix(bytes.TrimSpace(head), []byte("{")) && bytes.Contains(head, []byte(`"fileSchema"`)):
		return kindManifest
	}
	if _, ok := headerFlavor(head); ok {
		return kindCSV
	}
	return kindNone
}

// Open reads the inventory at path: an S3 manifest.json or one data file.
func Open(path string) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	f.Close()
	switch sniff(head[:n]) {
	case kindManifest:
		return openManifest(path)
	case kindParquet:
		return &Reader{files: []string{path}, open: openParquet}, nil
	case kindGzip, kindCSV:
		return &Reader{files: []string{path}, open: func(p string) (rows, error) { return openCSV(p, nil) }}, nil
	}
	return nil, &Error{File: path, What: "not an inventory report: expected an S3 Inventory manifest.json, " +
		"or a CSV, CSV.gz or Parquet data file of S3 Inventory, Storage Insights or Azure Blob Inventory"}
}

// Next reads the next live object; false at the end or at an error.
func (r *Reader) Next() bool {
	for r.err == nil {
		if r.cur == nil {
			if len(r.files) == 0 {
				return false
			}
			r.cur, r.err = r.open(r.files[0])
			r.files = r.files[1:]
			continue
		}
		ro, ok, err := r.cur.next()
		if err != nil || !ok {
			if cerr := r.cur.close(); err == nil {
				err = cerr
			}
			r.cur, r.err = nil, err
			continue
		}
		if ro.gone {
			continue
		}
		r.note(ro)
		r.entry = listing.Entry{Path: ro.name, Bytes: ro.size, Dir: ro.dir, Relative: true, Modified: ro.modified}
		if ro.dir {
			r.entry.Bytes = 0
		}
		return true
	}
	return false
}

// note takes the format and root from the first row, and checks that every
// row is of the same bucket: entries are relative to one root.
func (r *Reader) note(ro row) {
	if r.format == "" {
		r.format = ro.format
	}
	root := rootOf(r.format, ro.bucket)
	switch {
	case root == "":
	case r.root == "":
		r.root = root
	case root != r.root:
		r.err = errors.New("inventory: objects of two buckets (" + r.root + " and " + root + "); give one bucket's report")
	}
}

// Entry is the entry Next read.
func (r *Reader) Entry() listing.Entry { return r.entry }

// Err is the first error; nil at a clean end.
func (r *Reader) Err() error { return r.err }

// Format is the kind of inventory ("" before the first entry).
func (r *Reader) Format() listing.Format { return r.format }

// Root is what the entries are relative to, "s3://bucket/" or
// "gs://bucket/", when the report names the bucket; "" otherwise (Azure
// names no account or container).
func (r *Reader) Root() string { return r.root }

// Close closes the data file being read.
func (r *Reader) Close() error {
	if r.cur != nil {
		return r.cur.close()
	}
	return nil
}
