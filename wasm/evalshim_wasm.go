//go:build js && wasm

package main

import "syscall/js"

// The Worker's Content-Security-Policy has no 'unsafe-eval': it allows
// WebAssembly and, by hash, a few known inline scripts. vugu's domrender
// installs its JS helpers with window.eval, which such a policy blocks, so
// its one eval call runs the same code as an inline <script> element instead;
// the policy lists that script's hash (web/server.VuguHelperHash). Without
// any policy (file servers, tests) the result is the same.
func init() {
	window := js.Global()
	original := window.Get("eval")
	var shim js.Func
	shim = js.FuncOf(func(_ js.Value, args []js.Value) any {
		window.Set("eval", original) // only vugu's first call is redirected
		doc := window.Get("document")
		script := doc.Call("createElement", "script")
		script.Set("textContent", args[0])
		doc.Get("head").Call("appendChild", script) // inline scripts run on insertion
		script.Call("remove")
		return nil
	})
	window.Set("eval", shim)
}
