package app

import (
	"slices"

	"github.com/ckptlens/ckptlens/parse/flink"
	"github.com/ckptlens/ckptlens/parse/model"
)

var operatorColumns = map[string]column[model.Operator]{
	"name":           byString(func(o model.Operator) string { return o.Name }),
	"uid":            byString(func(o model.Operator) string { return o.UID }),
	"id":             byString(func(o model.Operator) string { return o.ID }),
	"parallelism":    byInt(func(o model.Operator) int { return int(o.Parallelism) }),
	"maxParallelism": byInt(func(o model.Operator) int { return int(o.MaxParallelism) }),
	"state":          byInt(func(o model.Operator) int64 { return o.StateBytes }),
	"checkpointed":   byInt(func(o model.Operator) int64 { return o.CheckpointedBytes }),
	"inline":         byInt(func(o model.Operator) int64 { return o.InlineBytes }),
}

func (c *Operators) rows() []model.Operator {
	rows := slices.Clone(c.Snap.Operators)
	sortBy(rows, c.sort, operatorColumns)
	return rows
}

// namesNote says why the Name and UID columns are empty, when the file's
// header version records neither.
func (c *Operators) namesNote() string {
	if c.Snap.Format != model.FormatFlink {
		return ""
	}
	return flink.NamesNotRecorded(c.Snap.FormatVersion)
}
