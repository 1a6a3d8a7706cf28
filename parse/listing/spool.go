package listing

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"time"
)

// Spooled is a Source that is slow to decode (gzip, URL-encoded CSV,
// Parquet) read once: its first read also writes each entry to a temporary
// file, which the later reads decode instead, at a few hundred nanoseconds
// an entry. The file is removed by Close.
type Spooled struct {
	src    Source
	f      *os.File
	size   int64
	done   bool // the first read reached the end: the file holds every entry
	format Format
	err    error
	cut    bool
	// unlinked: the file was removed at once and lives while open, so not
	// even a killed process leaves it behind (where the system allows it).
	unlinked bool
}

// NewSpooled spools src to a temporary file in dir ("" for the system's).
func NewSpooled(src Source, dir string) (*Spooled, error) {
	f, err := os.CreateTemp(dir, "ckptlens-listing-*")
	if err != nil {
		return nil, err
	}
	return &Spooled{src: src, f: f}, nil
}

// SpoolWriter fills a Spooled with entries pushed to it (a listing ckptlens
// makes itself, as it arrives from the storage): Add each entry, then End;
// its Spooled is read back after End. Not safe for concurrent use.
type SpoolWriter struct {
	s   *Spooled
	w   *bufio.Writer
	buf []byte
	err error
}

// NewSpoolWriter starts a spool of a listing in format in dir ("" for the
// system's). The file is unlinked at once where the system allows it, else
// removed by its Spooled's Close, whether End was reached or not.
func NewSpoolWriter(format Format, dir string) (*SpoolWriter, error) {
	f, err := os.CreateTemp(dir, "ckptlens-listing-*")
	if err != nil {
		return nil, err
	}
	s := &Spooled{f: f, format: format, unlinked: os.Remove(f.Name()) == nil}
	return &SpoolWriter{s: s, w: bufio.NewWriterSize(f, 1<<16)}, nil
}

// Add writes e; the first write error is kept for End.
func (w *SpoolWriter) Add(e Entry) {
	if w.err != nil {
		return
	}
	w.buf = appendEntry(w.buf[:0], e)
	n, err := w.w.Write(w.buf)
	w.s.size, w.err = w.s.size+int64(n), err
}

// End flushes the entries and hands over the Spooled to read them, which
// the caller closes. On an error the file is removed.
func (w *SpoolWriter) End() (*Spooled, error) {
	if w.err == nil {
		w.err = w.w.Flush()
	}
	if w.err != nil {
		w.s.Close()
		return nil, w.err
	}
	w.s.done = true
	return w.s, nil
}

// Abort removes the file of a spool that will not be ended.
func (w *SpoolWriter) Abort() error { return w.s.Close() }

// Close removes the temporary file.
func (s *Spooled) Close() error {
	err := s.f.Close()
	if s.unlinked {
		return err
	}
	if rerr := os.Remove(s.f.Name()); err == nil {
		err = rerr
	}
	return err
}

// Open reads the source itself the first time, the spooled entries after.
func (s *Spooled) Open() (ReadCloser, error) {
	if s.done {
		return &spoolReader{s: s, r: bufio.NewReaderSize(io.NewSectionReader(s.f, 0, s.size), 1<<16)}, nil
	}
	if s.src == nil {
		return nil, errSpoolUnfinished
	}
	st, err := s.src.Open()
	if err != nil {
		return nil, err
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		st.Close()
		return nil, err
	}
	if err := s.f.Truncate(0); err != nil {
		st.Close()
		return nil, err
	}
	return &spoolWriter{ReadCloser: st, s: s, w: bufio.NewWriterSize(s.f, 1<<16)}, nil
}

var errSpoolUnfinished = errors.New("listing spool: read before its writer's End")

// spoolWriter is the first read: the source's, each entry also written.
type spoolWriter struct {
	ReadCloser
	s       *Spooled
	w       *bufio.Writer
	n       int64
	werr    error
	buf     []byte
	stopped bool
}

func (t *spoolWriter) Next() bool {
	if !t.ReadCloser.Next() {
		t.finish()
		return false
	}
	if t.werr == nil {
		t.buf = appendEntry(t.buf[:0], t.ReadCloser.Entry())
		n, err := t.w.Write(t.buf)
		t.n, t.werr = t.n+int64(n), err
	}
	return true
}

// finish records, at the source's end, whether every entry was spooled.
func (t *spoolWriter) finish() {
	if t.stopped {
		return
	}
	t.stopped = true
	if t.werr == nil {
		t.werr = t.w.Flush()
	}
	s := t.s
	s.format, s.err = t.ReadCloser.Format(), t.ReadCloser.Err()
	if c, ok := t.ReadCloser.(Cut); ok {
		s.cut = c.Unterminated()
	}
	s.size, s.done = t.n, t.werr == nil
}

func (t *spoolWriter) Unterminated() bool {
	c, ok := t.ReadCloser.(Cut)
	return ok && c.Unterminated()
}

// Entry flags in the spool.
const (
	spoolDir = 1 << iota
	spoolRelative
	spoolTime
)

// appendEntry encodes e: flags, size, time (when it has one), path.
func appendEntry(b []byte, e Entry) []byte {
	var flags byte
	if e.Dir {
		flags |= spoolDir
	}
	if e.Relative {
		flags |= spoolRelative
	}
	if !e.Modified.IsZero() {
		flags |= spoolTime
	}
	b = append(b, flags)
	b = binary.AppendVarint(b, e.Bytes)
	if flags&spoolTime != 0 {
		b = binary.AppendVarint(b, e.Modified.Unix())
		b = binary.AppendUvarint(b, uint64(e.Modified.Nanosecond()))
	}
	b = binary.AppendUvarint(b, uint64(len(e.Path)))
	return append(b, e.Path...)
}

// spoolReader is a later read: the spooled entries, and the source's end.
type spoolReader struct {
	s     *Spooled
	r     *bufio.Reader
	entry Entry
	err   error
}

func (r *spoolReader) Next() bool {
	if r.err != nil {
		return false
	}
	e, err := readEntry(r.r)
	if err != nil {
		if err != io.EOF {
			r.err = errors.New("listing spool: " + err.Error())
		}
		return false
	}
	r.entry = e
	return true
}

func readEntry(r *bufio.Reader) (Entry, error) {
	flags, err := r.ReadByte()
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Dir: flags&spoolDir != 0, Relative: flags&spoolRelative != 0}
	if e.Bytes, err = binary.ReadVarint(r); err != nil {
		return Entry{}, io.ErrUnexpectedEOF
	}
	if flags&spoolTime != 0 {
		sec, err1 := binary.ReadVarint(r)
		nsec, err2 := binary.ReadUvarint(r)
		if err1 != nil || err2 != nil {
			return Entry{}, io.ErrUnexpectedEOF
		}
		e.Modified = time.Unix(sec, int64(nsec)).UTC()
	}
	n, err := binary.ReadUvarint(r)
	if err != nil || n > maxLine {
		return Entry{}, io.ErrUnexpectedEOF
	}
	p := make([]byte, n)
	if _, err := io.ReadFull(r, p); err != nil {
		return Entry{}, io.ErrUnexpectedEOF
	}
	e.Path = string(p)
	return e, nil
}

func (r *spoolReader) Entry() Entry   { return r.entry }
func (r *spoolReader) Format() Format { return r.s.format }
func (r *spoolReader) Close() error   { return nil }
func (r *spoolReader) Err() error {
	if r.err != nil {
		return r.err
	}
	return r.s.err
}
func (r *spoolReader) Unterminated() bool { return r.s.cut }
