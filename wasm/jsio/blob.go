//go:build js && wasm

// Package jsio connects the page app to the browser: it reads dropped or
// picked files through Blob.slice, wires the page-wide drop target and the
// file picker, and offers downloads and the clipboard. Everything that needs
// syscall/js lives here, so wasm/app stays plain Go.
package jsio

import (
	"errors"
	"fmt"
	"io"
	"syscall/js"

	"github.com/ckptlens/ckptlens/wasm/jspromise"
)

// chunkSize is how much one Blob.slice(...).arrayBuffer() brings into Go
// while the decoder reads straight on. Each chunk is one await, which hands
// the event loop back to the page: it redraws the progress bar and answers
// input once per chunk, so chunks stay small enough for that to feel live.
const chunkSize = 1 << 20

// jumpSize is how much a read that jumps ahead fetches (rounded to it): the
// decoder skips inline payloads, so a whole chunk behind every skip would
// pull the skipped bytes through after all, and small jumps stay cached
// for the decoder's second pass (figures: bench/RESULTS.md).
const jumpSize = 4 << 10

// cacheBytes bounds the fetched ranges kept. The Flink decoder reads its
// input twice (it counts, then fills); a file up to this size is fetched
// from the Blob once.
const cacheBytes = 32 << 20

// BlobReader is an io.ReaderAt over a JavaScript Blob (a File is a Blob).
// It fetches ranges on demand and never holds more than cacheBytes of the
// file. While the decoder reads straight on, it fetches whole chunks and
// asks for the next one before it is needed, so the browser reads it while
// the decoder works.
type BlobReader struct {
	blob  js.Value
	size  int64
	spans []span // fetched ranges, most recently used last
	held  int64  // bytes in spans
	end   int64  // end of the last range fetched: where reading on continues
	ahead *fetch // the chunk after end, already asked for; nil if none
}

type span struct {
	off  int64
	data []byte
}

// fetch is a range asked of the Blob and not yet brought into Go.
type fetch struct {
	off, end int64
	promise  js.Value // of an ArrayBuffer
}

// NewBlobReader wraps blob; size is blob.size.
func NewBlobReader(blob js.Value) *BlobReader {
	return &BlobReader{blob: blob, size: int64(blob.Get("size").Float())}
}

// Size is the blob's length in bytes.
func (b *BlobReader) Size() int64 { return b.size }

// ReadAt implements io.ReaderAt. It must not run on the JavaScript event
// callback's goroutine, because it waits for a promise.
func (b *BlobReader) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("jsio: negative offset")
	}
	if len(p) >= bulkRead {
		return b.readBulk(p, off)
	}
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		if pos >= b.size {
			return n, io.EOF
		}
		s, err := b.spanAt(pos, int64(len(p)-n))
		if err != nil {
			return n, err
		}
		n += copy(p[n:], s.data[pos-s.off:])
	}
	return n, nil
}

// spanAt returns a fetched range holding pos; want is how many bytes from
// pos the caller still needs.
func (b *BlobReader) spanAt(pos, want int64) (span, error) {
	// Decoders read forward in small pieces: the newest range is the hit.
	if n := len(b.spans); n > 0 && b.spans[n-1].holds(pos) {
		return b.spans[n-1], nil
	}
	for i, s := range b.spans {
		if s.holds(pos) {
			// Move to the back: most recently used.
			b.spans = append(append(b.spans[:i:i], b.spans[i+1:]...), s)
			return s, nil
		}
	}
	onward := pos == b.end // reading straight on, not skipping ahead
	var f *fetch
	switch {
	case b.size <= cacheBytes && len(b.spans) == 0 && b.ahead == nil:
		// A file that fits the cache is fetched whole: every fetch has a
		// large fixed cost.
		f = b.ask(0, b.size)
	case b.ahead != nil && b.ahead.off <= pos && pos < b.ahead.end:
		f, b.ahead = b.ahead, nil
	case pos == b.end: // reading on
		f = b.ask(pos, pos+chunkSize)
	default: // a jump: fetch what is needed, rounded out to jumpSize
		end := pos + max(want, 1)
		f = b.ask(pos-pos%jumpSize, end+(jumpSize-end%jumpSize)%jumpSize)
	}
	b.end = f.end
	// Only a decoder reading straight on gets the next chunk before it asks:
	// one that skips (inline payloads) would have every byte fetched after all.
	if onward && f.end-f.off == chunkSize && f.end < b.size && (b.ahead == nil || b.ahead.off != f.end) {
		b.ahead = b.ask(f.end, f.end+chunkSize)
	}
	buf, err := await(f.promise)
	if err != nil {
		return span{}, fmt.Errorf("reading bytes %d–%d of the file: %w", f.off, f.end, err)
	}
	s := span{off: f.off, data: make([]byte, f.end-f.off)}
	js.CopyBytesToGo(s.data, js.Global().Get("Uint8Array").New(buf))
	for len(b.spans) > 0 && b.held+int64(len(s.data)) > cacheBytes {
		b.held -= int64(len(b.spans[0].data))
		b.spans[0] = span{}
		b.spans = b.spans[1:]
	}
	b.spans = append(b.spans, s)
	b.held += int64(len(s.data))
	return s, nil
}

// bulkRead is the smallest read that goes straight into the caller's
// buffer: the page reading a file whole, in steps of many MiB.
const bulkRead = 4 << 20

// readBulk fetches p's range in one go, without caching it, and asks for
// the range of the same length after it before it waits: the page reads
// on, and the browser fetches the next step while Go copies this one.
func (b *BlobReader) readBulk(p []byte, off int64) (int, error) {
	if off >= b.size {
		return 0, io.EOF
	}
	end := min(off+int64(len(p)), b.size)
	var f *fetch
	if b.ahead != nil && b.ahead.off == off && b.ahead.end == end {
		f, b.ahead = b.ahead, nil
	} else {
		f = b.ask(off, end)
	}
	if end < b.size {
		b.ahead = b.ask(end, end+int64(len(p)))
	}
	buf, err := await(f.promise)
	if err != nil {
		return 0, fmt.Errorf("reading bytes %d–%d of the file: %w", off, end, err)
	}
	n := js.CopyBytesToGo(p, js.Global().Get("Uint8Array").New(buf))
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (s span) holds(pos int64) bool { return s.off <= pos && pos < s.off+int64(len(s.data)) }

// ask starts reading [off, end) of the Blob, clipped to its size.
func (b *BlobReader) ask(off, end int64) *fetch {
	end = min(end, b.size)
	return &fetch{off: off, end: end, promise: b.blob.Call("slice", float64(off), float64(end)).Call("arrayBuffer")}
}

// await blocks the calling goroutine until a promise settles.
var await = jspromise.Await
