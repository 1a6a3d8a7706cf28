package app

import "github.com/vugu/vugu"

// Summary shows what a snapshot is: format, version, kind and totals. It
// is built in Go, as the charts are (svg.go says why).
type Summary struct {
	Snap *SnapshotReport
}

// Build implements vugu.Builder.
func (c *Summary) Build(*vugu.BuildIn) *vugu.BuildOut {
	sec := htmlElement(nil, "section", "id", "summary", "aria-labelledby", "summary-h")
	htmlText(sec, "h2", "Summary", "id", "summary-h")
	dl := htmlElement(sec, "dl", "class", "summary")
	for _, row := range c.rows() {
		htmlText(dl, "dt", row.Label)
		if row.Path {
			htmlMarkup(dl, "dd", pathHTML(row.Value), "class", "path", "data-k", row.Key)
		} else {
			htmlText(dl, "dd", row.Value, "data-k", row.Key, "data-v", row.Raw)
		}
	}
	if e := c.Snap.Error; e != nil {
		div := htmlElement(sec, "div", "class", "problem", "role", "alert", "id", "decode-error")
		htmlText(div, "h3", "Decoding stopped early")
		htmlText(div, "p", e.Message)
		p := htmlElement(div, "p")
		htmlText(p, "span", "Byte offset: ")
		htmlText(p, "strong", Raw(e.Offset), "data-k", "error-offset")
		// The space keeps the hint apart as the template's line break did.
		htmlSpace(p)
		htmlText(p, "span", c.errorHint())
	}
	if len(c.Snap.Warnings) > 0 {
		ul := htmlElement(sec, "ul", "class", "warnings")
		for _, w := range c.Snap.Warnings {
			htmlText(ul, "li", w)
		}
	}
	return built(sec)
}
