package flink

import (
	"encoding/binary"
	"fmt"
	"io"
	"unicode/utf8"
	"unsafe"

	"github.com/ckptlens/ckptlens/parse/model"
)

// maxBuffer bounds the read buffer. It holds the longest contiguous read,
// the body of a writeUTF string (at most 65 535 bytes; its length is read
// separately).
const maxBuffer = 64 << 10

// reader is a big-endian cursor over an io.ReaderAt. It reads through one
// buffer (see bufferSize), so small inputs stay small and large inputs cost
// one ReadAt per 64 KiB. Errors are sticky: after the first one
// every read returns zero values and err keeps the first error, so decoding
// code checks r.err only where it loops or branches.
//
// Strings cost no copy when the buffer holds the whole input (it is filled
// once and never overwritten, so strings may point into it); otherwise they
// are copied into arena chunks that are never overwritten either. An input
// given as a *model.Memory is that buffer from the start: nothing is read
// or copied.
type reader struct {
	src  io.ReaderAt
	size int64

	buf    []byte
	bufOff int64 // file offset of buf[0]
	pos    int   // next unread byte in buf
	end    int   // valid bytes in buf

	err error

	// whole is set once buf holds the entire input.
	whole bool
	arena []byte // string storage when !whole

	// counting is set during the first pass: strings are checked and
	// measured (strBytes) but not kept.
	counting bool
	strBytes int

	// Strings are decoded into str when they are not plain ASCII.
	str []byte

	// skipped is set when skip moved past the buffer: the next read is
	// a small one (skipRead).
	skipped bool

	// mem is set when the input is held whole in memory: buf is its Data
	// and whole stays set. end then only marks how far decoding has got,
	// and moves in steps of reachStep when mem.Reached wants to hear it.
	mem *model.Memory
}

func newReader(src io.ReaderAt, size int64) *reader {
	if m, ok := src.(*model.Memory); ok && int64(len(m.Data)) == size {
		r := &reader{src: src, size: size, buf: m.Data, whole: true, mem: m, end: len(m.Data)}
		if m.Reached != nil {
			r.end = 0
		}
		return r
	}
	return &reader{src: src, size: size, buf: make([]byte, bufferSize(size))}
}

// reachStep is how far an input held in memory is decoded between two
// calls of its Reached.
const reachStep = 256 << 10

// reach moves end of an input held in memory to at least to, and tells
// Reached.
func (r *reader) reach(to int) {
	r.end = min(len(r.buf), max(to, r.end+reachStep))
	r.mem.Reached(int64(r.end))
}

// bufferSize is the whole input when it is tiny (strings then point into
// it), else a quarter of it up to 64 KiB: four reads per pass for
// mid-sized inputs, 64 KiB reads for large ones, and a buffer plus the
// copied strings that cost less than holding the input.
func bufferSize(size int64) int64 {
	switch {
	case size <= 0:
		return 0
	case size <= wholeLimit:
		return size
	}
	return min(size/4, maxBuffer)
}

// wholeLimit is the largest input read into memory whole.
const wholeLimit = 4 << 10

// offset is the file offset of the next unread byte.
func (r *reader) offset() int64 { return r.bufOff + int64(r.pos) }

// remaining is the number of bytes between the cursor and the end of input.
func (r *reader) remaining() int64 { return r.size - r.offset() }

// seek moves the cursor to an absolute offset (to start a pass over again).
func (r *reader) seek(off int64) {
	r.err = nil
	if r.mem != nil && r.mem.Reached != nil && off < int64(r.end) {
		// Going back starts a pass over the input: Reached hears it again
		// from here, as a ReaderAt sees its offsets start over.
		r.pos, r.end = int(off), int(off)
		r.mem.Reached(off)
		return
	}
	if off >= r.bufOff && off <= r.bufOff+int64(r.end) {
		r.pos = int(off - r.bufOff)
		return
	}
	if r.mem != nil {
		r.pos = int(min(off, r.size))
		r.reach(r.pos)
		return
	}
	r.bufOff, r.pos, r.end, r.whole = off, 0, 0, false
}

// fail records the first error.
func (r *reader) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// corrupt records a FormatError at offset off.
func (r *reader) corrupt(off int64, expected, found string) {
	r.fail(&model.FormatError{Format: model.FormatFlink, Offset: off, Expected: expected, Found: found})
}

// truncated records the error for input that ends in the middle of what.
func (r *reader) truncated(what string, need int64) {
	r.corrupt(r.offset(), fmt.Sprintf("%s (%d bytes)", what, need),
		fmt.Sprintf("the end of the file: it ends at byte %d in the middle of %s, it is probably truncated", r.size, what))
}

