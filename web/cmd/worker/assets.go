//go:build js && wasm

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"syscall/js"
)

// fetchAsset asks the ASSETS binding for the file r names. syumai/workers'
// fetch client invokes a binding's fetch without its receiver, which
// workerd rejects ("Illegal invocation"), so this calls it directly.
func fetchAsset(assets js.Value, r *http.Request) (*http.Response, error) {
	if assets.IsUndefined() {
		return nil, fmt.Errorf("the ASSETS binding is missing")
	}
	headers := js.Global().Get("Headers").New()
	for k, vs := range r.Header {
		for _, v := range vs {
			headers.Call("append", k, v)
		}
	}
	init := js.Global().Get("Object").New()
	init.Set("method", r.Method)
	init.Set("headers", headers)
	init.Set("redirect", "manual")
	res, err := await(r.Context(), assets.Call("fetch", r.URL.String(), init))
	if err != nil {
		return nil, err
	}
	h := http.Header{}
	each := js.FuncOf(func(_ js.Value, args []js.Value) any {
		h.Add(args[1].String(), args[0].String())
		return nil
	})
	res.Get("headers").Call("forEach", each)
	each.Release()
	status := res.Get("status").Int()
	n, _ := strconv.ParseInt(h.Get("Content-Length"), 10, 64)
	return &http.Response{
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:    status,
		Header:        h,
		Body:          &jsBody{ctx: r.Context(), res: res},
		ContentLength: n,
	}, nil
}

// jsBody is a fetch Response's body. Copied into syumai/workers'
// ResponseWriter it passes the JS stream through untouched, so the page's
// multi-megabyte wasm never crosses into Go memory.
type jsBody struct {
	ctx context.Context
	res js.Value
	buf *bytes.Reader
}

func (b *jsBody) WriteTo(w io.Writer) (int64, error) {
	if raw, ok := w.(interface{ WriteRawJSBody(js.Value) }); ok {
		raw.WriteRawJSBody(b.res.Get("body"))
		return 0, nil
	}
	if err := b.load(); err != nil {
		return 0, err
	}
	return b.buf.WriteTo(w)
}

func (b *jsBody) Read(p []byte) (int, error) {
	if err := b.load(); err != nil {
		return 0, err
	}
	return b.buf.Read(p)
}

func (b *jsBody) load() error {
	if b.buf != nil {
		return nil
	}
	ab, err := await(b.ctx, b.res.Call("arrayBuffer"))
	if err != nil {
		return err
	}
	u8 := js.Global().Get("Uint8Array").New(ab)
	data := make([]byte, u8.Get("byteLength").Int())
	js.CopyBytesToGo(data, u8)
	b.buf = bytes.NewReader(data)
	return nil
}

func (b *jsBody) Close() error { return nil }
