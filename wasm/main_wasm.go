// Command wasm is the page app's entry: it mounts the vugu root component,
// wires file input and renders until the page goes away. All analysis is in
// the parse engine, called from wasm/app.
package main

import (
	"runtime/debug"
	"syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/domrender"

	"github.com/ckptlens/ckptlens/parse/share"
	"github.com/ckptlens/ckptlens/wasm/app"
	"github.com/ckptlens/ckptlens/wasm/jsio"
)

// gcPercent lets the heap grow to five times the live data between
// collections: the page's Go runs on the browser's one thread, so every
// collection stops decoding and rendering, and a dropped file allocates its
// decoded form in a few large bursts. memoryLimit makes the collector work
// harder again before a huge file could exhaust wasm's 4 GiB address space.
const (
	gcPercent   = 400
	memoryLimit = 2 << 30
)

func main() {
	debug.SetGCPercent(gcPercent)
	debug.SetMemoryLimit(memoryLimit)
	renderer, err := domrender.New("#app")
	if err != nil {
		panic(err)
	}
	defer renderer.Release()
	env := renderer.EventEnv()
	buildEnv, err := vugu.NewBuildEnv(env)
	if err != nil {
		panic(err)
	}

	share.DefaultCodec = jsio.Deflate{} // the browser's, not compress/flate
	root := &app.Root{Env: env, Platform: jsio.Browser{}, Idle: jsio.WaitIdle}
	jsio.WireInputs(root.Load)
	jsio.WatchShareLinks(root.OpenShareLink)   // #r=… and #s=… links open read-only
	jsio.WatchSectionLinks(root.FollowSection) // the section is part of the view in the URL
	// ckptlensShowReport(json) shows a report without files (share links).
	js.Global().Set("ckptlensShowReport", js.FuncOf(func(_ js.Value, args []js.Value) any {
		env.Lock()
		defer env.UnlockRender()
		if err := root.ShowReportJSON([]byte(args[0].String())); err != nil {
			return err.Error()
		}
		return nil
	}))

	warm := false
	for ok := true; ok; ok = renderer.EventWait() {
		env.RLock()
		began := root.Platform.Now()
		results := buildEnv.RunBuild(root)
		err := renderer.Render(results)
		loadStart := root.Rendered()
		took := root.Platform.Now() - began
		state, completed, timings := root.Status(), root.Completed, root.Timings
		env.RUnlock()
		if err != nil {
			panic(err)
		}
		jsio.Publish(state, completed, timings, took)
		if loadStart > 0 {
			jsio.TimePaint(loadStart) // dropToRender: until the result is on the screen
		}
		if !warm {
			warm = true
			go root.Warmup() // after the first render, never before it
		}
	}
}
