package analysis

import (
	"cmp"
	"encoding/binary"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ckptlens/ckptlens/parse/listing"
	"github.com/ckptlens/ckptlens/parse/location"
	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/plan"
	"github.com/ckptlens/ckptlens/parse/report"
)

// Input is one decoded snapshot and, where the user knows it, its base
// location: the folder that holds it (for example
// "s3://bucket/savepoints/savepoint-1a2b3c-0123456789ab"). Base resolves
// relative handles and wins over every guess.
type Input struct {
	Snapshot *model.Snapshot
	Base     string
}

// Options tune Analyze.
type Options struct {
	// Listing, when given, is what storage holds; it adds physical sizes of
	// file-merging files and turns on the deletion plan. It is read more
	// than once, never held whole (a *listing.Listing is one too).
	Listing listing.Source
	// ListingError is why the listing could not be read whole (the entries
	// before the bad line are in Listing): the plan is then refused.
	ListingError error
	// ListingPrefix resolves relative listing entries (aws s3 ls prints keys
	// without the bucket): for example "s3://bucket/". When empty it is
	// inferred from the snapshots' paths.
	ListingPrefix string
	// DeletableSpool holds the paths of a plan's grouped deletable files
	// (plan.Item.Group); in memory when nil.
	DeletableSpool plan.Spool
	// EntropyKey, Stopped and Margin are the plan's (package plan).
	EntropyKey string
	Stopped    bool
	Margin     time.Duration
	// Now decides which SlateDB checkpoints have expired; zero means the
	// current time.
	Now time.Time
	// Stop, when set, is asked between snapshots and steps: once it answers
	// true the analysis ends, its report marked Cancelled (the page drops
	// an analysis a newer drop supersedes).
	Stop func() bool
}

// cancelled reports whether the caller has asked the analysis to stop.
func (o Options) cancelled() bool { return o.Stop != nil && o.Stop() }

// roleOrder sorts dependencies from "most its own" to "least".
var roleOrder = map[report.Role]int{
	report.RoleExclusive: 0, report.RoleRelative: 1, report.RoleShared: 2, report.RoleFileMerging: 3, report.RoleTaskOwned: 4,
	report.RoleForSt: 5, report.RoleOtherCheckpoint: 6, report.RoleChangelog: 7, report.RoleExternal: 8, report.RoleInline: 9,
}

// Analyze reports on one or more snapshots: each one's location,
// dependencies and sizes; with two or more, how they relate; with a
// listing, what storage holds that none of them references.
func Analyze(inputs []Input, opts Options) *report.Report {
	r := &report.Report{Schema: report.ReportSchema, Snapshots: make([]*report.SnapshotReport, 0, len(inputs))}
	for _, in := range inputs {
		if opts.cancelled() {
			r.Cancelled = true
			return r
		}
		r.Snapshots = append(r.Snapshots, Inspect(in.Snapshot, in.Base))
	}
	var listed *plan.Listed
	if opts.Listing != nil {
		listed = plan.NewListed(opts.Listing, opts.ListingPrefix, referencedPaths(r.Snapshots))
		for i, s := range r.Snapshots {
			// A snapshot read away from its folder is placed where the
			// listing shows its _metadata and files.
			if inputs[i].Base == "" {
				if dir, ok := relocate(s, listed); ok {
					from := s.Location
					s = Inspect(inputs[i].Snapshot, dir)
					s.Location.From = location.FromListing
					s.Location.ReadFrom = from.Dir
					r.Snapshots[i] = s
				}
			}
		}
		addPhysicalSizes(r.Snapshots, listed)
	}
	if opts.cancelled() {
		r.Cancelled = true
		return r
	}
	if len(r.Snapshots) > 0 {
		r.Jobs = report.GroupJobs(r.Snapshots)
	}
	if len(r.Snapshots) >= 2 {
		r.Comparison = compare(r.Snapshots, r.Jobs)
	}
	if listed != nil && len(r.Snapshots) > 0 {
		r.Orphans = planDeletions(r.Snapshots, listed, opts)
	}
	return r
}

// referencedPaths are the absolute paths the snapshots reference, from
// which a listing's relative entries find their prefix.
func referencedPaths(snaps []*report.SnapshotReport) []string {
	var out []string
	for _, s := range snaps {
		for _, ref := range s.FileRefs {
			if ref.Key != "" {
				out = append(out, ref.Path)
			}
		}
	}
	return out
}

// addPhysicalSizes fills the listed sizes of the snapshots' dependencies,
// from one read of the listing (none when NewListed's read found them).
func addPhysicalSizes(snaps []*report.SnapshotReport, lf *plan.Listed) {
	var keys []string
	for _, s := range snaps {
		for _, ref := range s.FileRefs {
			keys = append(keys, ref.Key)
		}
	}
	listed := lf.Find(keys)
	for _, s := range snaps {
		for _, ref := range s.FileRefs {
			if e, ok := listed[ref.Key]; ok && !e.Dir {
				d := &s.Dependencies[ref.Dependency]
				d.ListedFiles++
				d.PhysicalBytes += e.Bytes
			}
		}
	}
}

