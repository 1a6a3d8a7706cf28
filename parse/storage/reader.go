package storage

import (
	"io"

	"github.com/ckptlens/ckptlens/parse/model"
)

// wholeLimit is the largest object read in one request and decoded in
// memory; larger ones are read in chunks as the decoder goes, so inline
// state it skips is never fetched (as the page reads a large Blob).
const wholeLimit = 16 << 20

// minChunk and maxChunk bound one ranged read of a large object. A read
// that follows the previous one doubles the next (a dense _metadata is read
// through in few requests); a read after a skip starts small again (the
// decoder skips inline state it does not need, and that is never fetched).
const (
	minChunk = 64 << 10
	maxChunk = 8 << 20
)

// readerFor is what the decoder reads r through: the whole object in
// memory when it is small, else a chunked reader over ranged reads.
func readerFor(r Reader) (io.ReaderAt, error) {
	if r.Size() <= wholeLimit {
		data := make([]byte, r.Size())
		if _, err := r.ReadAt(data, 0); err != nil && err != io.EOF {
			return nil, err
		}
		return &model.Memory{Data: data}, nil
	}
	return &chunkedReader{r: r, size: r.Size(), off: -1}, nil
}

// chunkedReader serves reads from one cached chunk, fetching a new chunk
// from where a read starts when the cached one does not hold it.
type chunkedReader struct {
	r     io.ReaderAt
	size  int64
	chunk []byte
	off   int64 // offset of chunk; -1 before the first fetch
}

func (c *chunkedReader) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		if off >= c.size {
			return n, io.EOF
		}
		if c.off < 0 || off < c.off || off >= c.off+int64(len(c.chunk)) {
			if err := c.fetch(off); err != nil {
				return n, err
			}
		}
		k := copy(p[n:], c.chunk[off-c.off:])
		n += k
		off += int64(k)
	}
	return n, nil
}

func (c *chunkedReader) fetch(at int64) error {
	want := int64(minChunk)
	if c.off >= 0 && at == c.off+int64(len(c.chunk)) {
		want = min(2*int64(len(c.chunk)), maxChunk)
	}
	want = min(want, c.size-at)
	if int64(cap(c.chunk)) < want {
		c.chunk = make([]byte, want)
	}
	c.chunk = c.chunk[:want]
	n, err := c.r.ReadAt(c.chunk, at)
	if err != nil && !(err == io.EOF && int64(n) == want) {
		c.off = -1
		return err
	}
	c.off = at
	return nil
}
