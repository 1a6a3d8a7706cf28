//go:build js && wasm

package jsio

import (
	"syscall/js"

	"github.com/ckptlens/ckptlens/wasm/app"
)

// Browser implements app.Platform.
type Browser struct{}

var _ app.Platform = Browser{}

// Download offers data as a file through a Blob URL; the URL is local to the
// page, so nothing goes over the network.
func (Browser) Download(filename, mimeType string, data []byte) {
	arr := js.Global().Get("Uint8Array").New(len(data))
	js.CopyBytesToJS(arr, data)
	blob := js.Global().Get("Blob").New([]any{arr}, map[string]any{"type": mimeType})
	url := js.Global().Get("URL").Call("createObjectURL", blob)
	a := js.Global().Get("document").Call("createElement", "a")
	a.Set("href", url)
	a.Set("download", filename)
	a.Call("click")
	js.Global().Call("setTimeout", js.FuncOf(func(js.Value, []js.Value) any {
		js.Global().Get("URL").Call("revokeObjectURL", url)
		return nil
	}), 10000)
}

// CopyText writes text to the clipboard.
func (Browser) CopyText(text string) {
	if cb := js.Global().Get("navigator").Get("clipboard"); cb.Truthy() {
		cb.Call("writeText", text)
	}
}

// Now is performance.now() in milliseconds.
func (Browser) Now() float64 { return js.Global().Get("performance").Call("now").Float() }

// WireInputs makes the whole page a drop target and connects the file picker
// (any <input type=file id=file-picker>, found when it fires, so the app may
// re-render it freely). Each gesture calls load with the files it carried.
func WireInputs(load func([]app.Input)) {
	doc := js.Global().Get("document")
	body := doc.Get("body")
	depth := 0
	on := func(name string, f func(ev js.Value)) {
		doc.Call("addEventListener", name, js.FuncOf(func(_ js.Value, args []js.Value) any {
			f(args[0])
			return nil
		}))
	}
	hasFiles := func(ev js.Value) bool {
		dt := ev.Get("dataTransfer")
		if !dt.Truthy() {
			return false
		}
		types := dt.Get("types")
		for i := 0; i < types.Length(); i++ {
			if types.Index(i).String() == "Files" {
				return true
			}
		}
		return false
	}
	on("dragenter", func(ev js.Value) {
		if hasFiles(ev) {
			ev.Call("preventDefault")
			depth++
			body.Get("classList").Call("add", "dragging")
		}
	})
	on("dragover", func(ev js.Value) {
		if hasFiles(ev) {
			ev.Call("preventDefault")
			ev.Get("dataTransfer").Set("dropEffect", "copy")
		}
	})
	on("dragleave", func(ev js.Value) {
		if depth > 0 {
			depth--
		}
		if depth == 0 {
			body.Get("classList").Call("remove", "dragging")
		}
	})
	on("drop", func(ev js.Value) {
		depth = 0
		body.Get("classList").Call("remove", "dragging")
		dt := ev.Get("dataTransfer")
		if !dt.Truthy() {
			return
		}
		ev.Call("preventDefault")
		load(inputsOf(dt.Get("files")))
	})
	on("change", func(ev js.Value) {
		t := ev.Get("target")
		if t.Get("id").String() != "file-picker" {
			return
		}
		load(inputsOf(t.Get("files")))
		t.Set("value", "") // choosing the same file again fires change again
	})
}

// inputsOf wraps a FileList.
func inputsOf(files js.Value) []app.Input {
	var out []app.Input
	for i := 0; i < files.Length(); i++ {
		f := files.Index(i)
		r := NewBlobReader(f)
		out = append(out, app.Input{Name: f.Get("name").String(), Size: r.Size(), ReaderAt: r})
	}
	return out
}

// Publish writes the page state where tests and the budget script read it:
// <body data-state data-loads> and window.ckptlensTimings.
func Publish(state string, completed int, dropToRender, decodeMs, analyseMs float64) {
	dataset := js.Global().Get("document").Get("body").Get("dataset")
	dataset.Set("state", state)
	dataset.Set("loads", completed)
	t := js.Global().Get("ckptlensTimings")
	if !t.Truthy() {
		t = js.Global().Get("Object").New()
		js.Global().Set("ckptlensTimings", t)
	}
	if !t.Get("firstRender").Truthy() {
		t.Set("firstRender", js.Global().Get("performance").Call("now"))
	}
	if dropToRender > 0 {
		t.Set("dropToRender", dropToRender)
		t.Set("decode", decodeMs)
		t.Set("analyse", analyseMs)
	}
}
