package slatedb

import (
	"fmt"
	"sort"
)

// TimelineEntry is one manifest version and what changed since the previous
// one given.
type TimelineEntry struct {
	ManifestID     uint64   `json:"manifestId"`
	FormatVersion  int      `json:"formatVersion"`
	WriterEpoch    uint64   `json:"writerEpoch"`
	CompactorEpoch uint64   `json:"compactorEpoch"`
	L0             int      `json:"l0"`         // L0 views, all trees
	SortedRuns     int      `json:"sortedRuns"` // all trees
	SSTs           int      `json:"ssts"`       // physical SSTs referenced
	MinBytes       int64    `json:"minBytes"`   // sum of SST lower bounds
	Checkpoints    int      `json:"checkpoints"`
	WAL            WALRange `json:"wal"`
	// Gap is set when manifests between the previous one given and this one
	// are missing (deleted by GC or not given): the changes span them all.
	Gap    bool     `json:"gap,omitempty"`
	Events []string `json:"events"`
}

// CheckpointSpan is one checkpoint across the manifests given.
type CheckpointSpan struct {
	ID         UUID    `json:"id"`
	Name       *string `json:"name,omitempty"`
	ManifestID uint64  `json:"manifestId"` // the manifest it pins
	CreateTime uint32  `json:"createTime"`
	ExpireTime uint32  `json:"expireTime"` // as last seen; 0 = never
	FirstSeen  uint64  `json:"firstSeen"`  // first manifest listing it
	LastSeen   uint64  `json:"lastSeen"`   // last manifest listing it
	Live       bool    `json:"live"`       // still in the newest manifest given
	Refreshed  bool    `json:"refreshed"`  // its expiry changed while listed
}

// Timeline describes the manifests of one database in id order: counts per
// version, the events between consecutive versions, and every checkpoint's
// lifetime.
func (d *Database) Timeline() ([]TimelineEntry, []CheckpointSpan) {
	var entries []TimelineEntry
	spans := map[UUID]*CheckpointSpan{}
	var order []UUID
	var prev *Manifest
	for _, m := range d.Manifests {
		e := TimelineEntry{ManifestID: m.ID, FormatVersion: m.FormatVersion, WriterEpoch: m.WriterEpoch,
			CompactorEpoch: m.CompactorEpoch, Checkpoints: len(m.Checkpoints),
			WAL: WALRange{After: m.ReplayAfterWALID, LastSeen: m.WALIDLastSeen}, Events: []string{}}
		for _, t := range m.Trees {
			e.L0 += len(t.L0)
			e.SortedRuns += len(t.SortedRuns)
		}
		for _, r := range m.SSTRefs() {
			e.SSTs++
			e.MinBytes += r.MinBytes
		}
		if prev == nil {
			e.Events = append(e.Events, "first manifest given")
		} else {
			e.Gap = m.ID != prev.ID+1
			e.Events = append(e.Events, diffManifests(prev, m)...)
		}
		for _, c := range m.Checkpoints {
			s, ok := spans[c.ID]
			if !ok {
				s = &CheckpointSpan{ID: c.ID, Name: c.Name, ManifestID: c.ManifestID, CreateTime: c.CreateTime, ExpireTime: c.ExpireTime, FirstSeen: m.ID}
				spans[c.ID] = s
				order = append(order, c.ID)
			}
			if s.ExpireTime != c.ExpireTime {
				s.Refreshed = true
				s.ExpireTime = c.ExpireTime
			}
			s.LastSeen = m.ID
		}
		entries = append(entries, e)
		prev = m
	}
	var out []CheckpointSpan
	for _, id := range order {
		s := spans[id]
		s.Live = prev != nil && s.LastSeen == prev.ID
		out = append(out, *s)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].FirstSeen < out[j].FirstSeen })
	return entries, out
}

func viewSet(m *Manifest, l0 bool) map[ULID]bool {
	s := map[ULID]bool{}
	for _, t := range m.Trees {
		if l0 {
			for _, v := range t.L0 {
				s[v.SST] = true
			}
			continue
		}
		for _, r := range t.SortedRuns {
			for _, v := range r.Views {
				s[v.SST] = true
			}
		}
	}
	return s
}

func runIDs(m *Manifest) map[string]int {
	s := map[string]int{}
	for _, t := range m.Trees {
		for _, r := range t.SortedRuns {
			s[fmt.Sprintf("%q/%d", t.Prefix, r.ID)] = len(r.Views)
		}
	}
	return s
}

