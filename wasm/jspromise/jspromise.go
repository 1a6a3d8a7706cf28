//go:build js && wasm

// Package jspromise waits for JavaScript promises from Go. The page
// (wasm/jsio) and the Worker (web/cmd/worker) both use it. It imports
// nothing but syscall/js and errors: the page's wasm size is budgeted, and
// the context package alone costs it about 8 KB brotli, so cancellation is
// left to the caller (select on Then's channel).
package jspromise

import (
	"errors"
	"syscall/js"
)

// Result is how a promise settled.
type Result struct {
	Value js.Value
	Err   error // the rejection, as its toString()
}

// Then returns a channel that receives p's outcome once it settles. In Go's
// WebAssembly, blocking on the channel hands control back to the JavaScript
// event loop, which is what lets the promise settle.
func Then(p js.Value) <-chan Result {
	done := make(chan Result, 1)
	var onOK, onErr js.Func
	settle := func(r Result) {
		onOK.Release()
		onErr.Release()
		done <- r
	}
	onOK = js.FuncOf(func(_ js.Value, args []js.Value) any {
		settle(Result{Value: args[0]})
		return nil
	})
	onErr = js.FuncOf(func(_ js.Value, args []js.Value) any {
		settle(Result{Err: errors.New(args[0].Call("toString").String())})
		return nil
	})
	p.Call("then", onOK, onErr)
	return done
}

// Await blocks the calling goroutine until p settles.
func Await(p js.Value) (js.Value, error) {
	r := <-Then(p)
	return r.Value, r.Err
}
