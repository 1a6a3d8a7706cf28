package app

import "github.com/vugu/vugu"

// Dependencies lists the folders a snapshot depends on, with their role.
// It is built in Go, as the charts are (svg.go says why).
type Dependencies struct {
	Snap *SnapshotReport
	sort sortState
}

var dependencyHeads = []sortHead{
	{"dir", "Folder", false}, {"role", "Role", false},
	{"files", "Files", true}, {"bytes", "Bytes", true}, {"share", "Share", true},
}

// Build implements vugu.Builder.
func (c *Dependencies) Build(*vugu.BuildIn) *vugu.BuildOut {
	sec := htmlElement(nil, "section", "id", "dependencies", "aria-labelledby", "dependencies-h")
	htmlText(sec, "h2", "Dependencies", "id", "dependencies-h")
	htmlText(sec, "p", "Every folder this snapshot needs. Deleting any of them breaks a restore from it.", "class", "hint")
	table := htmlElement(sec, "table", "class", "data", "id", "dependency-table")
	sortHeads(table, &c.sort, dependencyHeads, toggleSort(&c.sort))
	body := htmlElement(table, "tbody")
	total := c.total()
	for _, d := range c.rows() {
		tr := htmlElement(body, "tr")
		htmlMarkup(tr, "td", pathHTML(d.Dir), "class", "path", "data-k", "dir")
		role := htmlElement(tr, "td", "data-k", "role", "data-label", "Role")
		htmlText(role, "span", string(d.Role), "class", "role", "title", c.roleHelp(string(d.Role)))
		numCell(tr, "files", "Files", Raw(d.Files), Count(d.Files))
		numCell(tr, "bytes", "Bytes", Raw(d.Bytes), c.bytes(d))
		htmlText(tr, "td", Share(d.Bytes, total), "class", "num", "data-k", "share", "data-label", "Share")
	}
	roles := htmlElement(sec, "dl", "class", "roles")
	for _, r := range c.roles() {
		htmlText(roles, "dt", r)
		htmlText(roles, "dd", c.roleHelp(r))
	}
	return built(sec)
}
