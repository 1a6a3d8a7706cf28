// Package listing reads the storage listings people already have — `hdfs dfs
// -ls -R`, `aws s3 ls --recursive`, `gsutil ls -l -r` (and `gcloud storage ls
// -l -r`), `rclone lsl`, `find -printf '%T@ %s %p\n'` (or '%s %p\n') — into
// one list of paths, sizes and, where the tool prints them, modification
// times, so the orphan plan can compare what exists with what snapshots
// reference.
//
// The format is detected from the text itself. Paths are kept exactly as the
// tool printed them; `aws s3 ls` prints keys without the bucket, so those
// entries are relative and the caller resolves them against a prefix.
package listing

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Format names the tool that printed a listing.
type Format string

const (
	FormatHDFS   Format = "hdfs-ls"     // hdfs dfs -ls -R
	FormatS3     Format = "aws-s3-ls"   // aws s3 ls --recursive
	FormatGSUtil Format = "gsutil-ls"   // gsutil ls -l -r, gcloud storage ls -l -r
	FormatRclone Format = "rclone-lsl"  // rclone lsl REMOTE:PATH (rclone ls reads as find's)
	FormatFind   Format = "find-printf" // find -printf '%s %p\n'
	// FormatFindTimes is find -printf '%T@ %s %p\n': epoch seconds (with
	// GNU find's fraction), size, path.
	FormatFindTimes Format = "find-printf-times"
	// FormatStorage is a listing ckptlens made itself from the storage
	// (parse/storage): absolute URLs, sizes and modification times.
	FormatStorage Format = "storage"
	// Inventory reports (read by parse/inventory): every object with its
	// size and modification time.
	FormatS3Inventory    Format = "s3-inventory"
	FormatGCSInventory   Format = "gcs-inventory"
	FormatAzureInventory Format = "azure-inventory"
)

// Entry is one file or folder in a listing.
type Entry struct {
	Path  string `json:"path"` // as printed
	Bytes int64  `json:"bytes"`
	Dir   bool   `json:"dir,omitempty"`
	// Relative is set when the tool printed a path without its root (aws s3
	// ls keys, find run on "."); the caller must resolve it.
	Relative bool `json:"relative,omitempty"`
	// Modified is when the object was last written, zero when the format
	// prints no time. Formats that print a local time without a zone are
	// read as UTC: times are only compared with others of the same listing.
	Modified time.Time `json:"modified,omitzero"`
}

// Listing is a parsed listing.
type Listing struct {
	Format  Format  `json:"format"`
	Entries []Entry `json:"entries"`
	// Unterminated is set when the last line has no newline: the listing
	// may have been cut short (a pipe closed early, a copy of a listing
	// still being written), and its last path may be cut too.
	Unterminated bool `json:"unterminated,omitempty"`
}

// HasTimes reports whether the listing's format prints modification times.
func (l *Listing) HasTimes() bool { return l.Format.HasTimes() }

// HasTimes reports whether listings of this format print modification times.
func (f Format) HasTimes() bool {
	switch f {
	case FormatHDFS, FormatS3, FormatGSUtil, FormatRclone, FormatFindTimes, FormatStorage,
		FormatS3Inventory, FormatGCSInventory, FormatAzureInventory:
		return true
	}
	return false
}

// Error reports a line that does not fit the detected format.
type Error struct {
	Line     int    // 1-based
	Format   Format // detected format; "" when none fits
	Expected string
	Found    string
}

func (e *Error) Error() string {
	if e.Format == "" {
		return fmt.Sprintf("listing line %d: expected %s, found %q", e.Line, e.Expected, e.Found)
	}
	return fmt.Sprintf("%s listing line %d: expected %s, found %q", e.Format, e.Line, e.Expected, e.Found)
}

// maxLine bounds one listing line; object keys are at most 1 KiB on S3 and
// GCS, HDFS paths a few KiB.
const maxLine = 1 << 20

// Parse reads a whole listing, detecting its format from its lines (see
// Scanner). An error names the first line that fits no format (or not the
// detected one); the entries read before it are returned with it.
func Parse(r io.Reader) (*Listing, error) {
	sc := NewScanner(r)
	l := &Listing{}
	for sc.Next() {
		l.Entries = append(l.Entries, sc.Entry())
	}
	l.Format, l.Unterminated = sc.Format(), sc.Unterminated()
	// A find listing's folders are marked among all its entries, whatever
	// their order.
	for i := range l.Entries {
		if e := &l.Entries[i]; !e.Dir && sc.IsFolder(e.Path) {
			e.Dir, e.Bytes = true, 0
		}
	}
	return l, sc.Err()
}

// Stream is a listing read one entry at a time: a Scanner, or an inventory
// report's reader.
type Stream interface {
	Next() bool
	Entry() Entry
	Err() error
	Format() Format
}

// lineReader yields lines without their "\n" (and "\r"), remembering whether
// the last one had its newline.
type lineReader struct {
	br           *bufio.Reader
	unterminated bool
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10)}
}