// need makes n contiguous bytes available at buf[pos:]. n never exceeds
// len(buf) for inputs that hold n more bytes.
func (r *reader) need(n int, what string) bool {
	if r.err != nil {
		return false
	}
	if r.end-r.pos >= n {
		return true
	}
	if int64(n) > r.remaining() {
		r.truncated(what, int64(n))
		return false
	}
	if r.mem != nil {
		r.reach(r.pos + n)
		return true
	}
	// Slide the unread tail to the front and refill. A read longer than
	// the buffer (a long string) grows it; the input holds that many bytes.
	r.bufOff += int64(r.pos)
	if n > len(r.buf) {
		nb := make([]byte, max(n, min(2*len(r.buf), maxBuffer)))
		r.end = copy(nb, r.buf[r.pos:r.end])
		r.buf = nb
	} else {
		r.end = copy(r.buf, r.buf[r.pos:r.end])
	}
	r.pos = 0
	want := int64(len(r.buf) - r.end)
	if r.skipped {
		// Right after a skip, read what is needed, rounded up to
		// skipRead, not a whole buffer: see skipRead.
		want = min(want, max(int64(n), skipRead))
		r.skipped = false
	}
	if left := r.size - (r.bufOff + int64(r.end)); want > left {
		want = left
	}
	got, err := r.src.ReadAt(r.buf[r.end:r.end+int(want)], r.bufOff+int64(r.end))
	r.end += got
	r.whole = r.bufOff == 0 && int64(r.end) == r.size
	if int64(got) < want {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		r.fail(&model.ReadError{Format: model.FormatFlink, Offset: r.bufOff + int64(r.end), Err: err})
		return false
	}
	return r.end-r.pos >= n
}

func (r *reader) u8(what string) byte {
	if !r.need(1, what) {
		return 0
	}
	b := r.buf[r.pos]
	r.pos++
	return b
}

func (r *reader) i32(what string) int32 {
	if !r.need(4, what) {
		return 0
	}
	v := binary.BigEndian.Uint32(r.buf[r.pos:])
	r.pos += 4
	return int32(v)
}

func (r *reader) i64(what string) int64 {
	if !r.need(8, what) {
		return 0
	}
	v := binary.BigEndian.Uint64(r.buf[r.pos:])
	r.pos += 8
	return int64(v)
}

func (r *reader) bool(what string) bool { return r.u8(what) != 0 }

// id reads a 16-byte Flink AbstractID.
func (r *reader) id(what string) (id ID) {
	if !r.need(16, what) {
		return id
	}
	copy(id[:], r.buf[r.pos:])
	r.pos += 16
	return id
}

// skip advances over n bytes without reading them: inline payloads are
// measured, never held.
func (r *reader) skip(n int64, what string) {
	if r.err != nil {
		return
	}
	if n < 0 || n > r.remaining() {
		r.truncated(what, n)
		return
	}
	if n <= int64(r.end-r.pos) {
		r.pos += int(n)
		return
	}
	if r.mem != nil {
		r.pos += int(n)
		r.reach(r.pos)
		return
	}
	r.whole = false
	r.bufOff = r.offset() + n
	r.pos, r.end = 0, 0
	r.skipped = true
}

// skipRead is how much the reader reads right after skipping: what a
// handle's header needs before the next inline payload is skipped. In the
// page every byte read is a byte fetched from the browser and cached for
// the second pass, so a whole buffer after every skip would overflow that
// cache (figures: bench/RESULTS.md).
const skipRead = 4 << 10

// count reads an i32 element count and checks that count elements of at
// least minSize bytes each can fit in what remains, so a hostile count is a
// FormatError before anything is allocated or looped over.
func (r *reader) count(minSize int64, what string) int {
	off := r.offset()
	n := r.i32(what)
	if r.err != nil {
		return 0
	}
	return r.checkCount(off, int64(n), minSize, what)
}

func (r *reader) checkCount(off, n, minSize int64, what string) int {
	if n < 0 {
		r.corrupt(off, what+", not negative", fmt.Sprint(n))
		return 0
	}
	if n*minSize > r.remaining() {
		r.corrupt(off, fmt.Sprintf("%s, no more than the %d bytes left can hold", what, r.remaining()),
			fmt.Sprintf("%d, which needs at least %d bytes: the file ends at byte %d, it is probably truncated or corrupted",
				n, n*minSize, r.size))
		return 0
	}
	return int(n)
}

// tooLong records a length field at off that exceeds the bytes left.
func (r *reader) tooLong(off, n int64, what string) {
	r.corrupt(off, fmt.Sprintf("%s of at most the %d bytes left", what, r.remaining()),
		fmt.Sprintf("%d: the file ends at byte %d, it is probably truncated or corrupted", n, r.size))
}

// utf reads a Java writeUTF string: a u16 byte count, then modified UTF-8.
func (r *reader) utf(what string) string {
	if !r.need(2, what) {
		return ""
	}
	n := int(binary.BigEndian.Uint16(r.buf[r.pos:]))
	r.pos += 2
	if n == 0 {
		return ""
	}
	if !r.need(n, what) {
		return ""
	}
	b := r.buf[r.pos : r.pos+n]
	r.pos += n
	if !plainASCII(b) {
		return r.modifiedUTF8(b, what)
	}
	if r.counting {
		r.strBytes += n
		return ""
	}
	if r.whole {
		return unsafe.String(&b[0], n)
	}
	return r.keep(b)
}

