package app

import (
	"cmp"
	"fmt"
	"sort"
	"strings"

	"github.com/ckptlens/ckptlens/parse"
)

// The treemap of one snapshot's bytes: folder (with its role), then
// operator, then kind of file, then the largest files; what is too small to
// see is one tile ("1,234 smaller files"). Laid out here, in Go, and drawn
// by treemap.vugu as SVG.

// treemapWidth and treemapHeight are the SVG's viewBox; it scales to the
// page's width.
const (
	treemapWidth  = 1000
	treemapHeight = 560
	// maxChartShapes bounds the SVG elements a chart draws, so a job of a
	// million files draws as fast as a small one.
	maxChartShapes = 2000
)

// tmNode is one rectangle of the treemap before layout.
type tmNode struct {
	label    string
	bytes    int64
	files    int
	pick     TilePick
	children []*tmNode
	// file marks one file's node, whose label is its path until drawn.
	file bool
	// restFiles and restBytes count files too small ever to be drawn.
	restFiles int
	restBytes int64
}

// TilePick is what clicking a tile shows in the files table: the files of a
// folder, then of an operator in it, of a kind, or one file.
type TilePick struct {
	Dep  string // dependency folder
	Op   string // operator id; "-" for files no operator references
	Kind string
	Path string
}

// Tile is one drawn rectangle.
type Tile struct {
	X, Y, W, H float64
	Depth      int // 0 folder, 1 operator, 2 kind, 3 file
	Leaf       bool
	Color      int    // the folder's colour, by its place
	Label      string // as drawn, cut to fit
	Name       string // its group or file and its size, whole
	Title      string // the full description, for the tooltip and screen readers
	Pick       TilePick
}

// TreemapLayout is the laid-out chart.
type TreemapLayout struct {
	Tiles []Tile
	Total int64
	Label string // the aria-label
}

// maxShare is the smallest share of the whole a tile is drawn for: the
// chart starts at it and folds more until it fits maxChartShapes.
const maxShare = 4000

// treemapTree groups a snapshot's files by folder, operator and kind; inline
// state is a folder of its own. Files too small to be drawn at all (under
// 1/maxShare of the whole) are only counted, so that a job of a million
// files makes a tree of at most maxShare files.
func treemapTree(s *SnapshotReport) *tmNode {
	root := &tmNode{}
	// A group is a dependency (by index), an operator and a kind.
	type groupKey struct {
		dep      int
		op, kind string
	}
	byKey := map[groupKey]*tmNode{}
	child := func(parent *tmNode, key groupKey, label string, pick TilePick) *tmNode {
		if n, ok := byKey[key]; ok {
			return n
		}
		n := &tmNode{label: label, pick: pick}
		byKey[key] = n
		parent.children = append(parent.children, n)
		return n
	}
	tiny := (s.Sizes.FileBytes + s.Sizes.Inline) / maxShare
	// Neighbouring files mostly share folder, operator and kind: the last
	// group answers without hashing.
	var last groupKey
	var k *tmNode
	for i := range s.Files {
		f := &s.Files[i]
		if f.Bytes <= 0 || i >= len(s.FileRefs) || s.FileRefs[i].Dependency < 0 || s.FileRefs[i].Dependency >= len(s.Dependencies) {
			continue // a report from a link may point anywhere
		}
		op := "-"
		if len(f.Operators) > 0 {
			op = f.Operators[0]
		}
		if key := (groupKey{s.FileRefs[i].Dependency, op, string(f.Kind)}); k == nil || key != last {
			last = key
			if k = byKey[key]; k == nil { // named once, when first met
				dep := s.Dependencies[key.dep]
				d := child(root, groupKey{dep: key.dep}, string(dep.Role)+": "+shortDir(dep.Dir), TilePick{Dep: dep.Dir})
				o := child(d, groupKey{dep: key.dep, op: op}, operatorName(s, op), TilePick{Dep: dep.Dir, Op: op})
				k = child(o, key, string(f.Kind), TilePick{Dep: dep.Dir, Op: op, Kind: string(f.Kind)})
			}
		}
		if f.Bytes < tiny {
			k.restFiles++
			k.restBytes += f.Bytes
			continue
		}
		k.children = append(k.children, &tmNode{label: f.Path, bytes: f.Bytes, files: 1, file: true})
	}
	for _, d := range s.Dependencies {
		if d.Role == parse.RoleInline && d.Bytes > 0 {
			root.children = append(root.children, &tmNode{label: "inline state in " + shortDir(d.Dir), bytes: d.Bytes, pick: TilePick{Dep: d.Dir}})
		}
	}
	root.sum()
	return root
}

