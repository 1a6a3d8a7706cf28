package app

import (
	"github.com/ckptlens/ckptlens/parse"
	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/slatedb"
)

// Report is what the page renders: the engine's report, the same value
// `ckptlens compare --json` prints. Share links carry it as JSON.
type Report = parse.Report

// SnapshotReport is one snapshot within a Report.
type SnapshotReport = parse.SnapshotReport

// buildReport runs the engine over the decoded snapshots. The base location
// belongs to a single snapshot, or to the manifests of one SlateDB database
// (its root, which their own content never names); otherwise each snapshot
// is located from its own paths. Several listings (say, one per bucket) are
// read as one; listingErr is why one of them could not be read whole.
func buildReport(snaps []*model.Snapshot, listings []*listing.Listing, listingErr error, where placement) *Report {
	inputs := make([]parse.Input, len(snaps))
	oneLocation := len(snaps) == 1 || oneDatabase(snaps)
	for i, s := range snaps {
		inputs[i] = parse.Input{Snapshot: s}
		if oneLocation {
			inputs[i].Base = where.base
		}
	}
	opts := parse.Options{ListingError: listingErr, Stopped: where.stopped}
	if len(listings) > 0 {
		merged := &listing.Listing{Format: listings[0].Format}
		for _, l := range listings {
			merged.Entries = append(merged.Entries, l.Entries...)
			merged.Unterminated = merged.Unterminated || l.Unterminated
		}
		opts.Listing = merged
	}
	return parse.Analyze(inputs, opts)
}

// placement is what the user says of where the files live and whether
// their writers still run.
type placement struct {
	base    string
	stopped bool
}

// oneDatabase reports whether snaps are all manifests of one SlateDB
// database: found in one manifest/ folder, or all dropped as bare files.
func oneDatabase(snaps []*model.Snapshot) bool {
	root := ""
	for i, s := range snaps {
		if s.SlateDB == nil {
			return false
		}
		r, _ := slatedb.DatabaseRoot(s.Source)
		if i > 0 && r != root {
			return false
		}
		root = r
	}
	return true
}
