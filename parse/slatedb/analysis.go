package slatedb

import (
	"sort"
	"time"
)

// Database is the manifests given for one SlateDB database.
type Database struct {
	// Root is the database root as far as it is known: the folder holding
	// manifest/ for files read from disk, or an object-store path. "" when
	// the manifests came without a path.
	Root string
	// Manifests ascend by id; every one has its ID set.
	Manifests []*Manifest
}

// NewDatabase collects manifests of one database (ids must be set, e.g. from
// their file names); duplicates by id keep the first.
func NewDatabase(root string, manifests ...*Manifest) *Database {
	d := &Database{Root: root}
	seen := map[uint64]bool{}
	for _, m := range manifests {
		if m != nil && !seen[m.ID] {
			seen[m.ID] = true
			d.Manifests = append(d.Manifests, m)
		}
	}
	sort.Slice(d.Manifests, func(i, j int) bool { return d.Manifests[i].ID < d.Manifests[j].ID })
	return d
}

// Latest is the manifest with the largest id: SlateDB's current state.
func (d *Database) Latest() *Manifest {
	if len(d.Manifests) == 0 {
		return nil
	}
	return d.Manifests[len(d.Manifests)-1]
}

// Manifest returns the manifest with this id, nil when it was not given.
func (d *Database) Manifest(id uint64) *Manifest {
	i := sort.Search(len(d.Manifests), func(i int) bool { return d.Manifests[i].ID >= id })
	if i < len(d.Manifests) && d.Manifests[i].ID == id {
		return d.Manifests[i]
	}
	return nil
}

// SSTRef is one SST a manifest references, resolved to where it is stored.
type SSTRef struct {
	ID       ULID   `json:"id"`
	Database string `json:"database,omitempty"` // "" = this database; else the parent's path
	Path     string `json:"path"`               // FilePath(Database, ID)
	MinBytes int64  `json:"minBytes"`
}

// SSTRefs resolves every SST m references (L0 first, then sorted runs).
func (m *Manifest) SSTRefs() []SSTRef {
	ext := m.externalIndex()
	var out []SSTRef
	for _, id := range m.ReferencedSSTs() {
		s, _ := m.SST(id)
		db := ext[id]
		out = append(out, SSTRef{ID: id, Database: db, Path: FilePath(db, id), MinBytes: s.MinBytes()})
	}
	return out
}

// Expired reports whether the checkpoint had expired at now (GC drops it).
func (c Checkpoint) Expired(now time.Time) bool {
	return c.ExpireTime != 0 && int64(c.ExpireTime) <= now.Unix()
}

// WALRange is the WAL ids a manifest needs replayed: (After, LastSeen].
type WALRange struct {
	After    uint64 `json:"after"`
	LastSeen uint64 `json:"lastSeen"`
}

// CheckpointPin is what one checkpoint of the latest manifest keeps alive.
type CheckpointPin struct {
	Checkpoint   Checkpoint `json:"checkpoint"`
	Expired      bool       `json:"expired"`
	ManifestPath string     `json:"manifestPath"`
	// ManifestGiven is false when the pinned manifest was not among the
	// inputs: its SSTs are then unknown.
	ManifestGiven bool     `json:"manifestGiven"`
	SSTs          []SSTRef `json:"ssts"`
	WAL           WALRange `json:"wal"`
	// Exclusive are the SSTs of this database that neither the latest
	// manifest nor any other live checkpoint references: what deleting this
	// checkpoint would let GC reclaim.
	Exclusive         []SSTRef `json:"exclusive"`
	MinBytes          int64    `json:"minBytes"`
	ExclusiveMinBytes int64    `json:"exclusiveMinBytes"`
}

