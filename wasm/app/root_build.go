package app

import "github.com/vugu/vugu"

// The page is built in Go, as the charts are (svg.go says why).

// Build implements vugu.Builder: the page's header, the drop zone (none for
// a shared report), the files being read and the views of the report.
func (c *Root) Build(in *vugu.BuildIn) *vugu.BuildOut {
	page := htmlElement(nil, "div", "class", c.appClass(), "data-state", c.Status())
	out := &vugu.BuildOut{Out: []*vugu.VGNode{page}}
	header := htmlElement(page, "header", "class", "top")
	htmlText(header, "h1", "ckptlens")
	htmlText(header, "p", "What a Flink checkpoint or savepoint, or a SlateDB manifest, depends on — every folder and file, with sizes.", "class", "tagline")
	htmlMarkup(header, "p", `<strong>Private by design:</strong> your files are read by this page, in this browser. Nothing is uploaded; `+
		`once the page has loaded, analysis makes no network requests. Only a short link, and only after you confirm it, `+
		`sends the report, encrypted in this browser.`, "class", "privacy", "id", "privacy")
	if !c.ReadOnly {
		c.openFiles(htmlElement(page, "section", "class", "open", "aria-label", "Open files"))
	} else {
		htmlText(page, "p", "This is a shared report, shown read-only. The files it describes are not here.", "class", "readonly", "id", "readonly")
		if c.Report != nil && c.Report.LeftOut != nil {
			htmlText(page, "p", leftOutNotice(c.Report.LeftOut), "class", "readonly", "id", "left-out")
		}
	}
	if len(c.Loads) > 0 {
		c.loads(htmlElement(page, "section", "class", "loads", "aria-label", "Files being read", "aria-live", "polite"))
	}
	if c.Notice != "" {
		htmlText(page, "p", c.Notice, "class", "notice", "role", "status")
	}
	bar := child[ShareBar](in, out, page, 1)
	bar.Report, bar.Root, bar.State = c.Report, c, c.shareState()
	if c.Snapshot() != nil && !c.Busy {
		c.views(in, out, htmlElement(page, "main"))
	}
	htmlMarkup(htmlElement(page, "footer", "class", "foot"), "p",
		"ckptlens decodes the file format itself, in WebAssembly. Flink and SlateDB are trademarks of their owners.")
	keepEmpty(page)
	return out
}

// openFiles is the drop zone, the file and folder pickers, the base
// location and whether the jobs are stopped.
func (c *Root) openFiles(sec *vugu.VGNode) {
	drop := htmlElement(sec, "div", "class", "dropzone", "id", "dropzone")
	htmlMarkup(drop, "p", "Drop <code>_metadata</code> files or whole checkpoint folders, SlateDB manifests and storage listings "+
		"anywhere on this page, or")
	htmlText(drop, "label", "Choose files…", "class", "button", "for", "file-picker")
	htmlElement(drop, "input", "type", "file", "id", "file-picker", "multiple", "multiple", "class", "picker")
	htmlText(drop, "label", "Choose folder…", "class", "button", "for", "folder-picker")
	htmlElement(drop, "input", "type", "file", "id", "folder-picker", "webkitdirectory", "webkitdirectory", "multiple", "multiple", "class", "picker")
	base := htmlElement(sec, "label", "class", "base")
	base.AppendChild(&vugu.VGNode{Type: vugu.TextNode,
		Data: "Base location of the snapshot or SlateDB database (optional: its folder, which places relative paths when one is dropped) "})
	input := htmlElement(base, "input", "type", "text", "id", "base", "spellcheck", "false",
		"placeholder", "s3://bucket/savepoints/savepoint-1a2b", "value", c.Base)
	onEvent(input, "change", func(e vugu.DOMEvent) { c.SetBase(e.PropString("target", "value")) })
	stopped := htmlElement(sec, "label", "class", "stopped")
	box := htmlElement(stopped, "input", "type", "checkbox", "id", "stopped")
	flagAttr(box, "checked", c.Stopped)
	onEvent(box, "change", func(e vugu.DOMEvent) { c.SetStopped(e.PropBool("target", "checked")) })
	stopped.AppendChild(&vugu.VGNode{Type: vugu.TextNode, Data: " The jobs are stopped (or SlateDB's writer and compactor): " +
		"the delete plan may then take shared files from a listing without times"})
}

