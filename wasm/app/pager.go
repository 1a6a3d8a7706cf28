package app

import "fmt"

// A long table shows its first rowsFirst rows, then rowsPage rows at a time
// with Previous and Next: all of them only when that is all. Every render
// diffs every row shown (about a millisecond a row in Chromium here), and
// showing all 108,500 files of a large job froze the page for 54 s.
const (
	rowsFirst = 50
	rowsPage  = 500
)

// Pager is which rows of a table are shown.
type Pager struct {
	Start int  // the first row shown
	Paged bool // pages of rowsPage rows, not the first rowsFirst
}

func (p *Pager) size() int {
	if p.Paged {
		return rowsPage
	}
	return rowsFirst
}

// bounds is the rows shown of n, [from, to). A start past the end (the
// list got shorter, filtered) shows the last page.
func (p *Pager) bounds(n int) (from, to int) {
	size := p.size()
	from = max(0, p.Start)
	if from >= n {
		from = max(0, (n-1)/size*size)
	}
	return from, min(n, from+size)
}

// pageOf is the rows p shows.
func pageOf[T any](rows []T, p *Pager) []T {
	from, to := p.bounds(len(rows))
	return rows[from:to]
}

// ShowMore shows a page of rows (all, when they fit one) instead of the
// first few.
func (p *Pager) ShowMore() { p.Paged, p.Start = true, 0 }

// Next and Previous move a page on and back among n rows.
func (p *Pager) Next(n int) {
	if from, to := p.bounds(n); to < n {
		p.Start = from + rowsPage
	}
}

func (p *Pager) Previous(n int) {
	from, _ := p.bounds(n)
	p.Start = max(0, from-rowsPage)
}

// Rewind goes back to the first rows (a new filter).
func (p *Pager) Rewind() { p.Start = 0 }

// moreText labels the button that shows more than the first rows of n, or
// is "" when there is no such button.
func (p *Pager) moreText(n int) string {
	switch {
	case p.Paged || n <= rowsFirst:
		return ""
	case n <= rowsPage:
		return fmt.Sprintf("Show all (%s more)", Count(n-rowsFirst))
	}
	return fmt.Sprintf("Show %s at a time", Count(rowsPage))
}

// paged reports whether n rows are shown page by page.
func (p *Pager) paged(n int) bool { return p.Paged && n > rowsPage }

// rangeText says which of n rows are shown, page by page.
func (p *Pager) rangeText(n int) string {
	from, to := p.bounds(n)
	return fmt.Sprintf("Rows %s–%s of %s", Count(from+1), Count(to), Count(n))
}

func (p *Pager) atStart(n int) bool { from, _ := p.bounds(n); return from == 0 }
func (p *Pager) atEnd(n int) bool   { _, to := p.bounds(n); return to >= n }
