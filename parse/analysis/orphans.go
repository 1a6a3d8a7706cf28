package analysis

import (
	"github.com/ckptlens/ckptlens/parse/paths"
	"github.com/ckptlens/ckptlens/parse/plan"
	"github.com/ckptlens/ckptlens/parse/report"
)

// planDeletions hands the analysed snapshots, and the listing Analyze
// already resolved, to the planner.
func planDeletions(snaps []*report.SnapshotReport, listed *plan.Listed, opts Options) *report.OrphanPlan {
	in := make([]plan.Snapshot, len(snaps))
	for i, s := range snaps {
		ps := plan.Snapshot{
			Label: report.FolderLabel(s), Format: s.Format, Source: s.Source, Location: s.Location,
			CheckpointID: s.CheckpointID, Partial: s.Error != nil, Model: s.Snapshot,
			Files: make([]plan.File, len(s.Files)),
		}
		for fi, f := range s.Files {
			p := f.Path
			if fi < len(s.FileRefs) && s.FileRefs[fi].Path != "" {
				p = s.FileRefs[fi].Path
			}
			ps.Files[fi] = plan.File{Path: p, Relative: !paths.IsAbsolute(p), Resolved: f.Relative, Bytes: f.Bytes, Kind: f.Kind}
		}
		in[i] = ps
	}
	return plan.Make(in, opts.Listing, plan.Options{
		Prefix: opts.ListingPrefix, EntropyKey: opts.EntropyKey, Stopped: opts.Stopped,
		Margin: opts.Margin, Now: opts.Now, ListingError: opts.ListingError, Listed: listed,
		Spool: opts.DeletableSpool,
	})
}
