package inventory

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
)

// parquetRows reads a Parquet data file row group by row group, a batch of
// rows at a time.
type parquetRows struct {
	path   string
	f      *os.File
	groups []parquet.RowGroup
	rows   parquet.Rows
	batch  []parquet.Row
	have   int // rows in batch
	at     int // next row of batch
	n      int64
	layout *layout
	cells  parquetCells
}

// damaged turns a panic of the Parquet library on a corrupt file into an
// error naming the file: a damaged report must not stop the CLI.
func damaged(path string, err *error) {
	if r := recover(); r != nil {
		*err = &Error{File: path, What: fmt.Sprintf("a damaged Parquet file (%v)", r)}
	}
}

func openParquet(path string) (_ rows, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	defer damaged(path, &err)
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	pf, err := parquet.OpenFile(f, st.Size(), parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, &Error{File: path, What: "a Parquet file: " + err.Error()}
	}
	if err := checkSizes(pf, st.Size()); err != nil {
		return nil, &Error{File: path, What: err.Error()}
	}
	p := &parquetRows{path: path, f: f, groups: pf.RowGroups(), batch: make([]parquet.Row, 256)}
	var names []string
	for _, col := range pf.Schema().Columns() {
		leaf, _ := pf.Schema().Lookup(col...)
		names = append(names, strings.Join(col, "."))
		p.cells.units = append(p.cells.units, timeUnit(leaf.Node.Type()))
	}
	if p.layout, err = layoutOf(names); err != nil {
		return nil, &Error{File: path, What: err.Error()}
	}
	return p, nil
}

// maxExpansion bounds how much larger than the file its column chunks may
// say they are uncompressed: the reader allocates what they say, and an
// inventory's columns compress far less than this.
const maxExpansion = 1000

// checkSizes refuses a file whose metadata claims more data than the file
// can hold, before anything is allocated for it.
func checkSizes(pf *parquet.File, size int64) error {
	for _, rg := range pf.Metadata().RowGroups {
		for _, cc := range rg.Columns {
			m := cc.MetaData
			if m.TotalCompressedSize < 0 || m.TotalCompressedSize > size || m.TotalUncompressedSize < 0 ||
				m.TotalUncompressedSize > max(size, 1<<20)*maxExpansion {
				return fmt.Errorf("a column chunk of %d bytes (%d uncompressed) in a file of %d: the file is damaged",
					m.TotalCompressedSize, m.TotalUncompressedSize, size)
			}
		}
	}
	return nil
}

// timeUnit is what one integer of a timestamp column counts (0: none).
func timeUnit(t parquet.Type) time.Duration {
	if lt := t.LogicalType(); lt != nil {
		if ts, ok := lt.Value.(*format.TimestampType); ok && ts.Unit.Value != nil {
			return ts.Unit.Value.Duration()
		}
	}
	if ct := t.ConvertedType(); ct != nil {
		switch *ct {
		case deprecated.TimestampMillis:
			return time.Millisecond
		case deprecated.TimestampMicros:
			return time.Microsecond
		}
	}
	return 0
}

func (p *parquetRows) next() (_ row, _ bool, err error) {
	defer damaged(p.path, &err)
	for p.at == p.have {
		if p.rows == nil {
			if len(p.groups) == 0 {
				return row{}, false, nil
			}
			p.rows, p.groups = p.groups[0].Rows(), p.groups[1:]
		}
		n, err := p.rows.ReadRows(p.batch)
		p.have, p.at = n, 0
		if errors.Is(err, io.EOF) {
			p.rows.Close()
			p.rows = nil
		} else if err != nil {
			return row{}, false, &Error{File: p.path, Row: p.n + 1, What: err.Error()}
		}
	}
	p.n++
	p.cells.row = p.batch[p.at]
	p.at++
	ro, err := p.layout.row(&p.cells)
	if err != nil {
		return ro, false, &Error{File: p.path, Row: p.n, What: "expected " + err.Error()}
	}
	return ro, true, nil
}

func (p *parquetRows) close() error {
	if p.rows != nil {
		p.rows.Close()
	}
	return p.f.Close()
}

// parquetCells is one row of a flat schema: value i is leaf column i.
type parquetCells struct {
	row   parquet.Row
	units []time.Duration
}

func (c *parquetCells) value(col int) (parquet.Value, bool) {
	for _, v := range c.row { // flat: values are in column order, one each
		if v.Column() == col {
			return v, !v.IsNull()
		}
	}
	return parquet.Value{}, false
}

func (c *parquetCells) str(col int) (string, bool) {
	v, ok := c.value(col)
	if !ok {
		return "", false
	}
	switch v.Kind() {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return string(v.ByteArray()), true
	case parquet.Boolean:
		return strconv.FormatBool(v.Boolean()), true
	}
	return v.String(), true
}

func (c *parquetCells) integer(col int) (int64, error) {
	v, ok := c.value(col)
	switch {
	case !ok:
		return 0, fmt.Errorf("a null")
	case v.Kind() == parquet.Int64:
		return v.Int64(), nil
	case v.Kind() == parquet.Int32:
		return int64(v.Int32()), nil
	}
	return strconv.ParseInt(string(v.ByteArray()), 10, 64)
}

func (c *parquetCells) time(col int) (time.Time, error) {
	v, ok := c.value(col)
	switch {
	case !ok:
		return time.Time{}, fmt.Errorf("a null")
	case v.Kind() == parquet.Int64 && c.units[col] > 0:
		return time.Unix(0, 0).UTC().Add(time.Duration(v.Int64()) * c.units[col]), nil
	case v.Kind() == parquet.ByteArray:
		return parseTime(string(v.ByteArray()))
	}
	return time.Time{}, fmt.Errorf("a timestamp column, found %s", v.Kind())
}
