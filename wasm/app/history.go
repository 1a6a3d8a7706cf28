package app

import (
	"strconv"

	"github.com/vugu/vugu"
)

// History shows how the dropped jobs and checkpoints relate: the jobs
// linked by restores, and the timeline of the selected snapshot's job.
type History struct {
	Rep      *Report
	Selected int
	// The layouts of laidFor, kept across renders.
	laidFor      *Report
	laidSel      int
	laidGraph    *JobGraph
	laidTimeline *Timeline
}

// Build implements vugu.Builder.
func (c *History) Build(*vugu.BuildIn) *vugu.BuildOut {
	sec := htmlElement(nil, "section", "id", "history", "aria-labelledby", "history-h")
	htmlText(sec, "h2", "Jobs and timeline", "id", "history-h")
	if c.graph() != nil {
		div := htmlElement(sec, "div", "class", "chart-block", "id", "job-graph")
		htmlText(div, "h3", "Jobs linked by restores")
		htmlElement(div, "div", "class", "chart-scroll").AppendChild(c.graphSvg())
	}
	if c.timeline() == nil {
		htmlText(sec, "p", "Drop several checkpoints of a job (and of the jobs it was restored from) to see, on a timeline, "+
			"which checkpoint first referenced the files each one still holds.", "id", "timeline-none")
		return built(sec)
	}
	div := htmlElement(sec, "div", "class", "chart-block", "id", "timeline")
	htmlText(div, "h3", "Timeline of "+c.jobName())
	htmlText(div, "p", "Checkpoints run left to right, those of the jobs it was restored from first. Each band is the files "+
		"first referenced by one checkpoint and last by another, as thick as their bytes: a band that reaches the right edge "+
		"from far back is old state still carried. Under each checkpoint: what it adds, and what it no longer references of "+
		"the one before it.", "class", "chart-note")
	htmlElement(div, "div", "class", "chart-scroll").AppendChild(c.timelineSvg())
	age := htmlElement(div, "ul", "class", "age", "id", "timeline-age")
	for _, a := range c.timeline().Age {
		htmlText(age, "li", a)
	}
	c.timelineTable(htmlElement(div, "details"))
	return built(sec)
}

// timelineTable is the timeline's bands as a table, for reading them
// exactly and for screen readers.
func (c *History) timelineTable(details *vugu.VGNode) {
	htmlText(details, "summary", "The timeline as a table")
	table := htmlElement(details, "table", "class", "data", "id", "timeline-table")
	head := htmlElement(htmlElement(table, "thead"), "tr")
	for i, h := range []string{"First referenced by", "Last referenced by", "Checkpoints", "Files", "Bytes"} {
		if i < 2 {
			htmlText(head, "th", h)
		} else {
			htmlText(head, "th", h, "class", "num")
		}
	}
	body := htmlElement(table, "tbody")
	for _, b := range c.timeline().Bands {
		tr := htmlElement(body, "tr")
		// data-label names each cell where a phone stacks the rows.
		htmlText(tr, "td", c.firstText(b), "data-k", "first", "data-label", "First referenced by")
		htmlText(tr, "td", b.Last, "data-k", "last", "data-label", "Last referenced by")
		htmlText(tr, "td", Count(b.Held), "class", "num", "data-k", "held", "data-v", Raw(b.Held), "data-label", "Checkpoints")
		htmlText(tr, "td", Count(b.Files), "class", "num", "data-k", "files", "data-v", Raw(b.Files), "data-label", "Files")
		htmlText(tr, "td", Bytes(b.Bytes), "class", "num", "data-k", "bytes", "data-v", Raw(b.Bytes), "data-label", "Bytes")
	}
}

// lay lays the charts out again when the report or selection changed.
func (c *History) lay() {
	if c.laidFor == c.Rep && c.laidSel == c.Selected {
		return
	}
	c.laidFor, c.laidSel = c.Rep, c.Selected
	c.laidGraph, c.laidTimeline = layoutJobGraph(c.Rep), layoutTimeline(c.Rep, c.Selected)
}