func (lr *lineReader) next() (string, bool, error) {
	var long []byte
	for {
		chunk, err := lr.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			if long = append(long, chunk...); len(long) > maxLine {
				return "", false, fmt.Errorf("a line longer than 1 MiB")
			}
			continue
		}
		line := chunk
		if long != nil {
			line = append(long, chunk...)
		}
		if err == io.EOF {
			if len(line) == 0 {
				return "", false, nil
			}
			lr.unterminated = true
			return strings.TrimRight(string(line), "\r"), true, nil
		}
		if err != nil {
			return "", false, err
		}
		return strings.TrimRight(string(line[:len(line)-1]), "\r"), true, nil
	}
}

// ignorable lines carry no entry in any format: hdfs's "Found N items",
// gsutil's folder headers and totals.
func ignorable(line string) bool {
	t := strings.TrimSpace(line)
	return strings.HasPrefix(t, "Found ") && strings.HasSuffix(t, " items") ||
		strings.HasPrefix(t, "TOTAL: ") ||
		strings.HasSuffix(t, "/:") && strings.Contains(t, "://") ||
		strings.HasPrefix(t, "PRE ")
}

func detect(line string) (Format, bool) {
	// find's "size path" also matches rclone lsl's lines (the time would
	// read as part of the path), so it comes last.
	for _, f := range []Format{FormatHDFS, FormatS3, FormatGSUtil, FormatRclone, FormatFindTimes, FormatFind} {
		if _, skip, err := parseLine(f, line); err == nil && !skip {
			return f, true
		}
	}
	return "", false
}

func parseLine(f Format, line string) (e Entry, skip bool, err error) {
	if ignorable(line) {
		return e, true, nil
	}
	switch f {
	case FormatHDFS:
		return parseHDFS(line)
	case FormatS3:
		return parseS3(line)
	case FormatGSUtil:
		return parseGSUtil(line)
	case FormatRclone:
		return parseRcloneLSL(line)
	case FormatFind:
		return parseFind(line)
	case FormatFindTimes:
		return parseFindTimes(line)
	}
	return e, false, fmt.Errorf("a known listing format")
}

// fields splits off the first n (at most 7) space-separated fields into
// out and returns the rest of the line (which may itself contain spaces: it
// is the path). It allocates nothing: it runs on every line of listings of
// millions. (out is the caller's: returning the array by value cost the
// page 1.5 KB of WebAssembly.)
func fields(out *[7]string, line string, n int) (string, bool) {
	rest := trimBlanks(line)
	for k := 0; k < n; k++ {
		i := 0
		for i < len(rest) && rest[i] != ' ' && rest[i] != '\t' {
			i++
		}
		if i == len(rest) {
			return "", false
		}
		out[k] = rest[:i]
		rest = trimBlanks(rest[i:])
	}
	return rest, rest != ""
}

func trimBlanks(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	return s
}

// parseHDFS reads `drwxr-xr-x   - user group          0 2024-05-01 10:00 /flink/cp/job/chk-1`.
func parseHDFS(line string) (Entry, bool, error) {
	var f [7]string
	path, ok := fields(&f, line, 7)
	if !ok || len(f[0]) < 10 || !strings.ContainsRune("d-l", rune(f[0][0])) || !isPerm(f[0][1:10]) {
		return Entry{}, false, fmt.Errorf("permissions, replication, owner, group, size, date, time, path")
	}
	size, err := strconv.ParseInt(f[4], 10, 64)
	if err != nil || size < 0 {
		return Entry{}, false, fmt.Errorf("a size in bytes (list without -h)")
	}
	if !isDate(f[5]) || !isClock(f[6]) {
		return Entry{}, false, fmt.Errorf("a date and time before the path")
	}
	dir := f[0][0] == 'd'
	if dir {
		size = 0
	}
	mod := localTime(f[5], f[6])
	return Entry{Path: path, Bytes: size, Dir: dir, Relative: !isAbsolute(path), Modified: mod}, false, nil
}

// parseS3 reads `2024-05-01 10:00:00       1234 flink/cp/job/chk-1/_metadata`.
func parseS3(line string) (Entry, bool, error) {
	var f [7]string
	key, ok := fields(&f, line, 3)
	if !ok || !isDate(f[0]) || !isClock(f[1]) {
		return Entry{}, false, fmt.Errorf("date, time, size, key")
	}
	size, err := strconv.ParseInt(f[2], 10, 64)
	if err != nil || size < 0 {
		return Entry{}, false, fmt.Errorf("a size in bytes (list without --human-readable)")
	}
	// A zero-byte key ending in "/" is a folder marker made by consoles.
	dir := strings.HasSuffix(key, "/")
	mod := localTime(f[0], f[1])
	return Entry{Path: key, Bytes: size, Dir: dir, Relative: !isAbsolute(key), Modified: mod}, false, nil
}

