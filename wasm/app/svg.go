package app

import "github.com/vugu/vugu"

// The page's views are built as vugu nodes by a few lines of Go rather
// than by templates: vugugen's code, every element and attribute set one by
// one, was most of the app's wasm (bench/RESULTS.md has the sizes). The
// helpers below are kept out of line (go:noinline): inlined, every call
// copied a node's allocation into its caller.

// svgElement adds an SVG element to parent (none for the root) with the
// attributes given as name, value pairs.
//
//go:noinline
func svgElement(parent *vugu.VGNode, tag string, attrs ...string) *vugu.VGNode {
	return element(parent, "svg", tag, attrs...)
}

// htmlElement adds an HTML element, as svgElement does.
//
//go:noinline
func htmlElement(parent *vugu.VGNode, tag string, attrs ...string) *vugu.VGNode {
	return element(parent, "", tag, attrs...)
}

// htmlText adds an HTML element holding text.
//
//go:noinline
func htmlText(parent *vugu.VGNode, tag, text string, attrs ...string) *vugu.VGNode {
	n := htmlElement(parent, tag, attrs...)
	n.AppendChild(&vugu.VGNode{Type: vugu.TextNode, Data: text})
	return n
}

//go:noinline
func element(parent *vugu.VGNode, namespace, tag string, attrs ...string) *vugu.VGNode {
	n := &vugu.VGNode{Type: vugu.ElementNode, Namespace: namespace, Data: tag, Attr: make([]vugu.VGAttribute, 0, len(attrs)/2)}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.Attr = append(n.Attr, vugu.VGAttribute{Key: attrs[i], Val: attrs[i+1]})
	}
	if parent != nil {
		parent.AppendChild(n)
	}
	return n
}

// svgText adds an element holding text (a <text> or <title>); the text is
// set as text, never read as markup.
//
//go:noinline
func svgText(parent *vugu.VGNode, tag, text string, attrs ...string) *vugu.VGNode {
	n := svgElement(parent, tag, attrs...)
	n.AppendChild(&vugu.VGNode{Type: vugu.TextNode, Data: text})
	return n
}

// svgRect adds a rectangle at x, y, w wide and h high.
//
//go:noinline
func svgRect(parent *vugu.VGNode, x, y, w, h float64, attrs ...string) *vugu.VGNode {
	return svgElement(parent, "rect", append([]string{"x", Num(x), "y", Num(y), "width", Num(w), "height", Num(h)}, attrs...)...)
}

// onEvent makes n call f on events of type typ.
//
//go:noinline
func onEvent(n *vugu.VGNode, typ string, f func(vugu.DOMEvent)) {
	n.DOMEventHandlerSpecList = append(n.DOMEventHandlerSpecList, vugu.DOMEventHandlerSpec{EventType: typ, Func: f})
}

// htmlMarkup adds an HTML element holding markup: a constant of the page's
// own, or a path marked up by pathHTML (which escapes it); never a string
// taken from a file as it is.
//
//go:noinline
func htmlMarkup(parent *vugu.VGNode, tag string, markup vugu.HTML, attrs ...string) *vugu.VGNode {
	n := htmlElement(parent, tag, attrs...)
	s := string(markup)
	n.InnerHTML = &s
	return n
}

// htmlSpace adds a space between inline elements, as a template's line
// break between them did.
//
//go:noinline
func htmlSpace(parent *vugu.VGNode) {
	parent.AppendChild(&vugu.VGNode{Type: vugu.TextNode, Data: " "})
}

// flagAttr sets a boolean attribute such as disabled when on, as vugu's
// templates do (the attribute's value is its name).
//
//go:noinline
func flagAttr(n *vugu.VGNode, key string, on bool) {
	if on {
		n.Attr = append(n.Attr, vugu.VGAttribute{Key: key, Val: key})
	}
}

// sortHead is a sortable column's head: its key for sortState, its label,
// and whether it holds numbers (right-aligned, largest first).
type sortHead struct {
	key, label string
	numeric    bool
}

// sortHeads adds a table's head row of sortable columns; clicking one calls
// sortBy with its key.
func sortHeads(table *vugu.VGNode, s *sortState, heads []sortHead, sortBy func(key string, numeric bool, env vugu.EventEnv)) *vugu.VGNode {
	tr := htmlElement(htmlElement(table, "thead"), "tr")
	for _, h := range heads {
		th := htmlElement(tr, "th", "aria-sort", s.Aria(h.key))
		if h.numeric {
			th.Attr = append(th.Attr, vugu.VGAttribute{Key: "class", Val: "num"})
		}
		button := htmlElement(th, "button")
		button.AppendChild(&vugu.VGNode{Type: vugu.TextNode, Data: h.label})
		htmlText(button, "span", s.Arrow(h.key))
		onEvent(button, "click", func(e vugu.DOMEvent) { sortBy(h.key, h.numeric, e.EventEnv()) })
	}
	return tr
}

// toggleSort sorts by a column at once, for a table short enough for that.
func toggleSort(s *sortState) func(key string, numeric bool, _ vugu.EventEnv) {
	return func(key string, numeric bool, _ vugu.EventEnv) { s.Toggle(key, numeric) }
}

// built is a component's output, its root n once keepEmpty went over it.
func built(n *vugu.VGNode) *vugu.BuildOut {
	keepEmpty(n)
	return &vugu.BuildOut{Out: []*vugu.VGNode{n}}
}

// keepEmpty gives every element under n without children an empty text
// node: vugu's renderer removes an element's old children only while
// walking new ones, so a table body or list that became empty would keep
// its old rows. (vugugen's whitespace nodes did this for the templates.)
func keepEmpty(n *vugu.VGNode) {
	if n.Type != vugu.ElementNode || n.InnerHTML != nil || n.Data == "input" {
		return
	}
	if n.FirstChild == nil {
		n.AppendChild(&vugu.VGNode{Type: vugu.TextNode})
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		keepEmpty(c)
	}
}