// plainASCII reports whether b has neither a byte 0 nor a byte >= 0x80, so
// that its modified UTF-8 is the same bytes in UTF-8. It tests sixteen
// bytes at a time, then eight: every string in the input goes through it,
// twice, and in WebAssembly every loop turn costs.
func plainASCII(b []byte) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+16 <= len(b); i += 16 {
		v, w := binary.LittleEndian.Uint64(b[i:]), binary.LittleEndian.Uint64(b[i+8:])
		if (v|(v-ones)|w|(w-ones))&highs != 0 {
			return false
		}
	}
	for ; i+8 <= len(b); i += 8 {
		v := binary.LittleEndian.Uint64(b[i:])
		// A high bit set, or a zero byte (v-ones borrows into its high bit).
		if (v|(v-ones))&highs != 0 {
			return false
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == 0 || c >= 0x80 {
			return false
		}
	}
	return true
}

// keep copies b into the string arena and returns it as a string. Chunks
// double up to 64 KiB but never exceed what the rest of the input could
// still hold.
func (r *reader) keep(b []byte) string {
	if cap(r.arena)-len(r.arena) < len(b) {
		size := max(len(b), int(min(int64(max(2*cap(r.arena), 1024)), maxBuffer, r.remaining()+int64(len(b)))))
		r.arena = make([]byte, 0, size)
	}
	start := len(r.arena)
	r.arena = append(r.arena, b...)
	return unsafe.String(&r.arena[start], len(b))
}

// utfView reads a writeUTF string's raw bytes without keeping them: the
// slice is valid until the next read. For names that are only looked at.
func (r *reader) utfView(what string) []byte {
	if !r.need(2, what) {
		return nil
	}
	n := int(binary.BigEndian.Uint16(r.buf[r.pos:]))
	r.pos += 2
	if n == 0 || !r.need(n, what) {
		return nil
	}
	r.pos += n
	return r.buf[r.pos-n : r.pos]
}

// modifiedUTF8 converts Java's modified UTF-8 (C0 80 for U+0000, surrogate
// pairs as two 3-byte sequences) to UTF-8. Malformed sequences are a
// FormatError, as they are for DataInputStream.readUTF.
func (r *reader) modifiedUTF8(b []byte, what string) string {
	start := r.offset() - int64(len(b))
	out := r.str[:0]
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < 0x80 && c != 0:
			out = append(out, c)
			i++
		case c>>5 == 0x6: // 110xxxxx 10xxxxxx
			if i+1 >= len(b) || b[i+1]>>6 != 2 {
				r.corrupt(start+int64(i), "modified UTF-8 in "+what, fmt.Sprintf("malformed byte 0x%02x", c))
				return ""
			}
			out = utf8.AppendRune(out, rune(c&0x1f)<<6|rune(b[i+1]&0x3f))
			i += 2
		case c>>4 == 0xe: // 1110xxxx 10xxxxxx 10xxxxxx
			if i+2 >= len(b) || b[i+1]>>6 != 2 || b[i+2]>>6 != 2 {
				r.corrupt(start+int64(i), "modified UTF-8 in "+what, fmt.Sprintf("malformed byte 0x%02x", c))
				return ""
			}
			ch := rune(c&0x0f)<<12 | rune(b[i+1]&0x3f)<<6 | rune(b[i+2]&0x3f)
			i += 3
			// A high surrogate followed by a low surrogate is one supplementary character.
			if ch >= 0xd800 && ch < 0xdc00 && i+2 < len(b) && b[i] == 0xed && b[i+1]>>4 == 0xb && b[i+2]>>6 == 2 {
				lo := rune(b[i]&0x0f)<<12 | rune(b[i+1]&0x3f)<<6 | rune(b[i+2]&0x3f)
				ch = 0x10000 + (ch-0xd800)<<10 + (lo - 0xdc00)
				i += 3
			}
			out = utf8.AppendRune(out, ch) // lone surrogates become U+FFFD
		default:
			r.corrupt(start+int64(i), "modified UTF-8 in "+what, fmt.Sprintf("malformed byte 0x%02x", c))
			return ""
		}
	}
	r.str = out
	if r.counting {
		return ""
	}
	return string(out)
}

// stack is scratch space for list elements whose count is untrusted: a list
// is decoded onto the stack and then copied out at its exact length, so a
// hostile count never sizes an allocation and real lists waste nothing.
// Nested lists of the same type use the stack in LIFO order.
type stack[T any] []T

// take removes the elements above mark and returns them in a new slice
// (nil when there are none).
func (s *stack[T]) take(mark int) []T {
	n := len(*s) - mark
	if n <= 0 {
		return nil
	}
	out := make([]T, n)
	copy(out, (*s)[mark:])
	clear((*s)[mark:])
	*s = (*s)[:mark]
	return out
}
