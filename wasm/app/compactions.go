package app

import (
	"fmt"
	"strings"

	"github.com/ckptlens/ckptlens/parse/model"
)

// compactionCount says how many compactions there are and how many are
// still active, whose outputs SlateDB's garbage collector keeps.
func compactionCount(cs []model.SlateDBCompaction) string {
	active := 0
	for _, c := range cs {
		if c.Active {
			active++
		}
	}
	return fmt.Sprintf("%s, %s active (the garbage collector keeps their output SSTs)", Count(len(cs)), Count(active))
}

// compactionState is SlateDB's status of a compaction, and whether it is
// still active.
func compactionState(c model.SlateDBCompaction) string {
	state := c.Status
	if c.Active {
		state += " (active)"
	}
	if c.Kind != "" && c.Kind != "tiered" {
		state += ", " + c.Kind
	}
	return state
}

// compactionSources is what a compaction reads: L0 views and sorted runs.
func compactionSources(c model.SlateDBCompaction) string {
	var parts []string
	if n := len(c.SourceViews); n > 0 {
		parts = append(parts, Count(n)+" L0 SSTs")
	}
	for _, sr := range c.SourceSortedRuns {
		parts = append(parts, "SR "+Raw(sr))
	}
	if c.Segment != "" {
		parts = append(parts, "segment "+c.Segment)
	}
	if len(parts) == 0 {
		return "–"
	}
	return strings.Join(parts, ", ")
}

// compactionDestination is the sorted run a tiered compaction writes.
func compactionDestination(c model.SlateDBCompaction) string {
	if c.Destination == nil {
		return "–"
	}
	return "SR " + Raw(*c.Destination)
}
