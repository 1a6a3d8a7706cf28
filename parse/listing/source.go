package listing

import (
	"errors"
	"io"
	"os"
)

// Source is a listing that can be read more than once, from its first entry
// each time: the planner reads a listing in several passes, holding only
// what it learned, never the entries.
type Source interface {
	// Open starts a new read from the first entry.
	Open() (ReadCloser, error)
}

// ReadCloser is one read of a Source.
type ReadCloser interface {
	Stream
	Close() error
}

// Cut is implemented by a stream that can tell, at its end, whether the
// listing's last line had no newline (see Scanner.Unterminated).
type Cut interface {
	Unterminated() bool
}

// Open reads the listing's entries again (a Listing is its own Source:
// the page holds the listing it was given).
func (l *Listing) Open() (ReadCloser, error) {
	if l == nil {
		return nil, errNoListing
	}
	return &sliceStream{l: l, i: -1}, nil
}

var errNoListing = errors.New("no listing (a nil *Listing)")

type sliceStream struct {
	l *Listing
	i int
}

func (s *sliceStream) Next() bool {
	if s.i+1 >= len(s.l.Entries) {
		s.i = len(s.l.Entries)
		return false
	}
	s.i++
	return true
}

func (s *sliceStream) Entry() Entry       { return s.l.Entries[s.i] }
func (s *sliceStream) Err() error         { return nil }
func (s *sliceStream) Format() Format     { return s.l.Format }
func (s *sliceStream) Unterminated() bool { return s.l.Unterminated }
func (s *sliceStream) Close() error       { return nil }

// File is a listing in a file, read with a Scanner each time it is opened.
type File string

// Open opens the file and reads it from its start.
func (f File) Open() (ReadCloser, error) {
	fh, err := os.Open(string(f))
	if err != nil {
		return nil, err
	}
	return &fileStream{Scanner: NewScanner(fh), c: fh}, nil
}

type fileStream struct {
	*Scanner
	c io.Closer
}

func (f *fileStream) Close() error { return f.c.Close() }
