// Package encode writes Flink checkpoint `_metadata` files.
//
// It is an independent writer of the byte format described in
// ../shared/docs/flink-metadata-format.md, used to build test inputs (crafted
// files with hostile names, every handle tag, known length-field offsets) and
// large benchmark inputs (handle-dense and inline-heavy files) that Flink's
// own loader accepts. It deliberately shares no code with the decoder in
// parse/flink, so the two check each other.
//
// Output is streamed: nothing forces a whole file into memory, and inline
// byte-stream payloads can be generated on the fly (ByteStream.Len).
package encode

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
)

// Field is the position of one length or count field in the written file.
// The corruption tests overwrite these with hostile values.
type Field struct {
	Offset int64
	Width  int    // 2 (u16 string length) or 4 (i32 count or length)
	What   string // e.g. "operator count", "byte-stream length"
}

// writer is a big-endian cursor over an io.Writer that counts what it wrote,
// remembers the first error and, on request, where length fields are.
type writer struct {
	w      *bufio.Writer
	n      int64
	err    error
	record bool
	fields []Field
}

func newWriter(w io.Writer) *writer {
	return &writer{w: bufio.NewWriterSize(w, 256<<10)}
}

func (w *writer) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

func (w *writer) raw(b []byte) {
	if w.err != nil {
		return
	}
	k, err := w.w.Write(b)
	w.n += int64(k)
	w.fail(err)
}

func (w *writer) u8(v byte) {
	if w.err != nil {
		return
	}
	w.fail(w.w.WriteByte(v))
	w.n++
}

func (w *writer) bool(v bool) {
	if v {
		w.u8(1)
	} else {
		w.u8(0)
	}
}

func (w *writer) i16(v int16) {
	var b [2]byte
	binary.BigEndian.PutUint16(b[:], uint16(v))
	w.raw(b[:])
}

func (w *writer) i32(v int32) {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(v))
	w.raw(b[:])
}

func (w *writer) i64(v int64) {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(v))
	w.raw(b[:])
}

// count writes an i32 count or length and records its position.
func (w *writer) count(what string, v int) {
	if v < -1<<31 || v > 1<<31-1 {
		w.fail(fmt.Errorf("encode: %s %d does not fit an i32", what, v))
		return
	}
	w.mark(what, 4)
	w.i32(int32(v))
}

func (w *writer) mark(what string, width int) {
	if w.record {
		w.fields = append(w.fields, Field{Offset: w.n, Width: width, What: what})
	}
}

// utf writes s the way Java's DataOutputStream.writeUTF does: a u16 byte
// count, then modified UTF-8 (U+0000 as C0 80, supplementary characters as
// two 3-byte surrogates).
func (w *writer) utf(s string) {
	b := ModifiedUTF8(s)
	if len(b) > 0xFFFF {
		w.fail(fmt.Errorf("encode: string of %d encoded bytes is longer than writeUTF allows (65535)", len(b)))
		return
	}
	w.mark("string length", 2)
	w.i16(int16(uint16(len(b))))
	w.raw(b)
}

// ModifiedUTF8 encodes s as Java's modified UTF-8. Invalid UTF-8 in s is
// encoded as U+FFFD, as Java would after decoding it.
func ModifiedUTF8(s string) []byte {
	out := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r == 0:
			out = append(out, 0xC0, 0x80)
		case r < 0x80:
			out = append(out, byte(r))
		case r < 0x800:
			out = append(out, 0xC0|byte(r>>6), 0x80|byte(r&0x3F))
		case r < 0x10000:
			out = append(out, 0xE0|byte(r>>12), 0x80|byte(r>>6&0x3F), 0x80|byte(r&0x3F))
		default:
			hi, lo := utf16.EncodeRune(r)
			for _, c := range []rune{hi, lo} {
				out = append(out, 0xE0|byte(c>>12), 0x80|byte(c>>6&0x3F), 0x80|byte(c&0x3F))
			}
		}
	}
	return out
}

// filler streams n deterministic bytes without holding them: inline state
// of any size costs one 64 KiB buffer.
func (w *writer) filler(n int64, seed byte) {
	var buf [64 << 10]byte
	for i := range buf {
		buf[i] = byte(i*31) ^ seed
	}
	for n > 0 && w.err == nil {
		k := int64(len(buf))
		if n < k {
			k = n
		}
		w.raw(buf[:k])
		n -= k
	}
}

func (w *writer) flush() error {
	if w.err != nil {
		return w.err
	}
	return w.w.Flush()
}

var errVersion = errors.New("encode: header version must be 2, 3, 4, 5 or 6")
