package listing

import (
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

type textSource string

func (s textSource) Open() (ReadCloser, error) {
	return scanCloser{NewScanner(strings.NewReader(string(s)))}, nil
}

type scanCloser struct{ *Scanner }

func (scanCloser) Close() error { return nil }

func readAllOf(t *testing.T, src Source) (entries []Entry, f Format, err error, cut bool) {
	t.Helper()
	st, oerr := src.Open()
	if oerr != nil {
		t.Fatal(oerr)
	}
	defer st.Close()
	for st.Next() {
		entries = append(entries, st.Entry())
	}
	if c, ok := st.(Cut); ok {
		cut = c.Unterminated()
	}
	return entries, st.Format(), st.Err(), cut
}

// Every read of a spooled source gives what the source gives: each entry's
// fields, the format, the error that ended it and whether it was cut.
func TestSpooledReadsAsTheSource(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 30, 0, 123456789, time.UTC)
	mem := &Listing{Format: FormatS3Inventory, Unterminated: true, Entries: []Entry{
		{Path: "cp/job/chk-1/_metadata", Bytes: 500, Relative: true, Modified: at},
		{Path: "cp/job/shared", Dir: true, Relative: true},
		{Path: "s3://b/" + strings.Repeat("x", 70_000), Bytes: -1},
		{Path: "", Bytes: 1 << 60, Modified: time.Unix(-5, 0).UTC()},
	}}
	bad := textSource("-rw-r--r--   3 u g  7 2026-12-01 09:00 /a/b\nnot a listing line\n-rw-r--r--   3 u g  7 2026-12-01 09:00 /a/c\n")
	for name, src := range map[string]Source{"memory": mem, "a bad line": bad} {
		t.Run(name, func(t *testing.T) {
			want, wf, werr, wcut := readAllOf(t, src)
			sp, err := NewSpooled(src, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer sp.Close()
			for read := range 3 {
				got, f, err, cut := readAllOf(t, sp)
				if !reflect.DeepEqual(got, want) || f != wf || cut != wcut || (err == nil) != (werr == nil) || err != nil && err.Error() != werr.Error() {
					t.Fatalf("read %d: %v %q %v %v\nwant %v %q %v %v", read+1, got, f, err, cut, want, wf, werr, wcut)
				}
				if read > 0 && !sp.done {
					t.Fatalf("read %d did not come from the spool", read+1)
				}
			}
		})
	}
}

// Entries pushed to a SpoolWriter read back as they were given, on every
// read, with the format given; the file is gone after Close, and after
// Abort of a spool never ended.
func TestSpoolWriterReadsBackWhatWasAdded(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 30, 0, 123456789, time.UTC)
	want := []Entry{
		{Path: "s3://b/cp/job/chk-1/_metadata", Bytes: 500, Modified: at},
		{Path: "s3://b/cp/job/shared", Dir: true, Modified: at},
		{Path: "s3://b/" + strings.Repeat("x", 70_000), Bytes: 1 << 40},
	}
	dir := t.TempDir()
	w, err := NewSpoolWriter(FormatStorage, dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.s.Open(); err == nil {
		t.Fatal("a spool read before its End")
	}
	for _, e := range want {
		w.Add(e)
	}
	sp, err := w.End()
	if err != nil {
		t.Fatal(err)
	}
	for read := range 2 {
		got, f, err, cut := readAllOf(t, sp)
		if !reflect.DeepEqual(got, want) || f != FormatStorage || err != nil || cut {
			t.Fatalf("read %d: %v %q %v %v", read+1, got, f, err, cut)
		}
	}
	sp.Close()
	aborted, err := NewSpoolWriter(FormatStorage, dir)
	if err != nil {
		t.Fatal(err)
	}
	aborted.Add(want[0])
	aborted.Abort()
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Errorf("spool files left behind: %v", left)
	}
}
