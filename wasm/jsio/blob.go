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
)

// chunkSize is how much one Blob.slice(...).arrayBuffer() brings into Go.
// Each chunk is one await, which hands the event loop back to the page: it
// redraws the progress bar and answers input once per chunk, so chunks stay
// small enough for that to feel live.
const chunkSize = 1 << 20

// cachedChunks bounds memory: a decoder that seeks back a little (or reads a
// value that straddles a chunk boundary) stays in cache.
const cachedChunks = 4

// BlobReader is an io.ReaderAt over a JavaScript Blob (a File is a Blob).
// It reads aligned chunks on demand and never holds the whole file.
type BlobReader struct {
	blob   js.Value
	size   int64
	chunks []chunk // most recently used last
}

type chunk struct {
	off  int64
	data []byte
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
	n := 0
	for n < len(p) {
		pos := off + int64(n)
		if pos >= b.size {
			return n, io.EOF
		}
		c, err := b.chunkAt(pos - pos%chunkSize)
		if err != nil {
			return n, err
		}
		n += copy(p[n:], c.data[pos-c.off:])
	}
	return n, nil
}

func (b *BlobReader) chunkAt(off int64) (chunk, error) {
	// Decoders read forward in small pieces: the newest chunk is the hit.
	if n := len(b.chunks); n > 0 && b.chunks[n-1].off == off {
		return b.chunks[n-1], nil
	}
	for i, c := range b.chunks {
		if c.off == off {
			// Move to the back: most recently used.
			b.chunks = append(append(b.chunks[:i:i], b.chunks[i+1:]...), c)
			return c, nil
		}
	}
	end := min(off+chunkSize, b.size)
	buf, err := await(b.blob.Call("slice", float64(off), float64(end)).Call("arrayBuffer"))
	if err != nil {
		return chunk{}, fmt.Errorf("reading bytes %d–%d of the file: %w", off, end, err)
	}
	data := make([]byte, end-off)
	js.CopyBytesToGo(data, js.Global().Get("Uint8Array").New(buf))
	c := chunk{off: off, data: data}
	if len(b.chunks) == cachedChunks {
		b.chunks = b.chunks[1:]
	}
	b.chunks = append(b.chunks, c)
	return c, nil
}

// await blocks the calling goroutine until promise settles.
func await(promise js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	done := make(chan result, 1)
	onOK := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{v: args[0]}
		return nil
	})
	onErr := js.FuncOf(func(_ js.Value, args []js.Value) any {
		done <- result{err: errors.New(args[0].Call("toString").String())}
		return nil
	})
	defer onOK.Release()
	defer onErr.Release()
	promise.Call("then", onOK, onErr)
	r := <-done
	return r.v, r.err
}
