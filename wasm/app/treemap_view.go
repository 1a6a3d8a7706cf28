package app

import (
	"strconv"

	"github.com/vugu/vugu"
)

// Treemap draws one snapshot's bytes as a treemap (treemap.go lays it
// out); picking a tile filters the files table.
type Treemap struct {
	Snap *SnapshotReport
	Root *Root
	// laid is the layout of laidFor, kept across renders.
	laid    *TreemapLayout
	laidFor *SnapshotReport
}

// Build implements vugu.Builder: the section with its note, the chart and a
// button per folder.
func (c *Treemap) Build(*vugu.BuildIn) *vugu.BuildOut {
	sec := htmlElement(nil, "section", "id", "treemap", "aria-labelledby", "treemap-h")
	htmlText(sec, "h2", "Treemap of the bytes", "id", "treemap-h")
	if c.layout().Total <= 0 {
		htmlText(sec, "p", "This snapshot references no file with a recorded size, so there is nothing to draw.")
		return built(sec)
	}
	htmlText(sec, "p", "Folder (with its role), then operator, kind of file and the largest files, by size. "+
		"Pick a tile (click, or Tab to it and press Enter) to list its files in the table below.", "class", "chart-note")
	htmlElement(sec, "div", "class", "chart-scroll").AppendChild(c.svg())
	list := htmlElement(sec, "ul", "class", "treemap-folders", "aria-label", "Folders in the treemap")
	for _, t := range c.folders() {
		b := htmlText(htmlElement(list, "li"), "button", t.Name, "class", "tm-key tm-c"+Raw(t.Color), "title", t.Pick.Dep)
		onEvent(b, "click", func(vugu.DOMEvent) { c.Pick(t) })
	}
	return built(sec)
}

// layout is the snapshot's treemap, laid out once per snapshot.
func (c *Treemap) layout() *TreemapLayout {
	if c.laidFor != c.Snap || c.laid == nil {
		c.laid, c.laidFor = layoutTreemap(c.Snap), c.Snap
	}
	return c.laid
}

// svg is the chart: a group per tile, with its description, its rectangle
// and, when it has room, its name. Named tiles take the focus and are
// picked with Enter or Space, as buttons are.
func (c *Treemap) svg() *vugu.VGNode {
	tm := c.layout()
	root := svgElement(nil, "svg", "id", "treemap-svg", "class", "treemap", "role", "img", "aria-label", tm.Label,
		"viewBox", "0 0 "+strconv.Itoa(treemapWidth)+" "+strconv.Itoa(treemapHeight), "preserveAspectRatio", "xMinYMin meet")
	for _, t := range tm.Tiles {
		class := "tile tm-c" + Raw(t.Color) + " tm-d" + Raw(min(t.Depth, 3))
		if t.Leaf {
			class += " tm-leaf"
		}
		g := svgElement(root, "g", "class", class)
		if t.Label != "" {
			// Unnamed tiles are too small to read; their folder's tile or
			// button picks them.
			g.Attr = append(g.Attr, vugu.VGAttribute{Key: "tabindex", Val: "0"})
		}
		onEvent(g, "click", func(vugu.DOMEvent) { c.Pick(t) })
		onEvent(g, "keydown", func(e vugu.DOMEvent) { c.Key(t, e.PropString("key")) })
		svgText(g, "title", t.Title)
		svgRect(g, t.X, t.Y, t.W, t.H)
		if t.Label != "" {
			svgText(g, "text", t.Label, "x", Num(t.X+4), "y", Num(t.Y+13))
		}
	}
	return root
}

// folders are the top tiles, which the buttons below the chart pick.
func (c *Treemap) folders() []Tile {
	var out []Tile
	for _, t := range c.layout().Tiles {
		if t.Depth == 0 {
			out = append(out, t)
		}
	}
	return out
}

// Pick shows the tile's files in the table.
func (c *Treemap) Pick(t Tile) {
	if c.Root != nil {
		c.Root.Pick(t.Pick)
	}
}

// Key picks a focused tile with Enter or Space, as a button does.
func (c *Treemap) Key(t Tile, key string) {
	if key == "Enter" || key == " " {
		c.Pick(t)
	}
}

// Num writes a coordinate with one decimal, enough for a 1000-wide viewBox.
func Num(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
