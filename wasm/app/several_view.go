package app

import (
	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/deletecmd"
	"github.com/vugu/vugu"
)

// Several relates several snapshots and, with a listing, shows the plan.
// It is built in Go, as the charts are (svg.go says why).
type Several struct {
	Rep      *Report
	Platform Platform
	// copiedPlan is the plan whose deletable paths were copied last, and
	// copied says what of it: "paths" or "commands".
	copiedPlan *parse.OrphanPlan
	copied     string
	// Ack is the reader's acknowledgement that they read what the plan
	// cannot know; nothing is copied before it. It holds for ackPlan only.
	Ack     bool
	ackPlan *parse.OrphanPlan
	// Tool is the delete command picked; empty means the listing's own.
	Tool     deletecmd.Tool
	scripted planScript
	// The rows shown of the shared files and of the plan's lists.
	SharedRows, DeletableRows, UnsureRows, MissingRows Pager
}

// Build implements vugu.Builder.
func (c *Several) Build(*vugu.BuildIn) *vugu.BuildOut {
	sec := htmlElement(nil, "section", "id", "several", "aria-labelledby", "several-h")
	htmlText(sec, "h2", "Several snapshots", "id", "several-h")
	if c.Rep.Comparison != nil {
		c.comparison(htmlElement(sec, "div"))
	} else {
		htmlText(sec, "p", "Drop several snapshots together (for example every retained checkpoint of a job) to see what they share.")
	}
	htmlText(sec, "h3", "Safe-to-delete plan", "id", "plan-h")
	if c.Rep.Orphans == nil {
		htmlMarkup(sec, "p", `Drop a storage listing together with the snapshots to see what nothing references. ckptlens reads <code>hdfs dfs -ls -R</code>, <code>aws s3 ls --recursive</code>, <code>gsutil ls -l -r</code>, <code>rclone lsl</code> (or <code>ls</code>) and <code>find -printf '%T@ %s %p\n'</code> (or <code>'%s %p\n'</code>) output.`)
	} else {
		c.plan(htmlElement(sec, "div", "id", "plan"))
	}
	return built(sec)
}

// comparison is the table of the snapshots compared and of the files
// more than one references.
func (c *Several) comparison(div *vugu.VGNode) {
	cmp := c.Rep.Comparison
	htmlText(div, "p", c.totals(), "id", "comparison-totals")
	table := htmlElement(div, "table", "class", "data", "id", "comparison-table")
	htmlMarkup(htmlElement(table, "thead"), "tr", `<th>Snapshot</th><th>Compared with</th><th>Folders it depends on</th>`+
		`<th class="num">Files</th><th class="num">Bytes</th>`+
		`<th class="num">Shared</th><th class="num">New</th><th class="num">No longer referenced</th>`)
	body := htmlElement(table, "tbody")
	for _, i := range cmp.Order {
		s := cmp.Snapshots[i]
		tr := htmlElement(body, "tr")
		htmlText(tr, "td", s.Label, "data-k", "label")
		htmlText(tr, "td", c.after(i), "data-k", "after", "data-label", "Compared with")
		htmlMarkup(tr, "td", pathHTML(c.folders(i)), "data-k", "folders", "data-label", "Folders", "class", "path")
		numCell(tr, "files", "Files", Raw(s.Files), Count(s.Files))
		numCell(tr, "bytes", "Bytes", Raw(s.Bytes), Bytes(s.Bytes))
		numCell(tr, "sharedBytes", "Shared", Raw(s.SharedBytes), Bytes(s.SharedBytes))
		numCell(tr, "newBytes", "New", Raw(s.NewBytes), Bytes(s.NewBytes))
		numCell(tr, "droppedBytes", "No longer referenced", Raw(s.DroppedBytes), Bytes(s.DroppedBytes))
	}
	htmlText(div, "h3", "Files referenced by more than one")
	shared := c.shared()
	if len(shared) == 0 {
		htmlText(div, "p", "None: these snapshots share no files.")
	} else {
		table := htmlElement(div, "table", "class", "data", "id", "shared-table")
		htmlMarkup(htmlElement(table, "thead"), "tr",
			`<th>Path</th><th>Kind</th><th class="num">Bytes</th><th>Referenced by</th><th>First in</th>`)
		body := htmlElement(table, "tbody")
		for _, f := range pageOf(shared, &c.SharedRows) {
			tr := htmlElement(body, "tr")
			htmlMarkup(tr, "td", pathHTML(f.Path), "class", "path", "data-k", "path")
			htmlText(tr, "td", string(f.Kind), "data-k", "kind", "data-label", "Kind")
			numCell(tr, "bytes", "Bytes", Raw(f.Bytes), Bytes(f.Bytes))
			htmlText(tr, "td", c.labels(f.Snapshots), "data-k", "snapshots", "data-label", "Referenced by")
			htmlText(tr, "td", c.firstIn(f), "data-k", "firstIn", "data-label", "First in")
		}
	}
	rowPager(div, &c.SharedRows, len(shared), "shared")
}

// numCell adds a number's cell: k names its column for the tests, label
// names it where a phone stacks the rows, v is the exact value.
//
//go:noinline
func numCell(tr *vugu.VGNode, k, label, v, text string) {
	htmlText(tr, "td", text, "class", "num", "data-k", k, "data-label", label, "data-v", v)
}

