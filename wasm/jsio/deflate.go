//go:build js && wasm

package jsio

import (
	"fmt"
	"syscall/js"
)

// Deflate is share.Codec on the browser's CompressionStream and
// DecompressionStream ("deflate-raw"), so the page carries no DEFLATE code
// of its own. Call it on a goroutine: it waits for promises.
type Deflate struct{}

func (Deflate) Deflate(data []byte) ([]byte, error) {
	out, err := pipeThrough("CompressionStream", data, -1)
	if err != nil {
		return nil, fmt.Errorf("the browser could not compress: %w", err)
	}
	return out, nil
}

// Inflate cannot tell how far into src the damage is: consumed is 0.
func (Deflate) Inflate(src []byte, limit int64) ([]byte, int64, error) {
	out, err := pipeThrough("DecompressionStream", src, limit)
	return out, 0, err
}

// pipeThrough runs data through a new stream of kind and returns what comes
// out, stopping once it exceeds limit bytes (limit < 0: no limit).
func pipeThrough(kind string, data []byte, limit int64) ([]byte, error) {
	global := js.Global()
	arr := global.Get("Uint8Array").New(len(data))
	js.CopyBytesToJS(arr, data)
	stream := global.Get("Blob").New([]any{arr}).Call("stream").
		Call("pipeThrough", global.Get(kind).New("deflate-raw"))
	reader := stream.Call("getReader")
	var out []byte
	for {
		res, err := await(reader.Call("read"))
		if err != nil {
			return out, err
		}
		if res.Get("done").Bool() {
			return out, nil
		}
		chunk := res.Get("value")
		start := len(out)
		out = append(out, make([]byte, chunk.Get("length").Int())...)
		js.CopyBytesToGo(out[start:], chunk)
		if limit >= 0 && int64(len(out)) > limit {
			reader.Call("cancel")
			return out, nil
		}
	}
}
