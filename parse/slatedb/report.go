package slatedb

import (
	"time"

	"github.com/ckptlens/ckptlens/parse/model"
)

// DatabaseReport gathers every SlateDB-specific answer about one database,
// for the page and `ckptlens inspect`: the latest manifest as a neutral
// Snapshot, what each checkpoint pins, which parents a clone reads, the
// manifest timeline and, when a listing was given, the GC plan.
type DatabaseReport struct {
	Root        string             `json:"root"`
	Manifests   int                `json:"manifests"`
	Latest      *model.Snapshot    `json:"latest"`
	Pins        []CheckpointPin    `json:"pins"`
	Parents     []ParentDependency `json:"parents"`
	Timeline    []TimelineEntry    `json:"timeline"`
	Checkpoints []CheckpointSpan   `json:"checkpoints"`
	// GC is nil without a listing; GCError says why a plan could not be made.
	GC      *GCPlan `json:"gc,omitempty"`
	GCError string  `json:"gcError,omitempty"`
}

// Report answers everything for d. objects (the database's listing, paths
// relative to its root) may be nil; now decides checkpoint expiry.
func (d *Database) Report(objects []Object, opt GCOptions) *DatabaseReport {
	r := &DatabaseReport{Root: d.Root, Manifests: len(d.Manifests)}
	latest := d.Latest()
	if latest == nil {
		return r
	}
	source := ManifestPath(latest.ID)
	if d.Root != "" {
		source = d.Root + "/" + source
	}
	r.Latest = latest.Snapshot(source)
	if objects != nil {
		sizes := map[string]int64{}
		for _, o := range objects {
			sizes[o.Path] = o.Bytes
		}
		FillSizes(r.Latest, sizes)
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	r.Pins = d.CheckpointPins(now)
	r.Parents = d.ParentDependencies()
	r.Timeline, r.Checkpoints = d.Timeline()
	if objects != nil {
		opt.Now = now
		plan, err := d.PlanGC(objects, opt)
		if err != nil {
			r.GCError = err.Error()
		} else {
			r.GC = plan
		}
	}
	return r
}
