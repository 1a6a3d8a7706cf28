//go:build js && wasm

// Package jspromise waits for JavaScript promises from Go. The page
// (wasm/jsio) and the Worker (web/cmd/worker) both use it; it imports
// nothing else of the project, so the Worker stays small.
package jspromise

import (
	"context"
	"errors"
	"syscall/js"
)

// Await blocks the calling goroutine until p settles or ctx is done. In Go's
// WebAssembly, blocking on a channel hands control back to the JavaScript
// event loop, which is what lets the promise settle.
func Await(ctx context.Context, p js.Value) (js.Value, error) {
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
	p.Call("then", onOK, onErr)
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		return js.Value{}, ctx.Err()
	}
}