// plan is the deletion plan: why there is none, or what it deletes, what
// it keeps although nothing references it, and what it cannot know.
func (c *Several) plan(div *vugu.VGNode) {
	o := c.Rep.Orphans
	if len(o.Refusals) > 0 {
		box := htmlElement(div, "div", "class", "problem", "id", "plan-refusals", "role", "alert")
		htmlText(box, "h4", "No deletion plan: it could not be proven safe")
		ul := htmlElement(box, "ul")
		for _, f := range o.Refusals {
			htmlText(ul, "li", f.Message, "data-code", f.Code)
		}
	}
	if o.Refused() {
		box := htmlElement(div, "div", "class", "problem", "id", "plan-refused")
		htmlMarkup(box, "p", `<strong>No plan: nothing is safe to delete until this is fixed.</strong>`)
		ul := htmlElement(box, "ul")
		for _, ref := range o.Refusals {
			htmlText(ul, "li", ref.Message)
		}
	}
	htmlText(div, "p", c.planTotals(), "id", "plan-totals")
	htmlText(div, "h4", "What this plan cannot know")
	ul := htmlElement(div, "ul", "id", "plan-unknowns")
	for _, u := range o.Unknowns {
		htmlText(ul, "li", u)
	}
	if len(o.Deletable) > 0 {
		c.planCopy(htmlElement(div, "div", "class", "plan-copy"))
		itemTable(div, "deletable-table", "path delete", "Nothing in these is referenced by the snapshots given",
			pageOf(o.Deletable, &c.DeletableRows))
	}
	rowPager(div, &c.DeletableRows, len(o.Deletable), "deletable")
	if len(o.Unsure) > 0 {
		itemTable(div, "unsure-table", "path", "Not referenced, but keep them: this cannot be decided from the snapshots given",
			pageOf(o.Unsure, &c.UnsureRows))
	}
	rowPager(div, &c.UnsureRows, len(o.Unsure), "unsure")
	if len(o.Missing) > 0 {
		box := htmlElement(div, "div", "class", "problem")
		htmlText(box, "h4", "Referenced but not in the listing")
		ul := htmlElement(box, "ul")
		for _, m := range pageOf(o.Missing, &c.MissingRows) {
			htmlMarkup(ul, "li", pathHTML(m.Path), "class", "path")
		}
		rowPager(box, &c.MissingRows, len(o.Missing), "missing")
	}
}

// planCopy is the acknowledgement and the buttons that copy the plan's
// paths or its delete commands, and the commands themselves.
func (c *Several) planCopy(div *vugu.VGNode) {
	acked, script := c.acked(), c.script()
	label := htmlElement(div, "label", "class", "ack")
	ack := htmlElement(label, "input", "type", "checkbox", "id", "plan-ack")
	flagAttr(ack, "checked", acked)
	onEvent(ack, "change", func(e vugu.DOMEvent) { c.SetAck(e.PropBool("target", "checked")) })
	label.AppendChild(&vugu.VGNode{Type: vugu.TextNode,
		Data: " I have read what this plan cannot know, and I will review every path below before deleting anything."})
	controls := htmlElement(div, "div", "class", "controls")
	paths := htmlText(controls, "button", c.copyDeletableLabel(), "id", "copy-deletable")
	flagAttr(paths, "disabled", !acked)
	onEvent(paths, "click", func(vugu.DOMEvent) { c.CopyDeletable() })
	// The spaces keep the controls apart as the template's line breaks did.
	htmlSpace(controls)
	htmlText(controls, "span", "one a line (a folder ends in /), or commands for")
	htmlSpace(controls)
	sel := htmlElement(controls, "select", "id", "plan-tool", "aria-label", "Delete command")
	onEvent(sel, "change", func(e vugu.DOMEvent) { c.SetTool(e.PropString("target", "value")) })
	for _, t := range deletecmd.Tools {
		opt := htmlText(sel, "option", t.Describe(), "value", string(t))
		flagAttr(opt, "selected", c.tool() == t)
	}
	htmlSpace(controls)
	cmds := htmlText(controls, "button", c.copyCommandsLabel(), "id", "copy-commands")
	flagAttr(cmds, "disabled", !acked || script.err != nil)
	onEvent(cmds, "click", func(vugu.DOMEvent) { c.CopyCommands() })
	if acked && script.err == nil {
		htmlText(div, "pre", script.text, "class", "commands", "id", "plan-commands")
	}
	if script.err != nil {
		htmlText(div, "p", script.err.Error(), "class", "problem", "id", "plan-commands-refused")
	}
}

// itemTable is a table of the plan's folders and files: deletable or kept.
func itemTable(parent *vugu.VGNode, id, pathClass, caption string, items []parse.OrphanItem) {
	table := htmlElement(parent, "table", "class", "data", "id", id)
	htmlText(table, "caption", caption)
	htmlMarkup(htmlElement(table, "thead"), "tr",
		`<th>Path</th><th class="num">Files</th><th class="num">Bytes</th><th>Why</th>`)
	body := htmlElement(table, "tbody")
	for _, it := range items {
		tr := htmlElement(body, "tr")
		htmlMarkup(tr, "td", pathHTML(it.Location()), "class", pathClass, "data-k", "path")
		numCell(tr, "files", "Files", Raw(it.Files), Count(it.Files))
		numCell(tr, "bytes", "Bytes", Raw(it.Bytes), Bytes(it.Bytes))
		htmlText(tr, "td", it.Reason, "data-k", "reason", "data-label", "Why")
	}
}
