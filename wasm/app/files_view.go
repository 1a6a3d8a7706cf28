package app

import (
	"strings"

	"github.com/vugu/vugu"
)

// Files lists every file a snapshot references. It is built in Go, as the
// charts are (svg.go says why).
type Files struct {
	Snap     *SnapshotReport
	Platform Platform
	View     *ViewState // the page's view, shared with the URL
	Dep, Op  string     // the treemap tile picked: its folder and operator
	viewSeq  int        // the View change last taken over
	Typed    string     // in the filter box
	Filter   string     // applied to the list
	typing   int        // counts keys typed, so that only the last applies (SetFilter)
	Kind     string
	Rows     Pager     // the rows shown
	Copied   string    // the path last copied, marked in its row
	sort     sortState // applied to the list
	wantSort sortState // clicked; applied at once, or by SetSort's goroutine
	sorting  int       // counts clicks on a large list until it is sorted

	cache         filesCache
	kindsOf       *SnapshotReport // the snapshot kindList belongs to
	kindList      []string
	privateShared int // private files in a shared/ folder
}

var fileHeads = []sortHead{
	{"path", "Path", false}, {"kind", "Kind", false}, {"bytes", "Bytes", true}, {"operators", "Operators", true},
}

// Build implements vugu.Builder.
func (c *Files) Build(*vugu.BuildIn) *vugu.BuildOut {
	sec := htmlElement(nil, "section", "id", "files", "aria-labelledby", "files-h")
	htmlText(sec, "h2", "Files", "id", "files-h")
	c.controls(htmlElement(sec, "div", "class", "controls"))
	if c.Dep != "" {
		p := htmlElement(sec, "p", "class", "picked", "id", "file-picked")
		htmlText(p, "span", c.pickedText())
		htmlSpace(p)
		onEvent(htmlText(p, "button", "Show all files", "id", "file-unpick"), "click", func(vugu.DOMEvent) { c.Unpick() })
	}
	table := htmlElement(sec, "table", "class", "data", "id", "file-table")
	head := sortHeads(table, &c.sort, fileHeads, c.SetSort)
	htmlMarkup(head, "th", `<span class="sr-only">Copy</span>`)
	body := htmlElement(table, "tbody")
	for _, f := range c.visible() {
		tr := htmlElement(body, "tr")
		htmlMarkup(tr, "td", pathHTML(f.Path), "class", "path", "data-k", "path")
		htmlText(tr, "td", string(f.Kind), "data-k", "kind", "data-label", "Kind")
		numCell(tr, "bytes", "Bytes", Raw(f.Bytes), Bytes(f.Bytes))
		numCell(tr, "operators", "Operators", Raw(len(f.Operators)), Count(len(f.Operators)))
		path := f.Path
		copyButton := htmlText(htmlElement(tr, "td"), "button", c.copyLabel(path), "class", "copy", "aria-label", "Copy path "+path)
		onEvent(copyButton, "click", func(vugu.DOMEvent) { c.Copy(path) })
	}
	rowPager(sec, &c.Rows, len(c.matching()), "files")
	if n := c.privateInShared(); n > 0 {
		htmlText(sec, "p", privateInSharedNote(n), "class", "hint", "id", "private-in-shared")
	}
	return built(sec)
}

// controls is the filter box, the kind picker and the count of files shown.
func (c *Files) controls(div *vugu.VGNode) {
	filter := htmlElement(div, "label")
	filter.AppendChild(&vugu.VGNode{Type: vugu.TextNode, Data: "Filter "})
	input := htmlElement(filter, "input", "type", "search", "id", "file-filter", "placeholder", "part of a path", "value", c.Typed)
	onEvent(input, "input", func(e vugu.DOMEvent) { c.SetFilter(e.PropString("target", "value"), e.EventEnv()) })
	// The spaces keep the controls apart as the template's line breaks did.
	htmlSpace(div)
	kind := htmlElement(div, "label")
	kind.AppendChild(&vugu.VGNode{Type: vugu.TextNode, Data: "Kind "})
	sel := htmlElement(kind, "select", "id", "file-kind")
	onEvent(sel, "change", func(e vugu.DOMEvent) { c.SetKind(e.PropString("target", "value")) })
	flagAttr(htmlText(sel, "option", "all kinds", "value", ""), "selected", c.Kind == "")
	for _, k := range c.kinds() {
		flagAttr(htmlText(sel, "option", k, "value", k), "selected", c.Kind == k)
	}
	htmlSpace(div)
	htmlText(div, "span", c.countText(), "class", "count", "id", "file-count", "aria-live", "polite")
}

// BeforeBuild takes over a view set outside the table: opened from a link,
// or a treemap tile picked.
func (c *Files) BeforeBuild() {
	if c.View == nil || c.View.seq == c.viewSeq {
		return
	}
	v := c.View
	c.viewSeq = v.seq
	c.Typed, c.Filter, c.Kind, c.Dep, c.Op = v.Filter, v.Filter, v.Kind, v.Dep, v.Op
	c.sort = sortState{Key: strings.TrimPrefix(v.Sort, "-"), Desc: strings.HasPrefix(v.Sort, "-")}
	if _, ok := fileColumns[c.sort.Key]; !ok {
		c.sort = sortState{}
	}
	c.wantSort = c.sort
	c.Rows.Rewind()
}

// keepSort writes the applied sort into the view.
func (c *Files) keepSort() {
	if c.View == nil {
		return
	}
	c.View.Sort = c.sort.Key
	if c.sort.Desc && c.sort.Key != "" {
		c.View.Sort = "-" + c.sort.Key
	}
}

// picked reports whether file i is in the treemap tile picked: in its
// folder and, when one is picked, referenced first by its operator ("-":
// by none), as the treemap groups files.
func (c *Files) picked(i int) bool {
	if i >= len(c.Snap.FileRefs) {
		return false
	}
	ref := c.Snap.FileRefs[i]
	if ref.Dependency >= len(c.Snap.Dependencies) || c.Snap.Dependencies[ref.Dependency].Dir != c.Dep {
		return false
	}
	switch ops := c.Snap.Files[i].Operators; {
	case c.Op == "":
		return true
	case len(ops) == 0:
		return c.Op == "-"
	default:
		return ops[0] == c.Op
	}
}

// pickedText says which tile the table shows.
func (c *Files) pickedText() string {
	s := "Showing the files in " + c.Dep
	if c.Op != "" {
		s += " of " + operatorName(c.Snap, c.Op)
	}
	if c.Kind != "" {
		s += ", kind " + c.Kind
	}
	return s + " (picked in the treemap)."
}

// Unpick shows every file again.
func (c *Files) Unpick() {
	c.Dep, c.Op, c.Kind, c.Typed, c.Filter = "", "", "", "", ""
	c.Rows.Rewind()
	if c.View != nil {
		c.View.Dep, c.View.Op, c.View.Kind, c.View.Filter = "", "", "", ""
	}
}
