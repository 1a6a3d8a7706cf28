package app

import (
	"cmp"
	"slices"

	"github.com/vugu/vugu"
)

// chartParts bounds a bar's segments; the rest are summed as "others".
const chartParts = 12

type barPart struct {
	Label string
	Bytes int64
}

type bar struct {
	Title string
	Parts []barPart
	Total int64
}

// newBar sorts parts largest first and folds the tail into one segment.
func newBar(title string, parts []barPart) bar {
	slices.SortStableFunc(parts, func(a, b barPart) int { return cmp.Compare(b.Bytes, a.Bytes) })
	parts = slices.DeleteFunc(parts, func(p barPart) bool { return p.Bytes <= 0 })
	if len(parts) > chartParts {
		var rest int64
		for _, p := range parts[chartParts-1:] {
			rest += p.Bytes
		}
		parts = append(parts[:chartParts-1], barPart{Label: "all others", Bytes: rest})
	}
	var total int64
	for _, p := range parts {
		total += p.Bytes
	}
	return bar{Title: title, Parts: parts, Total: total}
}

func (c *Chart) bars() []bar {
	var dirs, ops, kinds []barPart
	for _, d := range c.Snap.Dependencies {
		dirs = append(dirs, barPart{Label: d.Dir + " (" + string(d.Role) + ")", Bytes: d.Bytes})
	}
	labels := operatorLabels(c.Snap.Operators)
	for _, op := range c.Snap.Sizes.Operators {
		label, ok := labels[op.ID]
		if !ok {
			label = op.ID
		}
		ops = append(ops, barPart{Label: label, Bytes: op.StateBytes})
	}
	for _, k := range c.Snap.Sizes.Kinds {
		kinds = append(kinds, barPart{Label: string(k.Kind), Bytes: k.Bytes})
	}
	var out []bar
	for _, b := range []bar{
		newBar("By folder", dirs),
		newBar("By operator (full checkpoint data size)", ops),
		newBar("By kind of file", kinds),
		slateDBBar(c.Snap),
	} {
		if len(b.Parts) > 0 {
			out = append(out, b)
		}
	}
	return out
}

// Chart draws stacked bars of where a snapshot's bytes are, with plain CSS.
// It is built in Go, as the other charts are (svg.go says why).
type Chart struct {
	Snap *SnapshotReport
}

// Build implements vugu.Builder: per bar a title, the bar and its legend.
func (c *Chart) Build(*vugu.BuildIn) *vugu.BuildOut {
	sec := htmlElement(nil, "section", "id", "chart", "aria-labelledby", "chart-h")
	htmlText(sec, "h2", "Where the bytes are", "id", "chart-h")
	for _, b := range c.bars() {
		block := htmlElement(sec, "div", "class", "chart-block")
		htmlText(block, "h3", b.Title)
		stack := htmlElement(block, "div", "class", "stack", "role", "img", "aria-label", b.Title)
		legend := htmlElement(block, "ol", "class", "legend")
		for i, p := range b.Parts {
			seg := "seg-" + Raw(i%8)
			htmlElement(stack, "div", "class", "seg "+seg, "style", Width(p.Bytes, b.Total), "title", p.Label+": "+Bytes(p.Bytes))
			li := htmlElement(legend, "li")
			htmlElement(li, "span", "class", "swatch "+seg, "aria-hidden", "true")
			htmlText(li, "span", p.Label, "class", "label")
			htmlText(li, "span", Bytes(p.Bytes), "class", "num")
			htmlText(li, "span", Share(p.Bytes, b.Total), "class", "num share")
		}
	}
	return built(sec)
}
