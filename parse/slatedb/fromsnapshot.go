package slatedb

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/ckptlens/ckptlens/parse/model"
)

// FromSnapshot rebuilds the parts of a Manifest that the analysis here
// (pins, parents, timeline, GC plan) uses from a Snapshot that
// Manifest.Snapshot made, so code that holds only the neutral model (the
// format-neutral analysis, a shared report) reaches the same answers. Keys,
// visible ranges and SST footers are not in the model: SST lower bounds come
// from SlateDBDetails.SSTs, and view ids equal SST ids.
func FromSnapshot(s *model.Snapshot) (*Manifest, error) {
	d := s.SlateDB
	if s.Format != model.FormatSlateDB || d == nil {
		return nil, fmt.Errorf("%s is not a SlateDB manifest", s.Source)
	}
	m := &Manifest{ID: d.ManifestID, FormatVersion: s.FormatVersion, Size: s.Size, Initialized: d.Initialized,
		WriterEpoch: d.WriterEpoch, CompactorEpoch: d.CompactorEpoch, ReplayAfterWALID: d.WALIDLastCompacted,
		WALIDLastSeen: d.WALIDLastSeen, LastL0ClockTick: d.LastL0ClockTick, LastL0Seq: d.LastL0Seq,
		RecentSnapshotMinSeq: d.RecentSnapshotMinSeq, WALObjectStoreURI: d.WALObjectStoreURI,
		Checkpoints: []Checkpoint{}, sstIndex: map[ULID]int{}}
	if d.SegmentExtractor != "" {
		name := d.SegmentExtractor
		m.SegmentExtractor = &name
	}
	var err error
	ulid := func(text string) ULID {
		u, e := ParseULID(text)
		if e != nil && err == nil {
			err = e
		}
		return u
	}
	for _, sst := range d.SSTs {
		id := ulid(sst.ID)
		m.addSST(SST{ID: id, FormatVersion: 1, Info: SSTInfo{Compression: sst.Compression}, minBytes: sst.MinBytes})
	}
	tree := func(segment bool, prefix, last string, l0 []string, runs []model.SlateDBSortedRun) Tree {
		t := Tree{Segment: segment, L0: []View{}, SortedRuns: []SortedRun{}}
		if segment {
			t.Prefix = unprintable(prefix)
		}
		if last != "" {
			u := ulid(last)
			t.LastCompactedL0 = &u
		}
		for _, id := range l0 {
			u := ulid(id)
			t.L0 = append(t.L0, View{ID: u, SST: u})
		}
		for _, r := range runs {
			run := SortedRun{ID: r.ID, Views: []View{}}
			for _, id := range r.SSTs {
				u := ulid(id)
				run.Views = append(run.Views, View{ID: u, SST: u})
			}
			t.SortedRuns = append(t.SortedRuns, run)
		}
		return t
	}
	m.Trees = append(m.Trees, tree(false, "", d.LastCompactedL0, d.L0, d.SortedRuns))
	for _, seg := range d.Segments {
		m.Trees = append(m.Trees, tree(true, seg.Prefix, seg.LastCompactedL0, seg.L0, seg.SortedRuns))
	}
	for _, c := range d.Checkpoints {
		id, e := parseUUID(c.ID)
		if e != nil && err == nil {
			err = e
		}
		cp := Checkpoint{ID: id, ManifestID: c.ManifestID, CreateTime: uint32(c.CreateTime), ExpireTime: uint32(c.ExpireTime)}
		if c.Name != "" {
			name := c.Name
			cp.Name = &name
		}
		m.Checkpoints = append(m.Checkpoints, cp)
	}
	for _, e := range d.ExternalDBs {
		x := ExternalDB{Path: e.Path, SSTIDs: []ULID{}}
		x.SourceCheckpoint, _ = parseUUID(e.SourceCheckpoint)
		if e.FinalCheckpoint != "" {
			f, _ := parseUUID(e.FinalCheckpoint)
			x.FinalCheckpoint = &f
		}
		for _, id := range e.SSTIDs {
			x.SSTIDs = append(x.SSTIDs, ulid(id))
		}
		m.ExternalDBs = append(m.ExternalDBs, x)
	}
	m.sortSSTs()
	return m, err
}

// DatabaseFromSnapshots groups SlateDB snapshots by the database root their
// Source names and rebuilds each database's manifests.
func DatabaseFromSnapshots(snaps []*model.Snapshot) ([]*Database, error) {
	var sources []string
	var ms []*Manifest
	for _, s := range snaps {
		if s == nil || s.Format != model.FormatSlateDB {
			continue
		}
		m, err := FromSnapshot(s)
		if err != nil {
			return nil, err
		}
		sources = append(sources, s.Source)
		ms = append(ms, m)
	}
	return GroupDatabases(sources, ms), nil
}

func parseUUID(s string) (UUID, error) {
	var u UUID
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || len(b) != 16 {
		return u, fmt.Errorf("checkpoint id %q is not a UUID", s)
	}
	copy(u[:], b)
	return u, nil
}

// unprintable reverses Printable.
func unprintable(s string) []byte {
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && s[i+1] == 'x' {
			if b, err := hex.DecodeString(s[i+2 : i+4]); err == nil {
				out = append(out, b[0])
				i += 3
				continue
			}
		}
		out = append(out, s[i])
	}
	return out
}
