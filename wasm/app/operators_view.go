package app

import "github.com/vugu/vugu"

// Operators lists each operator with its parallelism and sizes. It is
// built in Go, as the charts are (svg.go says why).
type Operators struct {
	Snap *SnapshotReport
	sort sortState
}

var operatorHeads = []sortHead{
	{"name", "Name", false}, {"uid", "UID", false}, {"id", "Id", false},
	{"parallelism", "Parallelism", true}, {"maxParallelism", "Max", true},
	{"state", "Full size", true}, {"checkpointed", "Checkpointed", true}, {"inline", "Inline", true},
}

// Build implements vugu.Builder.
func (c *Operators) Build(*vugu.BuildIn) *vugu.BuildOut {
	sec := htmlElement(nil, "section", "id", "operators", "aria-labelledby", "operators-h")
	htmlText(sec, "h2", "Operators", "id", "operators-h")
	if note := c.namesNote(); note != "" {
		htmlText(sec, "p", note, "class", "hint", "id", "operator-names-note")
	}
	table := htmlElement(sec, "table", "class", "data", "id", "operator-table")
	sortHeads(table, &c.sort, operatorHeads, toggleSort(&c.sort))
	body := htmlElement(table, "tbody")
	for _, op := range c.rows() {
		tr := htmlElement(body, "tr")
		htmlText(tr, "td", op.Name, "data-k", "name", "data-label", "Name")
		htmlText(tr, "td", op.UID, "data-k", "uid", "data-label", "UID")
		htmlText(tr, "td", op.ID, "data-k", "id", "data-label", "Id", "class", "mono")
		numCell(tr, "parallelism", "Parallelism", Raw(int(op.Parallelism)), Count(int(op.Parallelism)))
		numCell(tr, "maxParallelism", "Max parallelism", Raw(int(op.MaxParallelism)), Count(int(op.MaxParallelism)))
		numCell(tr, "stateBytes", "Full size", Raw(op.StateBytes), Bytes(op.StateBytes))
		numCell(tr, "checkpointedBytes", "Checkpointed", Raw(op.CheckpointedBytes), Bytes(op.CheckpointedBytes))
		numCell(tr, "inlineBytes", "Inline", Raw(op.InlineBytes), Bytes(op.InlineBytes))
	}
	return built(sec)
}