// CheckpointPins lists the checkpoints of the latest manifest with the
// manifest and SSTs each pins. now decides expiry (zero: nothing expired).
func (d *Database) CheckpointPins(now time.Time) []CheckpointPin {
	latest := d.Latest()
	if latest == nil {
		return nil
	}
	// Count, per own SST, which live holders reference it.
	holders := map[ULID]int{}
	for _, r := range latest.SSTRefs() {
		holders[r.ID]++
	}
	var pins []CheckpointPin
	for _, c := range latest.Checkpoints {
		p := CheckpointPin{Checkpoint: c, Expired: !now.IsZero() && c.Expired(now), ManifestPath: ManifestPath(c.ManifestID), SSTs: []SSTRef{}, Exclusive: []SSTRef{}}
		if m := d.Manifest(c.ManifestID); m != nil {
			p.ManifestGiven = true
			p.SSTs = m.SSTRefs()
			p.WAL = WALRange{After: m.ReplayAfterWALID, LastSeen: m.WALIDLastSeen}
		}
		pins = append(pins, p)
	}
	// Checkpoints on the same manifest share its SSTs; count each manifest once.
	counted := map[uint64]bool{}
	for _, p := range pins {
		if p.Expired || counted[p.Checkpoint.ManifestID] || p.Checkpoint.ManifestID == latest.ID {
			continue
		}
		counted[p.Checkpoint.ManifestID] = true
		for _, r := range p.SSTs {
			holders[r.ID]++
		}
	}
	for i := range pins {
		p := &pins[i]
		for _, r := range p.SSTs {
			p.MinBytes += r.MinBytes
			if r.Database != "" || p.Expired || p.Checkpoint.ManifestID == latest.ID {
				continue
			}
			if holders[r.ID] == 1 && sharedManifest(pins, p) == 1 {
				p.Exclusive = append(p.Exclusive, r)
				p.ExclusiveMinBytes += r.MinBytes
			}
		}
	}
	return pins
}

// sharedManifest counts the live checkpoints pinning p's manifest.
func sharedManifest(pins []CheckpointPin, p *CheckpointPin) int {
	n := 0
	for _, q := range pins {
		if !q.Expired && q.Checkpoint.ManifestID == p.Checkpoint.ManifestID {
			n++
		}
	}
	return n
}

// ParentDependency is one other database a clone reads SSTs from.
type ParentDependency struct {
	Path             string `json:"path"`
	SourceCheckpoint UUID   `json:"sourceCheckpoint"`
	FinalCheckpoint  *UUID  `json:"finalCheckpoint,omitempty"`
	// Referenced are the parent's SSTs the clone's latest manifest, or a
	// manifest one of its checkpoints pins, still reads.
	Referenced []SSTRef `json:"referenced"`
	// Listed are the ids the manifest lists for the parent; those not
	// referenced are awaiting pruning (or were a pre-0.13 superset).
	Listed       []ULID `json:"listed"`
	Unreferenced []ULID `json:"unreferenced"`
	MinBytes     int64  `json:"minBytes"`
	// Detachable is true when nothing references the parent any more and
	// its id list is empty everywhere: GC's detach step will then delete the
	// final checkpoint in the parent and drop the entry.
	Detachable bool `json:"detachable"`
}

// ParentDependencies lists the parent databases the latest manifest (and
// the manifests its checkpoints pin) read from. The list is flat: every
// ancestor whose files are still needed appears as its own entry.
func (d *Database) ParentDependencies() []ParentDependency {
	latest := d.Latest()
	if latest == nil {
		return nil
	}
	live := []*Manifest{latest}
	for _, c := range latest.Checkpoints {
		if m := d.Manifest(c.ManifestID); m != nil && m != latest {
			live = append(live, m)
		}
	}
	var out []ParentDependency
	for _, e := range latest.ExternalDBs {
		p := ParentDependency{Path: e.Path, SourceCheckpoint: e.SourceCheckpoint, FinalCheckpoint: e.FinalCheckpoint,
			Listed: e.SSTIDs, Referenced: []SSTRef{}, Unreferenced: []ULID{}}
		seen := map[ULID]bool{}
		for _, m := range live {
			for _, r := range m.SSTRefs() {
				if r.Database == e.Path && !seen[r.ID] {
					seen[r.ID] = true
					p.Referenced = append(p.Referenced, r)
					p.MinBytes += r.MinBytes
				}
			}
		}
		for _, id := range e.SSTIDs {
			if !seen[id] {
				p.Unreferenced = append(p.Unreferenced, id)
			}
		}
		// SlateDB detaches once the entry's id list is empty in the latest
		// manifest and in every checkpointed one (matched by final checkpoint).
		p.Detachable = len(p.Referenced) == 0
		for _, m := range live {
			for _, o := range m.ExternalDBs {
				if o.Path == e.Path && sameUUID(o.FinalCheckpoint, e.FinalCheckpoint) && len(o.SSTIDs) > 0 {
					p.Detachable = false
				}
			}
		}
		out = append(out, p)
	}
	return out
}

func sameUUID(a, b *UUID) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// Object is one listed object of a database, its path relative to the
// database root ("compacted/<ULID>.sst", "wal/<id>.sst", "manifest/<id>.manifest").
type Object struct {
	Path     string
	Bytes    int64
	Modified time.Time // zero when the listing did not say
}
