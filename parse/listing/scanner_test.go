package listing

import (
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The scanner yields Parse's entries one by one; only a find folder printed
// before its contents is marked later, by Parse or IsFolder at the end.
func TestScannerStreamsParsesEntries(t *testing.T) {
	text := "4096 /cp/job\n4096 /cp/job/chk-1\n1934 /cp/job/chk-1/_metadata\n" +
		"5 /cp/job/shared/a\n4096 /cp/job/shared\n" // find -depth: a folder after its contents
	want, err := Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	sc := NewScanner(strings.NewReader(text))
	var got []Entry
	for sc.Next() {
		got = append(got, sc.Entry())
	}
	if sc.Err() != nil || sc.Format() != FormatFind || len(got) != len(want.Entries) {
		t.Fatalf("scanner: %d entries, format %q, err %v", len(got), sc.Format(), sc.Err())
	}
	for i, e := range got {
		w := want.Entries[i]
		if e.Dir != w.Dir && !(w.Dir && sc.IsFolder(e.Path)) {
			t.Errorf("%s: dir %v, want %v", e.Path, e.Dir, w.Dir)
		}
		e.Dir, e.Bytes = w.Dir, w.Bytes
		if !reflect.DeepEqual(e, w) {
			t.Errorf("entry %d = %+v, want %+v", i, e, w)
		}
	}
	if !got[4].Dir || got[4].Bytes != 0 {
		t.Errorf("a folder printed after its contents is known then: %+v", got[4])
	}
	if got[0].Dir || !want.Entries[0].Dir {
		t.Errorf("a folder printed before its contents: streamed %+v, collected %+v", got[0], want.Entries[0])
	}
}

// A bad line stops the scanner with the line number; Line counts the lines
// read, blank and ignorable ones included.
func TestScannerStopsAtABadLine(t *testing.T) {
	sc := NewScanner(strings.NewReader("Found 2 items\n\n-rw-r--r--   3 u g 5 2024-05-01 10:00 /a/b\n-rw-r--r--   3 u g 5K 2024-05-01 10:00 /a/c\n"))
	n := 0
	for sc.Next() {
		n++
	}
	le, ok := sc.Err().(*Error)
	if n != 1 || !ok || le.Line != 4 || sc.Line() != 4 {
		t.Errorf("%d entries, err %v, line %d", n, sc.Err(), sc.Line())
	}
}

// benchListing is n lines of one format under a job folder.
func benchListing(format Format, n int) []byte {
	var b bytes.Buffer
	t0 := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		path := fmt.Sprintf("/flink/cp/5c3e0f8d2a9b4c1e8f7a6b5c4d3e2f1a/shared/%08x-2d8a-4c1e-9f7a-6b5c4d3e2f1a", i)
		t := t0.Add(time.Duration(i) * time.Second)
		size := 1<<20 + i
		switch format {
		case FormatHDFS:
			fmt.Fprintf(&b, "-rw-r--r--   3 flink supergroup %10d %s %s\n", size, t.Format("2006-01-02 15:04"), path)
		case FormatS3:
			fmt.Fprintf(&b, "%s %10d %s\n", t.Format("2006-01-02 15:04:05"), size, path[1:])
		case FormatFindTimes:
			fmt.Fprintf(&b, "%d.%09d %d %s\n", t.Unix(), i, size, path)
		}
	}
	return b.Bytes()
}

// BenchmarkScanner reports lines per second for each format with times.
func BenchmarkScanner(b *testing.B) {
	for _, f := range []Format{FormatHDFS, FormatS3, FormatFindTimes} {
		data := benchListing(f, 200_000)
		b.Run(string(f), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			cpu0 := cpuSeconds()
			for b.Loop() {
				sc := NewScanner(bytes.NewReader(data))
				n := 0
				for sc.Next() {
					n++
				}
				if sc.Err() != nil || n != 200_000 {
					b.Fatal(n, sc.Err())
				}
			}
			// Per CPU second too: on a machine shared with other work the
			// wall clock measures the neighbours.
			b.ReportMetric(float64(200_000*b.N)/b.Elapsed().Seconds(), "lines/s")
			b.ReportMetric(float64(200_000*b.N)/(cpuSeconds()-cpu0), "lines/cpu-s")
		})
	}
}

func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