// sum totals bytes and files up the tree and sorts children largest first.
func (n *tmNode) sum() {
	if n.file || (len(n.children) == 0 && n.restFiles == 0) {
		return
	}
	n.bytes, n.files = n.restBytes, n.restFiles
	for _, c := range n.children {
		c.sum()
		n.bytes += c.bytes
		n.files += c.files
	}
	// sort, not slices: each instantiation of slices' sorts grows the wasm.
	sort.SliceStable(n.children, func(i, j int) bool { return n.children[i].bytes > n.children[j].bytes })
}

// fold keeps the children that would be drawn at least minBytes large and
// folds the rest, with the files too small to have been kept, into one tile
// ("1,234 smaller files"). nil means nothing is large enough: the node
// itself is the tile.
func (n *tmNode) fold(minBytes int64) []*tmNode {
	keep := n.children
	rest := &tmNode{pick: n.pick, bytes: n.restBytes, files: n.restFiles}
	for i, c := range n.children {
		if c.bytes < minBytes {
			keep = n.children[:i:i]
			for _, o := range n.children[i:] {
				rest.bytes += o.bytes
				rest.files += max(o.files, 1)
			}
			break
		}
	}
	if len(keep) == 0 {
		return nil
	}
	if rest.files == 0 {
		return keep
	}
	rest.label = Count(rest.files) + " smaller files"
	if rest.files == 1 {
		rest.label = "1 smaller file"
	}
	return append(keep, rest)
}

// layoutTreemap lays out s's bytes within the shape budget: tiles smaller
// than a share of the whole are folded, and the share doubles until the
// chart fits.
func layoutTreemap(s *SnapshotReport) *TreemapLayout {
	root := treemapTree(s)
	tm := &TreemapLayout{Total: root.bytes}
	if root.bytes <= 0 {
		return tm
	}
	for share := int64(maxShare); ; share /= 2 {
		tm.Tiles = tm.Tiles[:0]
		r := rect{0, 0, treemapWidth, treemapHeight}
		minBytes := max(root.bytes/share, 1)
		kids := root.fold(minBytes)
		if kids == nil {
			kids = root.children
		}
		for i, c := range squarify(kids, r, root.bytes) {
			place(tm, kids[i], TilePick{}, c, 0, i%8, minBytes)
		}
		if shapes(tm.Tiles) <= maxChartShapes || share <= 1 {
			break
		}
	}
	tm.Label = treemapLabel(s, root)
	return tm
}

// shapes counts the SVG elements tiles draw: a rectangle each, and a text
// for each label.
func shapes(tiles []Tile) int {
	n := len(tiles)
	for _, t := range tiles {
		if t.Label != "" {
			n++
		}
	}
	return n
}

type rect struct{ x, y, w, h float64 }

// headerHeight is the strip a folder or operator keeps for its name, and
// labelFont the size of the names, in viewBox units.
const (
	headerHeight = 18
	labelFont    = 12
)

// place adds the tile of n in r and, inside it, its children's.
func place(tm *TreemapLayout, n *tmNode, parentPick TilePick, r rect, depth, color int, minBytes int64) {
	kids := n.fold(minBytes)
	if n.file && n.pick.Path == "" {
		// A file's tile: named and made pickable only when drawn.
		n.pick = TilePick{Dep: parentPick.Dep, Op: parentPick.Op, Kind: parentPick.Kind, Path: n.label}
		n.label = baseOf(n.label)
	}
	t := Tile{X: r.x, Y: r.y, W: r.w, H: r.h, Depth: depth, Leaf: len(kids) == 0, Color: color, Pick: n.pick,
		Title: n.label + ": " + Bytes(n.bytes)}
	if n.files > 0 {
		t.Title += " in " + filesWord(n.files)
	}
	t.Name = t.Title
	if depth == 0 && n.pick.Dep != "" {
		t.Title += " (" + n.pick.Dep + ")"
	}
	inner := r
	if !t.Leaf && r.h > 3*headerHeight && r.w > 60 {
		t.Label = fit(n.label, r.w)
		inner = rect{r.x + 2, r.y + headerHeight, r.w - 4, r.h - headerHeight - 2}
	} else if t.Leaf && r.h > labelFont+4 && r.w > 40 {
		t.Label = fit(n.label, r.w)
	}
	if !t.Leaf && t.Label == "" {
		// Too small for a name: the children fill it, unnamed.
		inner = rect{r.x + 1, r.y + 1, max(r.w-2, 0), max(r.h-2, 0)}
	}
	tm.Tiles = append(tm.Tiles, t)
	if t.Leaf {
		return
	}
	for i, c := range squarify(kids, inner, n.bytes) {
		place(tm, kids[i], n.pick, c, depth+1, color, minBytes)
	}
}

