package model

import (
	"errors"
	"io"
)

// Memory is an input held whole in memory. It is an io.ReaderAt like any
// other, but a decoder that recognises it reads it in place: its strings
// point into Data instead of being copied out. The page reads a dropped
// file whole and hands it over this way; Go compiled to WebAssembly pays
// for every small copy. Data must not change while the decoded result is
// in use.
type Memory struct {
	Data []byte
	// Reached, when set, is told how far decoding has got, as the offsets of
	// ReadAt calls tell it for any other input (the page's progress bar).
	// Decoders call it every few hundred KiB, not per read.
	Reached func(off int64)
}

// ReadAt implements io.ReaderAt.
func (m *Memory) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("model.Memory.ReadAt: negative offset")
	}
	if off >= int64(len(m.Data)) {
		if len(p) == 0 {
			return 0, nil
		}
		return 0, io.EOF
	}
	n := copy(p, m.Data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}
