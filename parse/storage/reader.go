package storage

import (
	"io"

	"github.com/ckptlens/ckptlens/parse/model"
)

// wholeLimit is the largest object read in one request and decoded in
// memory; larger ones are read in chunks as the decoder goes, so inline
// state it skips is never fetched (as the page reads a large Blob).
const wholeLimit = 16 << 20

// chunkSize is one ranged read of a large object: the decoder reads 64 KiB
// at a time, and a request per 64 KiB would be mostly round trips.
const chunkSize = 1 << 20

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

// chunkedReader serves reads from one cached chunk, fetching the chunk
// that holds a read's start when it is not the cached one.
type chunkedReader struct {
	r     io.ReaderAt
	size  int64
	chunk []byte
	off   int64 // offset of chunk; -1 before the first fetch
	// Fetched counts the bytes read from storage.
	fetched int64
}

func (c *chunkedReader) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	for n < len(p) {
		if off >= c.size {
			return n, io.EOF
		}
		if c.off < 0 || off < c.off || off >= c.off+int64(len(c.chunk)) {
			if err := c.fetch(off - off%chunkSize); err != nil {
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
	size := min(chunkSize, c.size-at)
	if int64(cap(c.chunk)) < size {
		c.chunk = make([]byte, size)
	}
	c.chunk = c.chunk[:size]
	n, err := c.r.ReadAt(c.chunk, at)
	c.fetched += int64(n)
	if err != nil && !(err == io.EOF && int64(n) == size) {
		c.off = -1
		return err
	}
	c.off = at
	return nil
}