// fit cuts a label to what a tile w wide holds (about 0.6 em a character).
func fit(label string, w float64) string {
	n := int((w - 6) / (labelFont * 0.6))
	if n < 3 {
		return ""
	}
	if r := []rune(label); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return label
}

// shortDir names a folder by its last two elements ("ca96e3cd…/shared"):
// the job and the area are what tell folders apart.
func shortDir(p string) string {
	parts := strings.Split(strings.TrimRight(p, "/"), "/")
	if len(parts) <= 2 {
		return p
	}
	parts = parts[len(parts)-2:]
	if len(parts[0]) > 12 {
		parts[0] = parts[0][:8] + "…"
	}
	return strings.Join(parts, "/")
}

func filesWord(n int) string {
	if n == 1 {
		return "1 file"
	}
	return Count(n) + " files"
}

func baseOf(p string) string { return p[strings.LastIndexByte(strings.TrimRight(p, "/"), '/')+1:] }

// operatorName is how the treemap names an operator: its name, its uid or
// its id.
func operatorName(s *SnapshotReport, id string) string {
	if id == "-" {
		return "no operator"
	}
	for _, op := range s.Operators {
		if op.ID == id {
			return cmp.Or(op.Name, op.UID, "operator "+id)
		}
	}
	return "operator " + id
}

// treemapLabel describes the chart for screen readers: the total and the
// largest folders.
func treemapLabel(s *SnapshotReport, root *tmNode) string {
	var parts []string
	for i, c := range root.children {
		if i == 3 {
			break
		}
		parts = append(parts, fmt.Sprintf("%s %s (%s)", c.label, Bytes(c.bytes), Share(c.bytes, root.bytes)))
	}
	return fmt.Sprintf("Bytes treemap: %s in %s. %s", Bytes(root.bytes), filesWord(root.files), strings.Join(parts, "; "))
}

// squarify lays nodes (largest first, summing to total) out in r as
// near-square rectangles, row by row along r's shorter side (Bruls,
// Huizing and van Wijk's squarified treemaps).
func squarify(nodes []*tmNode, r rect, total int64) []rect {
	out := make([]rect, 0, len(nodes))
	if total <= 0 || r.w <= 0 || r.h <= 0 {
		for range nodes {
			out = append(out, rect{r.x, r.y, 0, 0})
		}
		return out
	}
	scale := r.w * r.h / float64(total)
	for start := 0; start < len(nodes); {
		side := min(r.w, r.h)
		end, best := start+1, worst(nodes[start:start+1], side, scale)
		for end < len(nodes) {
			w := worst(nodes[start:end+1], side, scale)
			if w > best {
				break
			}
			end, best = end+1, w
		}
		var rowArea float64
		for _, n := range nodes[start:end] {
			rowArea += float64(n.bytes) * scale
		}
		thick := rowArea / side
		pos := 0.0
		for _, n := range nodes[start:end] {
			length := float64(n.bytes) * scale / thick
			if r.w >= r.h { // a column on the left
				out = append(out, rect{r.x, r.y + pos, thick, length})
			} else { // a row on top
				out = append(out, rect{r.x + pos, r.y, length, thick})
			}
			pos += length
		}
		if r.w >= r.h {
			r.x, r.w = r.x+thick, max(r.w-thick, 0)
		} else {
			r.y, r.h = r.y+thick, max(r.h-thick, 0)
		}
		start = end
	}
	return out
}

// worst is the largest aspect ratio in a row of nodes laid along side.
func worst(row []*tmNode, side, scale float64) float64 {
	var sum, lo, hi float64
	for i, n := range row {
		a := float64(n.bytes) * scale
		sum += a
		if i == 0 || a < lo {
			lo = a
		}
		if a > hi {
			hi = a
		}
	}
	if sum <= 0 || lo <= 0 {
		return 1e18
	}
	s2, side2 := sum*sum, side*side
	return max(side2*hi/s2, s2/(side2*lo))
}
