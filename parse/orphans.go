package parse

import (
	"github.com/ckptlens/ckptlens/parse/plan"
)

// The deletion plan is package plan's; these names keep the report's.
type (
	OrphanPlan     = plan.Plan
	OrphanItem     = plan.Item
	MissingFile    = plan.Missing
	ListingSummary = plan.ListingSummary
)

// planDeletions hands the analysed snapshots, and the listing Analyze
// already resolved, to the planner.
func planDeletions(snaps []*SnapshotReport, listed *plan.Listed, opts Options) *OrphanPlan {
	in := make([]plan.Snapshot, len(snaps))
	for i, s := range snaps {
		ps := plan.Snapshot{
			Label: label(s), Format: s.Format, Source: s.Source,
			Dir: s.Location.Dir, DirFrom: s.Location.From, Kind: s.Location.Kind, JobDir: s.Location.JobDir,
			CheckpointID: s.CheckpointID, Partial: s.Error != nil, Model: s.Snapshot,
			Files: make([]plan.File, len(s.Files)),
		}
		for fi, f := range s.Files {
			p := f.Path
			if fi < len(s.FileRefs) && s.FileRefs[fi].Path != "" {
				p = s.FileRefs[fi].Path
			}
			ps.Files[fi] = plan.File{Path: p, Relative: !isAbsolutePath(p), Resolved: f.Relative, Bytes: f.Bytes, Kind: f.Kind}
		}
		in[i] = ps
	}
	return plan.Make(in, opts.Listing, plan.Options{
		Prefix: opts.ListingPrefix, EntropyKey: opts.EntropyKey, Stopped: opts.Stopped,
		Margin: opts.Margin, Now: opts.Now, ListingError: opts.ListingError, Listed: listed,
	})
}
