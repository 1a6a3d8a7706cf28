// Command wasm is the page app's entry: it mounts the vugu root component,
// wires file input and renders until the page goes away. All analysis is in
// the parse engine, called from wasm/app.
package main

import (
	"syscall/js"

	"github.com/vugu/vugu"
	"github.com/vugu/vugu/domrender"

	"github.com/ckptlens/ckptlens/wasm/app"
	"github.com/ckptlens/ckptlens/wasm/jsio"
)

func main() {
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

	root := &app.Root{Env: env, Platform: jsio.Browser{}}
	jsio.WireInputs(root.Load)
	jsio.WatchShareLinks(root.OpenShareLink) // #r=… and #s=… links open read-only
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
		root.Rendered()
		took := root.Platform.Now() - began
		state, completed, dropToRender := root.Status(), root.Completed, root.LastDropToRender
		decodeMs, analyseMs := root.DecodeMs, root.AnalyseMs
		env.RUnlock()
		if err != nil {
			panic(err)
		}
		jsio.Publish(state, completed, dropToRender, decodeMs, analyseMs, took)
		if !warm {
			warm = true
			go root.Warmup() // after the first render, never before it
		}
	}
}