// loads lists the files being read, with their progress.
func (c *Root) loads(sec *vugu.VGNode) {
	ul := htmlElement(sec, "ul")
	for _, l := range c.Loads {
		li := htmlElement(ul, "li", "class", "load "+c.loadClass(l))
		// The spaces keep the parts apart as the template's line breaks did.
		htmlMarkup(li, "span", pathHTML(l.Name), "class", "name")
		htmlSpace(li)
		htmlText(li, "span", Bytes(l.Size), "class", "size")
		htmlSpace(li)
		if l.ShowsProgress() {
			htmlElement(li, "progress", "max", "100", "value", Raw(l.Percent()), "aria-label", "Reading "+l.Name)
			htmlSpace(li)
			htmlText(li, "span", Raw(l.Percent())+"%")
			htmlSpace(li)
		}
		if l.Finishing() {
			htmlText(li, "span", "working out the result…", "class", "load-note")
			htmlSpace(li)
		}
		if l.Note != "" {
			htmlText(li, "span", l.Note, "class", "load-note")
			htmlSpace(li)
		}
		if l.Problem != "" {
			htmlText(li, "span", l.Problem, "class", "load-problem")
		}
	}
}

// views are the sections on the snapshot picked and on the whole report.
func (c *Root) views(in *vugu.BuildIn, out *vugu.BuildOut, main *vugu.VGNode) {
	snap := c.Snapshot()
	c.sectionLinks(htmlElement(main, "nav", "class", "sections", "aria-label", "Sections"))
	if len(c.Report.Snapshots) > 1 {
		row := htmlElement(main, "div", "class", "picker-row", "role", "group", "aria-label", "Snapshot shown below")
		htmlText(row, "span", "Show:")
		htmlSpace(row)
		for _, i := range c.pickOrder() {
			b := htmlText(row, "button", c.snapshotLabel(i), "class", c.pickClass(i))
			// As the template set it: the attribute's presence, not "true".
			flagAttr(b, "aria-pressed", i == c.Selected)
			onEvent(b, "click", func(vugu.DOMEvent) { c.Select(i) })
		}
	}
	child[Summary](in, out, main, 2).Snap = snap
	child[Dependencies](in, out, main, 3).Snap = snap
	tm := child[Treemap](in, out, main, 4)
	tm.Snap, tm.Root = snap, c
	child[Chart](in, out, main, 5).Snap = snap
	files := child[Files](in, out, main, 6)
	files.Snap, files.Platform, files.View = snap, c.Platform, c.view()
	if len(snap.Operators) > 0 {
		child[Operators](in, out, main, 7).Snap = snap
	}
	if snap.SlateDB != nil {
		child[Manifest](in, out, main, 8).Snap = snap
	}
	if snap.Compactions != nil {
		child[Compactions](in, out, main, 9).Snap = snap
	}
	h := child[History](in, out, main, 10)
	h.Rep, h.Selected = c.Report, c.Selected
	several := child[Several](in, out, main, 11)
	several.Rep, several.Platform = c.Report, c.Platform
}

// sectionLinks are the links to the sections shown, and the exports.
func (c *Root) sectionLinks(nav *vugu.VGNode) {
	snap := c.Snapshot()
	for _, l := range []struct {
		href, text string
		shown      bool
	}{
		{"#summary", "Summary", true}, {"#dependencies", "Dependencies", true}, {"#treemap", "Treemap", true},
		{"#chart", "Sizes", true}, {"#files", "Files", true}, {"#operators", "Operators", len(snap.Operators) > 0},
		{"#slatedb", "SlateDB", snap.SlateDB != nil}, {"#compactions", "Compactions", snap.Compactions != nil},
		{"#history", "Timeline", true}, {"#several", "Several snapshots", true}, {"#plan-h", "Delete plan", c.Report.Orphans != nil},
	} {
		if l.shown {
			htmlText(nav, "a", l.text, "href", l.href)
			htmlSpace(nav)
		}
	}
	htmlElement(nav, "span", "class", "spacer")
	htmlSpace(nav)
	onEvent(htmlText(nav, "button", "Export JSON", "id", "export-json"), "click", func(vugu.DOMEvent) { c.ExportJSON() })
	htmlSpace(nav)
	onEvent(htmlText(nav, "button", "Export CSV", "id", "export-csv"), "click", func(vugu.DOMEvent) { c.ExportCSV() })
}

// child adds under parent the component of type T that was at this place
// in the last build, or a new one, as vugu's templates do; the caller sets
// its fields. id tells apart the children of one parent.
//
//go:noinline
func child[T any, P interface {
	*T
	vugu.Builder
}](in *vugu.BuildIn, out *vugu.BuildOut, parent *vugu.VGNode, id uint64) P {
	key := vugu.MakeCompKey(id^in.CurrentPositionHash(), nil)
	c, _ := in.BuildEnv.CachedComponent(key).(P)
	if c == nil {
		c = P(new(T))
		in.BuildEnv.WireComponent(c)
	}
	in.BuildEnv.UseComponent(key, c)
	out.Components = append(out.Components, c)
	parent.AppendChild(&vugu.VGNode{Component: c})
	return c
}
