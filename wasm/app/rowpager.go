package app

import "github.com/vugu/vugu"

// rowPager adds the buttons under a long table of n rows paged by p: show
// more of them, then page through them; id prefixes the buttons' ids.
// Nothing while every row is shown.
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
