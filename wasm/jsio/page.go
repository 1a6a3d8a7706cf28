//go:build js && wasm

package jsio

import (
	"sort"
	"strings"
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

// Painted waits for the next animation frame and a task after it (the
// browser paints after the frame's callbacks), or paintTimeout at most: a
// tab in the background gets no frames, and its work must go on. A frame
// still pending then is cancelled, so no released function is called.
func (Browser) Painted() {
	var frame js.Value
	var start, after js.Func
	start = js.FuncOf(func(_ js.Value, args []js.Value) any {
		resolve := args[0]
		after = js.FuncOf(func(js.Value, []js.Value) any {
			js.Global().Call("setTimeout", resolve, 0)
			return nil
		})
		frame = js.Global().Call("requestAnimationFrame", after)
		js.Global().Call("setTimeout", resolve, paintTimeout)
		return nil
	})
	await(js.Global().Get("Promise").New(start))
	js.Global().Call("cancelAnimationFrame", frame)
	start.Release()
	after.Release()
}

// paintTimeout bounds Painted, in milliseconds.
const paintTimeout = 50

// WireInputs makes the whole page a drop target and connects the file and
// folder pickers (<input type=file id=file-picker> and id=folder-picker,
// found when they fire, so the app may re-render them freely). Each gesture calls load with the files it carried.
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
		dirs, files := splitDrop(dt)
		if len(dirs) == 0 {
			load(inputsOf(dt.Get("files")))
			return
		}
		// Folders are walked asynchronously, off the event callback.
		go func() { load(append(files, walkFolders(dirs)...)) }()
	})
	on("change", func(ev js.Value) {
		t := ev.Get("target")
		switch t.Get("id").String() {
		case "file-picker":
			load(inputsOf(t.Get("files")))
		case "folder-picker":
			load(folderInputs(t.Get("files")))
		default:
			return
		}
		t.Set("value", "") // choosing the same file again fires change again
	})
}

// splitDrop separates dropped folders (as FileSystemDirectoryEntry values,
// which must be taken during the drop event) from dropped files.
func splitDrop(dt js.Value) (dirs []js.Value, files []app.Input) {
	items := dt.Get("items")
	if !items.Truthy() {
		return nil, nil
	}
	for i := 0; i < items.Length(); i++ {
		it := items.Index(i)
		if it.Get("kind").String() != "file" {
			continue
		}
		if it.Get("webkitGetAsEntry").Type() == js.TypeFunction {
			if e := it.Call("webkitGetAsEntry"); e.Truthy() && e.Get("isDirectory").Bool() {
				dirs = append(dirs, e)
				continue
			}
		}
		if f := it.Call("getAsFile"); f.Truthy() {
			files = append(files, inputOf(f, f.Get("name").String()))
		}
	}
	return dirs, files
}

// snapshotFileName reports whether a file found in a dropped folder is one
// the page reads: Flink's _metadata and SlateDB's manifests. Everything
// else in a checkpoint folder is state the snapshot points to, not read.
func snapshotFileName(name string) bool {
	return name == "_metadata" || strings.HasSuffix(name, ".manifest")
}

// maxFolderEntries bounds a folder walk, so dropping a whole bucket mirror
// does not stall the page.
const maxFolderEntries = 200000