func (c *History) graph() *JobGraph    { c.lay(); return c.laidGraph }
func (c *History) timeline() *Timeline { c.lay(); return c.laidTimeline }

// graphSvg draws the jobs as boxes and each restore as an arrow from the
// parent to the job restored from it, with what the job still reads.
func (c *History) graphSvg() *vugu.VGNode {
	g := c.graph()
	root := svgElement(nil, "svg", "class", "chart jobgraph", "role", "img", "aria-label", g.Label,
		"viewBox", "0 0 "+Num(g.Width)+" "+Num(g.Height), "preserveAspectRatio", "xMinYMin meet",
		"style", "max-width:"+strconv.Itoa(int(g.Width*1.2))+"px") // a small graph is not scaled up
	marker := svgElement(svgElement(root, "defs"), "marker", "id", "arrow", "viewBox", "0 0 10 10", "refX", "9", "refY", "5",
		"markerWidth", "7", "markerHeight", "7", "orient", "auto-start-reverse")
	svgElement(marker, "path", "d", "M0 0L10 5L0 10z", "class", "arrow")
	for _, e := range g.Edges {
		edge := svgElement(root, "g", "class", "edge")
		svgText(edge, "title", e.Title)
		svgElement(edge, "path", "d", e.Path, "marker-end", "url(#arrow)")
		svgText(edge, "text", e.Label, "x", Num(e.LabelX), "y", Num(e.LabelY), "text-anchor", "middle")
	}
	for _, n := range g.Nodes {
		node := svgElement(root, "g", "class", "node tm-c"+Raw(n.Color))
		svgText(node, "title", n.Title)
		svgRect(node, n.X, n.Y, n.W, n.H, "rx", "5")
		svgText(node, "text", n.Name, "x", Num(n.X+10), "y", Num(n.Y+19), "class", "name")
		svgText(node, "text", n.Detail, "x", Num(n.X+10), "y", Num(n.Y+37))
	}
	return root
}

// timelineSvg draws the checkpoints as columns, with what each adds and
// drops at their foot, the restores as dashed lines, and the bands.
func (c *History) timelineSvg() *vugu.VGNode {
	t := c.timeline()
	root := svgElement(nil, "svg", "class", "chart timeline", "role", "img", "aria-label", t.Label,
		"viewBox", "0 0 "+Num(t.Width)+" "+Num(t.Height), "preserveAspectRatio", "xMinYMin meet")
	for _, col := range t.Columns {
		g := svgElement(root, "g", "class", "col tm-c"+Raw(col.Color))
		svgRect(g, col.X, 0, col.W, t.Height, "class", "col-bg")
		svgText(g, "text", col.Label, "x", Num(col.X+3), "y", "14", "class", "col-name")
		svgText(g, "text", col.Added, "x", Num(col.X+3), "y", Num(t.Height-22), "class", "added")
		if col.Dropped != "" {
			svgText(g, "text", col.Dropped, "x", Num(col.X+3), "y", Num(t.Height-6), "class", "dropped")
		}
	}
	for _, x := range t.Restores {
		svgElement(root, "line", "x1", Num(x), "x2", Num(x), "y1", "0", "y2", Num(t.Height), "class", "restore")
	}
	for _, b := range t.Bands {
		g := svgElement(root, "g", "class", "band tm-c"+Raw(b.Color))
		svgText(g, "title", b.Title)
		svgRect(g, b.X+1, b.Y, b.W-2, b.H)
	}
	return root
}

// jobName names the selected snapshot's job.
func (c *History) jobName() string {
	g := c.Rep.Jobs
	if j := g.JobOf[c.Selected]; j >= 0 {
		return "job " + g.Jobs[j].Name
	}
	return "the job"
}

func (c *History) firstText(b TimelineBand) string {
	if b.UploadedBefore {
		return "≤ " + b.First
	}
	return b.First
}