// parseGSUtil reads `      1234  2024-05-01T10:00:00Z  gs://bucket/flink/cp/job/chk-1/_metadata`.
func parseGSUtil(line string) (Entry, bool, error) {
	var f [7]string
	path, ok := fields(&f, line, 2)
	if !ok || !strings.Contains(path, "://") {
		return Entry{}, false, fmt.Errorf("size, timestamp, gs:// URL")
	}
	size, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || size < 0 || !strings.Contains(f[1], "T") || !isDate(f[1][:strings.IndexByte(f[1], 'T')]) {
		return Entry{}, false, fmt.Errorf("a size in bytes and an ISO timestamp (list without -h)")
	}
	mod, err := time.Parse(time.RFC3339Nano, f[1])
	if err != nil {
		return Entry{}, false, fmt.Errorf("an RFC 3339 timestamp")
	}
	return Entry{Path: path, Bytes: size, Dir: strings.HasSuffix(path, "/"), Modified: mod}, false, nil
}

// parseRcloneLSL reads `     1234 2024-05-01 10:00:00.062626927 job/chk-1/_metadata`: the
// path relative to the listed remote path.
func parseRcloneLSL(line string) (Entry, bool, error) {
	var f [7]string
	path, ok := fields(&f, line, 3)
	if !ok || !isDate(f[1]) || !isClock(strings.SplitN(f[2], ".", 2)[0]) {
		return Entry{}, false, fmt.Errorf("size, date, time, path")
	}
	size, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || size < 0 {
		return Entry{}, false, fmt.Errorf("a size in bytes")
	}
	mod := localTime(f[1], f[2])
	return Entry{Path: path, Bytes: size, Relative: !isAbsolute(path), Modified: mod}, false, nil
}

// parseFind reads `1234 /flink/cp/job/chk-1/_metadata`.
func parseFind(line string) (Entry, bool, error) {
	var f [7]string
	path, ok := fields(&f, line, 1)
	if !ok {
		return Entry{}, false, fmt.Errorf("size, path")
	}
	size, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || size < 0 {
		return Entry{}, false, fmt.Errorf("a size in bytes, then the path")
	}
	return Entry{Path: path, Bytes: size, Relative: !isAbsolute(path)}, false, nil
}

// parseFindTimes reads `1714557600.1234567890 1234 /tmp/cp/job/chk-1/_metadata`.
func parseFindTimes(line string) (Entry, bool, error) {
	var f [7]string
	path, ok := fields(&f, line, 2)
	if !ok {
		return Entry{}, false, fmt.Errorf("epoch seconds, size, path")
	}
	mod, ok := epochTime(f[0])
	if !ok {
		return Entry{}, false, fmt.Errorf("epoch seconds with a fraction (find's %%T@)")
	}
	size, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil || size < 0 {
		return Entry{}, false, fmt.Errorf("a size in bytes after the time")
	}
	return Entry{Path: path, Bytes: size, Relative: !isAbsolute(path), Modified: mod}, false, nil
}

// epochTime reads find's %T@, "seconds.fraction". The fraction is required:
// without it a line of find's '%s %p' form could be read as this one.
func epochTime(s string) (time.Time, bool) {
	secs, frac, ok := strings.Cut(s, ".")
	if !ok || !digits(secs) || !digits(frac) || len(secs) > 12 {
		return time.Time{}, false
	}
	sec, _ := strconv.ParseInt(secs, 10, 64)
	frac = (frac + "000000000")[:9]
	nsec, _ := strconv.ParseInt(frac, 10, 64)
	return time.Unix(sec, nsec).UTC(), true
}

// localTime reads a date (2024-05-01) and a clock (10:00, 10:00:00 or
// 10:00:00.062626927) printed without a zone; zero when they name no real
// time (the line's own checks have already judged their shape). By hand:
// time.Parse took most of a line's time.
func localTime(date, clock string) time.Time {
	secs, frac, _ := strings.Cut(clock, ".")
	if !isDate(date) || !isClock(secs) || len(frac) > 9 || frac != "" && !digits(frac) {
		return time.Time{}
	}
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	y, mo, d, h, mi := num(date[:4]), num(date[5:7]), num(date[8:]), num(secs[:2]), num(secs[3:5])
	sec := 0
	if len(secs) == 8 {
		sec = num(secs[6:])
	}
	ns := 0
	if frac != "" {
		ns = num((frac + "00000000")[:9])
	}
	if mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, ns, time.UTC)
	if t.Day() != d { // February 30th
		return time.Time{}
	}
	return t
}

func isAbsolute(p string) bool { return strings.HasPrefix(p, "/") || strings.Contains(p, ":/") }

func isPerm(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case 'r', 'w', 'x', 's', 't', 'S', 'T', '-':
		default:
			return false
		}
	}
	return true
}

func isDate(s string) bool { // 2024-05-01
	return len(s) == 10 && s[4] == '-' && s[7] == '-' && digits(s[:4]) && digits(s[5:7]) && digits(s[8:])
}

func isClock(s string) bool { // 10:00 or 10:00:00
	return (len(s) == 5 || len(s) == 8) && s[2] == ':' && digits(s[:2]) && digits(s[3:5]) &&
		(len(s) == 5 || s[5] == ':' && digits(s[6:]))
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