// Inspect analyses one snapshot; base is the user's location for it ("" when
// not known). A nil snapshot gives an empty report.
func Inspect(snap *model.Snapshot, base string) *report.SnapshotReport {
	if snap == nil {
		snap = &model.Snapshot{}
	}
	s := &report.SnapshotReport{Snapshot: snap}
	keys := fileKeys(snap)
	s.Location = locate(snap, keys, base)
	s.Dependencies, s.FileRefs = dependencies(snap, s.Location, keys)
	s.Sizes = sizes(snap)
	return s
}

func sizes(snap *model.Snapshot) report.Sizes {
	sz := report.Sizes{Inline: snap.InlineBytes, Operators: make([]report.OperatorSize, 0, len(snap.Operators)), Kinds: []report.KindSize{}}
	var ops map[string]int // operator by id, needed only to count files
	if len(snap.Files) > 0 {
		ops = make(map[string]int, len(snap.Operators))
	}
	for i := range snap.Operators {
		op := &snap.Operators[i]
		if ops != nil {
			ops[op.ID] = len(sz.Operators)
		}
		sz.Operators = append(sz.Operators, report.OperatorSize{Operator: op})
		sz.Full += op.StateBytes
		sz.Checkpointed += op.CheckpointedBytes
	}
	kinds := map[model.FileKind]int{}
	// Neighbouring files mostly share kind and operator: the last lookup
	// answers without hashing.
	lastKind, lastK := model.FileKind(""), -1
	lastOp, lastI := "", -1
	for i := range snap.Files {
		f := &snap.Files[i]
		sz.Files++
		if f.Bytes >= 0 {
			sz.FileBytes += f.Bytes
		} else {
			sz.UnknownSizeFiles++
		}
		k := lastK
		if k < 0 || f.Kind != lastKind {
			var ok bool
			if k, ok = kinds[f.Kind]; !ok {
				k = len(sz.Kinds)
				kinds[f.Kind] = k
				sz.Kinds = append(sz.Kinds, report.KindSize{Kind: f.Kind})
			}
			lastKind, lastK = f.Kind, k
		}
		sz.Kinds[k].Files++
		sz.Kinds[k].Bytes += max(f.Bytes, 0)
		for _, id := range f.Operators {
			if lastI >= 0 && id == lastOp {
				sz.Operators[lastI].Files++
				sz.Operators[lastI].FileBytes += max(f.Bytes, 0)
			} else if i, ok := ops[id]; ok {
				lastOp, lastI = id, i
				sz.Operators[i].Files++
				sz.Operators[i].FileBytes += max(f.Bytes, 0)
			}
		}
	}
	if snap.Format != model.FormatFlink && len(snap.Operators) == 0 {
		sz.Full = sz.FileBytes + sz.Inline
		sz.Checkpointed = -1
	}
	sz.Operators = largestFirst(sz.Operators)
	sort.Slice(sz.Kinds, func(i, j int) bool {
		a, b := sz.Kinds[i], sz.Kinds[j]
		if a.Bytes != b.Bytes {
			return a.Bytes > b.Bytes
		}
		return a.Kind < b.Kind
	})
	return sz
}

// largestFirst orders operators by state size, then id, then their place in
// the file. It sorts small keys holding the id's first 8 bytes, not the
// 100-byte records: sort.SliceStable's in-place merges moved records
// O(n log² n) times, and comparing ids through their pointers missed the
// cache; both dominated a file of millions of operators.
func largestFirst(ops []report.OperatorSize) []report.OperatorSize {
	type key struct {
		state  int64
		prefix uint64
		at     int
	}
	keys := make([]key, len(ops))
	for i := range ops {
		var p [8]byte
		copy(p[:], ops[i].ID)
		keys[i] = key{ops[i].StateBytes, binary.BigEndian.Uint64(p[:]), i}
	}
	slices.SortFunc(keys, func(a, b key) int {
		if c := cmp.Compare(b.state, a.state); c != 0 {
			return c
		}
		if c := cmp.Compare(a.prefix, b.prefix); c != 0 {
			return c
		}
		if c := strings.Compare(ops[a.at].ID, ops[b.at].ID); c != 0 {
			return c
		}
		return cmp.Compare(a.at, b.at)
	})
	// Move each record once, cycle by cycle, in place: a copy would hold
	// the records twice.
	for start := range keys {
		if keys[start].at < 0 {
			continue
		}
		held, k := ops[start], start
		for {
			from := keys[k].at
			keys[k].at = -1
			if from == start {
				ops[k] = held
				break
			}
			ops[k], k = ops[from], from
		}
	}
	return ops
}
