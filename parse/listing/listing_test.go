package listing

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// formatCases are one listing in each format Parse recognises, as each tool
// prints it.
var formatCases = []struct {
	name   string
	text   string
	format Format
	want   []Entry
}{
	{
		name: "hdfs dfs -ls -R",
		text: `Found 3 items
drwxr-xr-x   - flink supergroup          0 2024-05-01 10:00 hdfs://nn:8020/flink/cp/3f2a/chk-7
-rw-r--r--   3 flink supergroup       1934 2024-05-01 10:00 hdfs://nn:8020/flink/cp/3f2a/chk-7/_metadata
-rw-r--r--   3 flink supergroup   67108864 2024-05-01 09:59 /flink/cp/3f2a/shared/my file
drwxrwxrwt+  - flink supergroup          0 2024-05-01 10:00 /flink/cp/3f2a/taskowned
`,
		format: FormatHDFS,
		want: []Entry{
			{Path: "hdfs://nn:8020/flink/cp/3f2a/chk-7", Dir: true, Modified: at("2024-05-01T10:00:00Z")},
			{Path: "hdfs://nn:8020/flink/cp/3f2a/chk-7/_metadata", Bytes: 1934, Modified: at("2024-05-01T10:00:00Z")},
			{Path: "/flink/cp/3f2a/shared/my file", Bytes: 67108864, Modified: at("2024-05-01T09:59:00Z")},
			{Path: "/flink/cp/3f2a/taskowned", Dir: true, Modified: at("2024-05-01T10:00:00Z")}, // sticky bit, ACL
		},
	},
	{
		name: "aws s3 ls --recursive",
		text: `2024-05-01 10:00:00       1934 flink/cp/3f2a/chk-7/_metadata
2024-05-01 09:59:58   67108864 flink/cp/3f2a/shared/0c1e
2024-05-01 09:59:58          0 flink/cp/3f2a/taskowned/
`,
		format: FormatS3,
		want: []Entry{
			{Path: "flink/cp/3f2a/chk-7/_metadata", Bytes: 1934, Relative: true, Modified: at("2024-05-01T10:00:00Z")},
			{Path: "flink/cp/3f2a/shared/0c1e", Bytes: 67108864, Relative: true, Modified: at("2024-05-01T09:59:58Z")},
			{Path: "flink/cp/3f2a/taskowned/", Dir: true, Relative: true, Modified: at("2024-05-01T09:59:58Z")},
		},
	},
	{
		name: "gsutil ls -l -r",
		text: `gs://b/flink/cp/3f2a/:

gs://b/flink/cp/3f2a/chk-7/:
      1934  2024-05-01T10:00:00Z  gs://b/flink/cp/3f2a/chk-7/_metadata
  67108864  2024-05-01T09:59:58Z  gs://b/flink/cp/3f2a/shared/0c1e
TOTAL: 2 objects, 67110798 bytes (64 MiB)
`,
		format: FormatGSUtil,
		want: []Entry{
			{Path: "gs://b/flink/cp/3f2a/chk-7/_metadata", Bytes: 1934, Modified: at("2024-05-01T10:00:00Z")},
			{Path: "gs://b/flink/cp/3f2a/shared/0c1e", Bytes: 67108864, Modified: at("2024-05-01T09:59:58Z")},
		},
	},
	{
		name: "find -printf",
		text: `4096 /tmp/cp/3f2a
4096 /tmp/cp/3f2a/chk-7
1934 /tmp/cp/3f2a/chk-7/_metadata
4096 /tmp/cp/3f2a/taskowned
`,
		format: FormatFind,
		want: []Entry{
			{Path: "/tmp/cp/3f2a", Dir: true},
			{Path: "/tmp/cp/3f2a/chk-7", Dir: true},
			{Path: "/tmp/cp/3f2a/chk-7/_metadata", Bytes: 1934},
			// An empty folder looks like a file in find's output; the
			// orphan plan recognises Flink's folder names.
			{Path: "/tmp/cp/3f2a/taskowned", Bytes: 4096},
		},
	},
	{
		name: "rclone lsl",
		text: `     1934 2024-05-01 10:00:00.062626927 3f2a/chk-7/_metadata
 67108864 2024-05-01 09:58:12.000000000 3f2a/shared/0c1e 2
`,
		format: FormatRclone,
		want: []Entry{
			{Path: "3f2a/chk-7/_metadata", Bytes: 1934, Relative: true, Modified: at("2024-05-01T10:00:00.062626927Z")},
			{Path: "3f2a/shared/0c1e 2", Bytes: 67108864, Relative: true, Modified: at("2024-05-01T09:58:12Z")},
		},
	},
	{
		name: "find -printf '%T@ %s %p\\n'",
		text: `1714557600.0000000000 4096 /tmp/cp/3f2a
1714557600.5000000000 1934 /tmp/cp/3f2a/chk-7/_metadata
1714557540.1234567891 25 /tmp/cp/3f2a/shared/a b
`,
		format: FormatFindTimes,
		want: []Entry{
			{Path: "/tmp/cp/3f2a", Dir: true, Modified: at("2024-05-01T10:00:00Z")},
			{Path: "/tmp/cp/3f2a/chk-7/_metadata", Bytes: 1934, Modified: at("2024-05-01T10:00:00.5Z")},
			{Path: "/tmp/cp/3f2a/shared/a b", Bytes: 25, Modified: at("2024-05-01T09:59:00.123456789Z")},
		},
	},
	{
		name: "rclone ls, read as find's size and path",
		text: `     1934 3f2a/chk-7/_metadata
 67108864 3f2a/shared/0c1e
`,
		format: FormatFind,
		want: []Entry{
			{Path: "3f2a/chk-7/_metadata", Bytes: 1934, Relative: true},
			{Path: "3f2a/shared/0c1e", Bytes: 67108864, Relative: true},
		},
	},
}