// walkFolders finds the snapshot files under dropped folders. Each is named
// by its path inside the drop ("job/chk-41/_metadata"), which tells the
// engine where it lives.
func walkFolders(dirs []js.Value) []app.Input {
	var out []app.Input
	seen := 0
	queue := dirs
	for len(queue) > 0 && seen < maxFolderEntries {
		dir := queue[0]
		queue = queue[1:]
		reader := dir.Call("createReader")
		for seen < maxFolderEntries {
			batch, err := await(promiseOf(func(resolve, reject js.Value) { reader.Call("readEntries", resolve, reject) }))
			if err != nil || batch.Length() == 0 {
				break
			}
			for i := 0; i < batch.Length(); i++ {
				seen++
				e := batch.Index(i)
				switch {
				case e.Get("isDirectory").Bool():
					queue = append(queue, e)
				case snapshotFileName(e.Get("name").String()):
					f, err := await(promiseOf(func(resolve, reject js.Value) { e.Call("file", resolve, reject) }))
					if err == nil {
						out = append(out, inputOf(f, strings.TrimPrefix(e.Get("fullPath").String(), "/")))
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// promiseOf wraps a callback-style call in a Promise.
func promiseOf(call func(resolve, reject js.Value)) js.Value {
	var executor js.Func
	executor = js.FuncOf(func(_ js.Value, args []js.Value) any {
		defer executor.Release()
		call(args[0], args[1])
		return nil
	})
	return js.Global().Get("Promise").New(executor)
}

func inputOf(f js.Value, name string) app.Input {
	r := NewBlobReader(f)
	return app.Input{Name: name, Size: r.Size(), ReaderAt: r}
}

// folderInputs are the snapshot files of a folder chosen with the folder
// picker, named by their path inside it, as a dropped folder's are.
func folderInputs(files js.Value) []app.Input {
	var out []app.Input
	for i := 0; i < files.Length() && i < maxFolderEntries; i++ {
		f := files.Index(i)
		if snapshotFileName(f.Get("name").String()) {
			out = append(out, inputOf(f, f.Get("webkitRelativePath").String()))
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// inputsOf wraps a FileList.
func inputsOf(files js.Value) []app.Input {
	var out []app.Input
	for i := 0; i < files.Length(); i++ {
		f := files.Index(i)
		out = append(out, inputOf(f, f.Get("name").String()))
	}
	return out
}

// Publish writes the page state where tests and the budget script read it:
// <body data-state data-loads> and window.ckptlensTimings. renderMs is how
// long the render just done took; renders and renderMs count every render, so
// a script can see the page rendering when nothing changed.
func Publish(state string, completed int, load app.LoadTimings, renderMs float64) {
	dataset := js.Global().Get("document").Get("body").Get("dataset")
	dataset.Set("state", state)
	dataset.Set("loads", completed)
	t := js.Global().Get("ckptlensTimings")
	if !t.Truthy() {
		t = js.Global().Get("Object").New()
		t.Set("renders", 0)
		t.Set("paints", 0)
		t.Set("renderMs", 0)
		js.Global().Set("ckptlensTimings", t)
	}
	t.Set("renders", t.Get("renders").Int()+1)
	t.Set("renderMs", t.Get("renderMs").Float()+renderMs)
	t.Set("lastRenderMs", renderMs)
	if !t.Get("firstRender").Truthy() {
		t.Set("firstRender", js.Global().Get("performance").Call("now"))
	}
	if load.DropToRender > 0 {
		t.Set("dropToDOM", load.DropToRender)
		t.Set("decode", load.Decode)
		t.Set("read", load.Read)
		t.Set("analyse", load.Analyse)
	}
}

// TimePaint sets window.ckptlensTimings.dropToRender, from loadStart (a
// performance.now() time) to the paint of the frame that shows the result:
// the task after the next animation frame runs once it is painted. Timing
// the render alone would miss the paint, which large results wait long for.
func TimePaint(loadStart float64) {
	var frame, after js.Func
	after = js.FuncOf(func(js.Value, []js.Value) any {
		t := js.Global().Get("ckptlensTimings")
		t.Set("dropToRender", js.Global().Get("performance").Call("now").Float()-loadStart)
		t.Set("paints", t.Get("paints").Int()+1)
		after.Release()
		return nil
	})
	frame = js.FuncOf(func(js.Value, []js.Value) any {
		js.Global().Call("setTimeout", after, 0)
		frame.Release()
		return nil
	})
	js.Global().Call("requestAnimationFrame", frame)
}

// WaitIdle blocks until the browser has an idle period and returns its
// milliseconds left (requestIdleCallback; a 2 s timeout returns 0, so the
// caller may wait again). A browser without it gets a 50 ms pause.
func WaitIdle() float64 {
	ric := js.Global().Get("requestIdleCallback")
	if ric.Type() != js.TypeFunction {
		v, _ := await(promiseOf(func(resolve, _ js.Value) { js.Global().Call("setTimeout", resolve, 50, 16) }))
		return v.Float()
	}
	v, _ := await(promiseOf(func(resolve, _ js.Value) {
		var cb js.Func
		cb = js.FuncOf(func(_ js.Value, args []js.Value) any {
			cb.Release()
			left := 0.0
			if d := args[0]; !d.Get("didTimeout").Bool() {
				left = d.Call("timeRemaining").Float()
			}
			resolve.Invoke(left)
			return nil
		})
		opts := js.Global().Get("Object").New()
		opts.Set("timeout", 2000)
		ric.Invoke(cb, opts)
	}))
	return v.Float()
}
