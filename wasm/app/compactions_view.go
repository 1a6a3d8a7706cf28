package app

import (
	"strings"

	"github.com/vugu/vugu"
)

// Compactions shows a SlateDB compactions file: the compactor's
// compactions, their state and what they read and write. It is built in
// Go, as the charts are (svg.go says why).
type Compactions struct {
	Snap *SnapshotReport
}

// Build implements vugu.Builder.
func (c *Compactions) Build(*vugu.BuildIn) *vugu.BuildOut {
	sec := htmlElement(nil, "section", "id", "compactions", "aria-labelledby", "compactions-h")
	htmlText(sec, "h2", "Compactions", "id", "compactions-h")
	list := c.Snap.Compactions.Compactions
	if len(list) == 0 {
		htmlText(sec, "p", "The compactor tracks no compactions.")
		return built(sec)
	}
	body := tableOf(sec, "compactions-table",
		`<th>Compaction</th><th>State</th><th>Reads</th><th>Writes</th><th class="num">Output SSTs</th>`)
	for _, cp := range list {
		tr := htmlElement(body, "tr")
		htmlText(tr, "td", cp.ID, "class", "mono", "data-k", "id")
		htmlText(tr, "td", compactionState(cp), "data-k", "status", "data-label", "State")
		htmlText(tr, "td", compactionSources(cp), "data-k", "sources", "data-label", "Reads")
		htmlText(tr, "td", compactionDestination(cp), "data-k", "destination", "data-label", "Writes")
		htmlText(tr, "td", Count(len(cp.Outputs)), "class", "num", "data-k", "outputs", "data-label", "Output SSTs",
			"title", strings.Join(cp.Outputs, " "))
	}
	return built(sec)
}
