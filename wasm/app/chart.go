package app

import (
	"cmp"
	"slices"
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
