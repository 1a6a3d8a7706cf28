package inventory

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// csvRows reads a CSV data file, gzip-compressed or not.
type csvRows struct {
	path   string
	f      *os.File
	r      *csv.Reader
	layout *layout
	rec    csvCells
	n      int64
}

// openCSV opens a CSV data file; columns are the manifest's (S3 data files
// have no header), or nil to read them from the header row.
func openCSV(path string, columns []string) (rows, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 256<<10)
	var in io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		if in, err = gzip.NewReader(br); err != nil {
			f.Close()
			return nil, &Error{File: path, What: "a gzip stream: " + err.Error()}
		}
	}
	c := &csvRows{path: path, f: f, r: csv.NewReader(&lineLimit{r: in})}
	c.r.ReuseRecord = true
	c.r.FieldsPerRecord = -1
	fromHeader := columns == nil
	if fromHeader {
		header, err := c.r.Read()
		if err == nil {
			columns = append([]string(nil), header...)
		}
	}
	if c.layout, err = layoutOf(columns); err != nil {
		f.Close()
		if fromHeader && errors.Is(err, errNoFlavor) {
			err = errors.New("no header row naming the columns (an S3 Inventory CSV file is read through its manifest.json)")
		}
		return nil, &Error{File: path, What: err.Error()}
	}
	c.layout.urlEncoded = c.layout.format == FormatS3
	return c, nil
}

func (c *csvRows) next() (row, bool, error) {
	rec, err := c.r.Read()
	if err == io.EOF {
		return row{}, false, nil
	}
	c.n++
	if err != nil {
		return row{}, false, &Error{File: c.path, Row: c.n, What: err.Error()}
	}
	c.rec = csvCells(rec)
	ro, err := c.layout.row(c.rec)
	if err != nil {
		return ro, false, &Error{File: c.path, Row: c.n, What: "expected " + err.Error()}
	}
	return ro, true, nil
}

func (c *csvRows) close() error { return c.f.Close() }

// csvCells is one CSV record.
type csvCells []string

func (c csvCells) str(col int) (string, bool) {
	if col < 0 || col >= len(c) || c[col] == "" {
		return "", false
	}
	return c[col], true
}

func (c csvCells) integer(col int) (int64, error) {
	s, ok := c.str(col)
	if !ok {
		return 0, fmt.Errorf("an empty field")
	}
	return strconv.ParseInt(s, 10, 64)
}

func (c csvCells) time(col int) (time.Time, error) {
	s, ok := c.str(col)
	if !ok {
		return time.Time{}, fmt.Errorf("an empty field")
	}
	return parseTime(s)
}

// maxLine bounds one CSV row (object names are at most 1 KiB on S3 and
// GCS): a file without newlines must not be read into one record.
const maxLine = 1 << 20

// lineLimit fails a read once a line runs past maxLine.
type lineLimit struct {
	r   io.Reader
	run int // bytes since the last newline
}

func (l *lineLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	if i := bytes.LastIndexByte(p[:n], '\n'); i >= 0 {
		l.run = n - i - 1
	} else {
		l.run += n
	}
	if l.run > maxLine {
		return n, fmt.Errorf("a row longer than %d bytes", maxLine)
	}
	return n, err
}
