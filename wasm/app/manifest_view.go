package app

import (
	"github.com/ckptlens/ckptlens/parse/units"
	"github.com/vugu/vugu"
)

// Manifest shows what only a SlateDB manifest has. It is built in Go, as
// the charts are (svg.go says why).
type Manifest struct {
	Snap    *SnapshotReport
	SSTRows Pager // the SSTs shown
}

// Build implements vugu.Builder.
func (c *Manifest) Build(*vugu.BuildIn) *vugu.BuildOut {
	db := c.Snap.SlateDB
	sec := htmlElement(nil, "section", "id", "slatedb", "aria-labelledby", "slatedb-h")
	htmlText(sec, "h2", "Checkpoints, SSTs and parents", "id", "slatedb-h")
	htmlText(sec, "h3", "Checkpoints")
	if len(db.Checkpoints) == 0 {
		htmlText(sec, "p", "No checkpoints are recorded.")
	} else {
		body := tableOf(sec, "slatedb-checkpoints",
			`<th>Id</th><th>Name</th><th class="num">Manifest</th><th>Created</th><th>Expires</th>`)
		for _, cp := range db.Checkpoints {
			tr := htmlElement(body, "tr")
			htmlText(tr, "td", cp.ID, "class", "mono", "data-k", "id")
			htmlText(tr, "td", cp.Name, "data-k", "name", "data-label", "Name")
			htmlText(tr, "td", Raw(cp.ManifestID), "class", "num", "data-k", "manifest", "data-label", "Manifest")
			htmlText(tr, "td", units.UnixTime(cp.CreateTime), "data-k", "created", "data-label", "Created")
			htmlText(tr, "td", expiry(cp.ExpireTime), "data-k", "expires", "data-label", "Expires", "class", expiryClass(cp.ExpireTime))
		}
	}
	c.ssts(sec)
	htmlText(sec, "h3", "Parent databases")
	if len(db.ExternalDBs) == 0 {
		htmlText(sec, "p", "This database is not a clone: it reads no other database's files.")
		return built(sec)
	}
	body := tableOf(sec, "slatedb-parents",
		`<th>Path</th><th>Source checkpoint</th><th>Final checkpoint</th><th class="num">SSTs still read</th>`)
	for _, ext := range db.ExternalDBs {
		tr := htmlElement(body, "tr")
		htmlMarkup(tr, "td", pathHTML(ext.Path), "class", "path")
		htmlText(tr, "td", ext.SourceCheckpoint, "class", "mono", "data-label", "Source checkpoint")
		htmlText(tr, "td", ext.FinalCheckpoint, "class", "mono", "data-label", "Final checkpoint")
		htmlText(tr, "td", Count(len(ext.SSTIDs)), "class", "num", "data-label", "SSTs still read")
	}
	return built(sec)
}

// ssts is the table of the SSTs the manifest keeps alive, a page at a time.
func (c *Manifest) ssts(sec *vugu.VGNode) {
	ssts := c.Snap.SlateDB.SSTs
	htmlText(sec, "h3", "SSTs this manifest keeps alive")
	if len(ssts) == 0 {
		htmlText(sec, "p", "No SSTs.")
	} else {
		ranges := len(projectedRanges(c.Snap)) > 0
		heads := `<th>SST</th><th>Level</th><th class="num">Size</th><th>Created</th><th>Held by</th>`
		if ranges {
			heads += `<th>Key range read</th>`
		}
		body := tableOf(sec, "slatedb-ssts-table", vugu.HTML(heads))
		for _, sst := range pageOf(ssts, &c.SSTRows) {
			tr := htmlElement(body, "tr")
			htmlText(tr, "td", sst.ID, "class", "mono", "data-k", "id")
			htmlText(tr, "td", sst.Level, "data-k", "level", "data-label", "Level")
			htmlText(tr, "td", sstSize(sst.Bytes, sst.MinBytes), "class", "num", "data-k", "bytes", "data-label", "Size", "data-v", Raw(sst.Bytes))
			htmlText(tr, "td", unixMilli(sst.Created), "data-k", "created", "data-label", "Created")
			htmlMarkup(tr, "td", pathHTML(c.holder(sst.Database)), "data-k", "database", "data-label", "Held by", "class", "path")
			if ranges {
				htmlText(tr, "td", sstRanges(sst.VisibleRanges), "data-k", "ranges", "data-label", "Key range read")
			}
		}
	}
	rowPager(sec, &c.SSTRows, len(ssts), "ssts")
}

// tableOf adds a data table with the given head cells (the page's own
// markup) and returns its body.
//
//go:noinline
func tableOf(parent *vugu.VGNode, id string, heads vugu.HTML) *vugu.VGNode {
	table := htmlElement(parent, "table", "class", "data", "id", id)
	htmlMarkup(htmlElement(table, "thead"), "tr", heads)
	return htmlElement(table, "tbody")
}
