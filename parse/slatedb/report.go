package slatedb

import "time"

// DatabaseReport is what `ckptlens inspect` shows of a SlateDB database
// folder beyond its newest manifest: what each checkpoint keeps alive,
// which parents a clone reads, and how the manifests and checkpoints
// changed over the manifests the folder still holds.
type DatabaseReport struct {
	Root        string             `json:"root"`
	Manifests   int                `json:"manifests"`
	Pins        []CheckpointPin    `json:"pins"`
	Parents     []ParentDependency `json:"parents"`
	Timeline    []TimelineEntry    `json:"timeline"`
	Checkpoints []CheckpointSpan   `json:"checkpoints"`
}

// Report answers everything for d; now decides checkpoint expiry.
func (d *Database) Report(now time.Time) *DatabaseReport {
	r := &DatabaseReport{Root: d.Root, Manifests: len(d.Manifests), Pins: []CheckpointPin{},
		Parents: []ParentDependency{}, Timeline: []TimelineEntry{}, Checkpoints: []CheckpointSpan{}}
	if d.Latest() == nil {
		return r
	}
	if pins := d.CheckpointPins(now); pins != nil {
		r.Pins = pins
	}
	if parents := d.ParentDependencies(); parents != nil {
		r.Parents = parents
	}
	timeline, spans := d.Timeline()
	if timeline != nil {
		r.Timeline = timeline
	}
	if spans != nil {
		r.Checkpoints = spans
	}
	return r
}