func TestParseFormats(t *testing.T) {
	for _, tc := range formatCases {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Parse(strings.NewReader(tc.text))
			if err != nil {
				t.Fatal(err)
			}
			if l.Format != tc.format {
				t.Errorf("format = %q, want %q", l.Format, tc.format)
			}
			if !reflect.DeepEqual(l.Entries, tc.want) {
				t.Errorf("entries =\n%+v\nwant\n%+v", l.Entries, tc.want)
			}
		})
	}
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

// A listing cut short (a pipe closed early) loses its last newline; the
// last path may be cut too, so the listing says so.
func TestUnterminated(t *testing.T) {
	for _, tc := range []struct {
		text string
		cut  bool
	}{
		{"1 /a/b\n2 /a/c\n", false},
		{"1 /a/b\n2 /a/sha", true},
		{"1 /a/b\r\n", false},
		{"1 /a/b", true},
	} {
		l, err := Parse(strings.NewReader(tc.text))
		if err != nil || l.Unterminated != tc.cut {
			t.Errorf("%q: unterminated = %v (%v), want %v", tc.text, l.Unterminated, err, tc.cut)
		}
	}
	// A line longer than the reader's buffer is still one line.
	long := "5 /" + strings.Repeat("x", 200<<10) + "\n"
	if l, err := Parse(strings.NewReader(long)); err != nil || len(l.Entries) != 1 || len(l.Entries[0].Path) != 1+200<<10 {
		t.Errorf("long line: %v", err)
	}
	if _, err := Parse(strings.NewReader("5 /" + strings.Repeat("x", 2<<20) + "\n")); err == nil {
		t.Error("a 2 MiB line was accepted")
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
	}{
		{"empty", "", 0},
		{"not a listing", "hello world\n", 1},
		{"human-readable sizes", "1934 /a\n1.2K /b\n", 2},
		{"png", "\x89PNG\r\n\x1a\n", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tc.text))
			var le *Error
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want *listing.Error", err)
			}
			if le.Line != tc.line {
				t.Errorf("line = %d, want %d (%v)", le.Line, tc.line, err)
			}
		})
	}
	// The entries before the bad line are kept.
	l, _ := Parse(strings.NewReader("1934 /a\n1.2K /b\n"))
	if len(l.Entries) != 1 || l.Entries[0].Path != "/a" {
		t.Errorf("partial entries = %+v", l.Entries)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("drwxr-xr-x   - u g 0 2024-05-01 10:00 /a\n-rw-r--r--   3 u g 5 2024-05-01 10:00 /a/b\n")
	f.Add("2024-05-01 10:00:00       1934 k/_metadata\n")
	f.Add("gs://b/:\n      1934  2024-05-01T10:00:00Z  gs://b/x\nTOTAL: 1 objects, 1934 bytes\n")
	f.Add("4096 /a\n5 /a/b\n")
	f.Add("1714557600.5 4096 /a\n1714557600.0 5 /a/b")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Parse(strings.NewReader(s))
		if l == nil {
			t.Fatal("nil listing")
		}
		if err == nil && l.Format == "" {
			t.Fatal("no error and no format")
		}
		for _, e := range l.Entries {
			if e.Bytes < 0 {
				t.Fatalf("negative size %+v", e)
			}
		}
	})
}
