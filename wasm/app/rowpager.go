package app

import "github.com/vugu/vugu"

// RowPager is the buttons under a long table: show more of its N rows,
// then page through them (Pager). ID prefixes the buttons' ids. It is
// built in Go, as the charts are (svg.go says why).
type RowPager struct {
	P  *Pager
	N  int
	ID string
}

// Build implements vugu.Builder.
func (c *RowPager) Build(*vugu.BuildIn) *vugu.BuildOut {
	out := &vugu.BuildOut{}
	if p := rowPager(nil, c.P, c.N, c.ID); p != nil {
		out.Out = []*vugu.VGNode{p}
	}
	return out
}

// rowPager adds the buttons for n rows paged by p under parent, or nothing
// while every row is shown.
func rowPager(parent *vugu.VGNode, p *Pager, n int, id string) *vugu.VGNode {
	if n <= rowsFirst || (p.Paged && n <= rowsPage) {
		return nil
	}
	more := htmlElement(parent, "p", "class", "more")
	if t := p.moreText(n); t != "" {
		onEvent(htmlText(more, "button", t, "id", id+"-more"), "click", func(vugu.DOMEvent) { p.ShowMore() })
	}
	if !p.paged(n) {
		return more
	}
	// The spaces keep the buttons apart as the template's line breaks did.
	htmlSpace(more)
	prev := htmlText(more, "button", "‹ Previous "+Count(rowsPage), "id", id+"-prev")
	flagAttr(prev, "disabled", p.atStart(n))
	onEvent(prev, "click", func(vugu.DOMEvent) { p.Previous(n) })
	htmlSpace(more)
	htmlText(more, "span", p.rangeText(n), "class", "count", "id", id+"-range")
	htmlSpace(more)
	next := htmlText(more, "button", "Next "+Count(rowsPage)+" ›", "id", id+"-next")
	flagAttr(next, "disabled", p.atEnd(n))
	onEvent(next, "click", func(vugu.DOMEvent) { p.Next(n) })
	return more
}