// diffManifests names what changed from a to b in a user's words.
func diffManifests(a, b *Manifest) []string {
	var ev []string
	if b.WriterEpoch != a.WriterEpoch {
		ev = append(ev, fmt.Sprintf("writer epoch %d → %d (a writer opened or took over)", a.WriterEpoch, b.WriterEpoch))
	}
	if b.CompactorEpoch != a.CompactorEpoch {
		ev = append(ev, fmt.Sprintf("compactor epoch %d → %d (a compactor started)", a.CompactorEpoch, b.CompactorEpoch))
	}
	if !a.Initialized && b.Initialized {
		ev = append(ev, "clone set-up finished (initialized)")
	}
	ev = append(ev, treeEvents(a, b)...)
	if b.ReplayAfterWALID != a.ReplayAfterWALID {
		ev = append(ev, fmt.Sprintf("WAL replay starts after %d (was %d)", b.ReplayAfterWALID, a.ReplayAfterWALID))
	}
	ev = append(ev, checkpointEvents(a, b)...)
	ev = append(ev, parentEvents(a, b)...)
	if len(ev) == 0 {
		ev = append(ev, "no change in SSTs, checkpoints or epochs")
	}
	return ev
}

// missing counts the ids of from that are not in in.
func missing(from, in map[ULID]bool) int {
	n := 0
	for id := range from {
		if !in[id] {
			n++
		}
	}
	return n
}

// treeEvents tells flushes and compactions between two manifests.
func treeEvents(a, b *Manifest) []string {
	var ev []string
	aL0, bL0 := viewSet(a, true), viewSet(b, true)
	aSR, bSR := viewSet(a, false), viewSet(b, false)
	flushed, absorbed, newSR := missing(bL0, aL0), missing(aL0, bL0), missing(bSR, aSR)
	if flushed > 0 {
		ev = append(ev, fmt.Sprintf("%d L0 SST(s) flushed", flushed))
	}
	if newSR > 0 || absorbed > 0 {
		ev = append(ev, fmt.Sprintf("compaction: %d L0 SST(s) absorbed, %d new sorted-run SST(s), %d → %d sorted runs",
			absorbed, newSR, len(runIDs(a)), len(runIDs(b))))
	} else if dropped := missing(aSR, bSR); dropped > 0 {
		ev = append(ev, fmt.Sprintf("%d sorted-run SST(s) dropped", dropped))
	}
	return ev
}

// checkpointEvents tells checkpoints created, refreshed and removed.
func checkpointEvents(a, b *Manifest) []string {
	var ev []string
	aCP := map[UUID]Checkpoint{}
	for _, c := range a.Checkpoints {
		aCP[c.ID] = c
	}
	bCP := map[UUID]bool{}
	for _, c := range b.Checkpoints {
		bCP[c.ID] = true
		old, ok := aCP[c.ID]
		switch {
		case !ok:
			ev = append(ev, fmt.Sprintf("checkpoint %s created, pinning manifest %d", checkpointLabel(c), c.ManifestID))
		case old.ExpireTime != c.ExpireTime:
			ev = append(ev, fmt.Sprintf("checkpoint %s refreshed", checkpointLabel(c)))
		}
	}
	for _, c := range a.Checkpoints {
		if !bCP[c.ID] {
			ev = append(ev, fmt.Sprintf("checkpoint %s removed (deleted, or expired and dropped by GC)", checkpointLabel(c)))
		}
	}
	return ev
}

// parentEvents tells how a clone's reads of its parents changed.
func parentEvents(a, b *Manifest) []string {
	var ev []string
	aExt := map[string]int{}
	for _, e := range a.ExternalDBs {
		aExt[e.Path] = len(e.SSTIDs)
	}
	for _, e := range b.ExternalDBs {
		n, ok := aExt[e.Path]
		switch {
		case !ok:
			ev = append(ev, fmt.Sprintf("now reads %d SST(s) of parent %s", len(e.SSTIDs), e.Path))
		case n != len(e.SSTIDs):
			ev = append(ev, fmt.Sprintf("reads %d SST(s) of parent %s (was %d)", len(e.SSTIDs), e.Path, n))
		}
		delete(aExt, e.Path)
	}
	var detached []string
	for p := range aExt {
		detached = append(detached, p)
	}
	sort.Strings(detached)
	for _, p := range detached {
		ev = append(ev, "detached from parent "+p)
	}
	return ev
}
