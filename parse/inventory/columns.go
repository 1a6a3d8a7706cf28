package inventory

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/ckptlens/ckptlens/parse/listing"
)

// The columns each service writes, by normalised name (lower case, letters
// and digits only: S3's CSV "LastModifiedDate" and Parquet
// "last_modified_date" are one column).
var flavors = []struct {
	format listing.Format
	has    string // the column that tells this service's reports apart
	roles  roles
}{
	{FormatS3, "key", roles{bucket: "bucket", name: "key", size: "size", modified: "lastmodifieddate",
		current: "islatest", deleted: "isdeletemarker"}},
	{FormatAzure, "contentlength", roles{name: "name", size: "contentlength", modified: "lastmodified",
		current: "iscurrentversion", deleted: "deleted", snapshot: "snapshot", folder: "hdiisfolder"}},
	{FormatGCS, "name", roles{bucket: "bucket", name: "name", size: "size", modified: "updated",
		deletedAt: "timedeleted"}},
}

// roles names the columns that make an entry; "" where a service has none.
type roles struct {
	bucket, name, size, modified string
	current                      string // false: an older version
	deleted                      string // true: a delete marker or a deleted blob
	deletedAt                    string // set: a soft-deleted object
	snapshot                     string // set: a blob snapshot, not the blob
	folder                       string // true: a Data Lake folder
}

// layout is where each role's column is in one data file (-1: absent).
type layout struct {
	format                                        listing.Format
	bucket, name, size, modified                  int
	current, deleted, deletedAt, snapshot, folder int
	// urlEncoded: S3 Inventory CSV writes keys URL-encoded (form
	// encoding: "+" is a space); its Parquet files do not.
	urlEncoded bool
}

func normalise(col string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(col) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// layoutOf finds the service and its columns from a data file's column
// names; it needs at least the name, size and modification time.
func layoutOf(columns []string) (*layout, error) {
	at := map[string]int{}
	for i, c := range columns {
		if _, dup := at[normalise(c)]; !dup {
			at[normalise(c)] = i
		}
	}
	idx := func(name string) int {
		if i, ok := at[name]; ok && name != "" {
			return i
		}
		return -1
	}
	for _, f := range flavors {
		if idx(f.has) < 0 {
			continue
		}
		r := f.roles
		l := &layout{format: f.format, bucket: idx(r.bucket), name: idx(r.name), size: idx(r.size),
			modified: idx(r.modified), current: idx(r.current), deleted: idx(r.deleted),
			deletedAt: idx(r.deletedAt), snapshot: idx(r.snapshot), folder: idx(r.folder)}
		var missing []string
		for _, m := range []struct {
			i    int
			name string
		}{{l.name, r.name}, {l.size, r.size}, {l.modified, r.modified}} {
			if m.i < 0 {
				missing = append(missing, m.name)
			}
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("a %s report without the %s field(s): add them to the inventory's configuration (a plan needs sizes and times)",
				f.format, strings.Join(missing, ", "))
		}
		return l, nil
	}
	return nil, fmt.Errorf("%w: columns %q", errNoFlavor, columns)
}

// errNoFlavor: the columns are no service's.
var errNoFlavor = errors.New("no object key, blob name or object name column")

// headerFlavor reads a CSV header row (GCS and Azure reports start with
// one; S3's data files have none, their manifest lists the columns).
func headerFlavor(head []byte) (*layout, bool) {
	line, _, _ := bytes.Cut(head, []byte("\n"))
	rec, err := csv.NewReader(bytes.NewReader(line)).Read()
	if err != nil {
		return nil, false
	}
	l, err := layoutOf(rec)
	return l, !errors.Is(err, errNoFlavor) // a report lacking a needed column says so when opened
}

// cells reads one data row's values, whatever the file's encoding.
type cells interface {
	str(col int) (string, bool) // false: absent or null
	integer(col int) (int64, error)
	time(col int) (time.Time, error)
}

// row makes one row from its cells.
func (l *layout) row(c cells) (row, error) {
	ro := row{format: l.format}
	var err error
	ro.bucket, _ = c.str(l.bucket)
	name, ok := c.str(l.name)
	if !ok {
		return ro, fmt.Errorf("no object name")
	}
	if l.urlEncoded {
		if name, err = urlDecode(name); err != nil {
			return ro, fmt.Errorf("a URL-encoded key: %v", err)
		}
	}
	ro.name = name
	if ro.gone = l.isGone(c); ro.gone {
		return ro, nil
	}
	if ro.dir = flag(c, l.folder); ro.dir {
		return ro, nil
	}
	if ro.size, err = c.integer(l.size); err != nil || ro.size < 0 {
		return ro, fmt.Errorf("a size in bytes: %v", err)
	}
	if ro.modified, err = c.time(l.modified); err != nil {
		return ro, fmt.Errorf("a modification time: %v", err)
	}
	return ro, nil
}

// isGone: a delete marker, an older version, a snapshot or a soft-deleted
// object is no live object.
func (l *layout) isGone(c cells) bool {
	if s, ok := c.str(l.current); ok && strings.EqualFold(s, "false") {
		return true
	}
	if flag(c, l.deleted) {
		return true
	}
	_, deletedAt := c.str(l.deletedAt)
	_, snapshot := c.str(l.snapshot)
	return deletedAt || snapshot
}

func flag(c cells, col int) bool {
	s, ok := c.str(col)
	return ok && strings.EqualFold(s, "true")
}

// urlDecode reads S3 Inventory's form encoding of keys ("%2F" for "/",
// "+" for a space), copying the runs between escapes whole.
func urlDecode(s string) (string, error) {
	i := strings.IndexAny(s, "%+")
	if i < 0 {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	for ; i >= 0; i = strings.IndexAny(s, "%+") {
		b = append(b, s[:i]...)
		if s[i] == '+' {
			b, s = append(b, ' '), s[i+1:]
			continue
		}
		if i+3 > len(s) {
			return "", fmt.Errorf("%q ends inside an escape", s)
		}
		v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", fmt.Errorf("bad escape %q", s[i:i+3])
		}
		b, s = append(b, byte(v)), s[i+3:]
	}
	return string(append(b, s...)), nil
}

// parseTime reads the times the services print: RFC 3339 with any
// fraction (S3 and GCS, Azure's seven digits), or RFC 1123.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.RFC1123, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, fmt.Errorf("%q is no RFC 3339 time", s)
}

// rootOf is the root a report's names are relative to.
func rootOf(f listing.Format, bucket string) string {
	switch {
	case bucket == "":
		return ""
	case f == FormatS3:
		return "s3://" + bucket + "/"
	case f == FormatGCS:
		return "gs://" + bucket + "/"
	}
	return ""
}
