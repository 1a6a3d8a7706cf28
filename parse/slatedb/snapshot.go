package slatedb

import (
	"fmt"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/ckptlens/ckptlens/parse/model"
)

// SnapshotKind is model.Snapshot.SnapshotKind for a SlateDB manifest.
const SnapshotKind = "manifest"

// maxWALFiles bounds the WAL files a Snapshot lists from a manifest's id
// range: the range comes from the file and may be absurdly wide.
const maxWALFiles = 1024

// ManifestPath is the object name of manifest id, relative to the database root.
func ManifestPath(id uint64) string { return fmt.Sprintf("manifest/%020d.manifest", id) }

// WALPath is the object name of WAL SST id, relative to the database root.
func WALPath(id uint64) string { return fmt.Sprintf("wal/%020d.sst", id) }

// SSTPath is the object name of a compacted SST relative to its database root.
func SSTPath(id ULID) string { return "compacted/" + id.String() + ".sst" }

// ObjectKind is what a SlateDB object's name says it holds.
type ObjectKind string

const (
	ManifestObject    ObjectKind = "manifest"    // manifest/<id>.manifest
	CompactionsObject ObjectKind = "compactions" // compactions/<id>.compactions, the compactor's state
)

// ParseObjectName reads the kind and id of a manifest or compactions file
// from its object or file name, the one way SlateDB reads both: the
// extension is exactly "manifest" or "compactions" and the text before the
// first '.' is a decimal u64. Any directory part is ignored.
func ParseObjectName(name string) (kind ObjectKind, id uint64, ok bool) {
	base := path.Base(strings.ReplaceAll(name, "\\", "/"))
	dot := strings.IndexByte(base, '.')
	kind = ObjectKind(base[strings.LastIndexByte(base, '.')+1:])
	if dot <= 0 || kind != ManifestObject && kind != CompactionsObject {
		return "", 0, false
	}
	id, err := strconv.ParseUint(base[:dot], 10, 64)
	return kind, id, err == nil
}

// ParseManifestName is the id of a manifest's name (ParseObjectName).
func ParseManifestName(name string) (uint64, bool) {
	kind, id, ok := ParseObjectName(name)
	return id, ok && kind == ManifestObject
}

// DatabaseRoot is the database root of a manifest's or compactions file's
// path (".../<root>/manifest/<id>.manifest" gives ".../<root>"); ok is false
// when the path does not sit in a manifest/ or compactions/ folder.
func DatabaseRoot(source string) (string, bool) {
	p := strings.ReplaceAll(source, "\\", "/")
	dir := path.Dir(p)
	if kind := ObjectKind(path.Base(dir)); kind != ManifestObject && kind != CompactionsObject {
		return "", false
	}
	root := path.Dir(dir)
	if root == "." {
		root = ""
	}
	return root, true
}

// SSTLocation says where an SST referenced by m is stored: database is ""
// for m's own database, else the other database's object-store path.
func (m *Manifest) SSTLocation(id ULID) (database string) {
	for _, e := range m.ExternalDBs {
		for _, s := range e.SSTIDs {
			if s == id {
				return e.Path
			}
		}
	}
	return ""
}

// externalIndex maps every external SST id to its database path.
func (m *Manifest) externalIndex() map[ULID]string {
	idx := map[ULID]string{}
	for _, e := range m.ExternalDBs {
		for _, s := range e.SSTIDs {
			if _, ok := idx[s]; !ok {
				idx[s] = e.Path
			}
		}
	}
	return idx
}

// FilePath is the path of an SST as Snapshot lists it: relative to the
// database root for its own SSTs, "<parent path>/compacted/<ULID>.sst"
// (relative to the object-store root) for a parent's.
func FilePath(database string, id ULID) string {
	if database == "" {
		return SSTPath(id)
	}
	return strings.TrimSuffix(database, "/") + "/" + SSTPath(id)
}

// MinBytes is a lower bound of the SST file's size: the footer offsets give
// where its encoded info starts, and the info holds at least its two keys.
// SlateDB's layout: [data][filter][index][stats][info][crc32][u64][u16].
func (s SST) MinBytes() int64 {
	if s.minBytes != 0 {
		return s.minBytes
	}
	i := s.Info
	meta := i.IndexOffset + i.IndexLen
	if i.StatsLen > 0 {
		meta = i.StatsOffset + i.StatsLen
	}
	if i.FilterOffset+i.FilterLen > meta {
		meta = i.FilterOffset + i.FilterLen
	}
	info := uint64(8 + 4 + len(i.FirstEntry)) // root offset, table header, first key vector
	if i.LastEntry != nil {
		info += uint64(4 + len(i.LastEntry))
	}
	total := meta + info + 4 + 10
	if total < meta || total > math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(total)
}

// AllViews calls fn for every view of every tree, L0 first, with the level
// it is in ("L0" or "SR <id>").
func (m *Manifest) AllViews(fn func(tree *Tree, level string, v View)) {
	for ti := range m.Trees {
		t := &m.Trees[ti]
		for _, v := range t.L0 {
			fn(t, "L0", v)
		}
		for _, r := range t.SortedRuns {
			for _, v := range r.Views {
				fn(t, fmt.Sprintf("SR %d", r.ID), v)
			}
		}
	}
}

// ReferencedSSTs is every SST id the trees reference, once each, in the
// order first seen (L0 newest first, then sorted runs).
func (m *Manifest) ReferencedSSTs() []ULID {
	seen := map[ULID]bool{}
	var ids []ULID
	m.AllViews(func(_ *Tree, _ string, v View) {
		if !seen[v.SST] {
			seen[v.SST] = true
			ids = append(ids, v.SST)
		}
	})
	return ids
}

// String writes the range as an interval of printable keys, "[b-, d-)";
// "" for nil (no projection).
func (r *KeyRange) String() string {
	if r == nil {
		return ""
	}
	start, end := "(-∞", "+∞)"
	switch r.Start.Kind {
	case "Included":
		start = "[" + Printable(r.Start.Key)
	case "Excluded":
		start = "(" + Printable(r.Start.Key)
	}
	switch r.End.Kind {
	case "Included":
		end = Printable(r.End.Key) + "]"
	case "Excluded":
		end = Printable(r.End.Key) + ")"
	}
	return start + ", " + end
}

// Printable renders key bytes for display: printable ASCII as is, other
// bytes as \xNN.
func Printable(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c >= 0x20 && c < 0x7f && c != '\\' {
			sb.WriteByte(c)
		} else {
			fmt.Fprintf(&sb, "\\x%02x", c)
		}
	}
	return sb.String()
}

// Snapshot turns the manifest into the format-neutral model. source is the
// file's path or name; a name of the form <id>.manifest supplies the
// manifest id, which the file itself does not store.
func (m *Manifest) Snapshot(source string) *model.Snapshot {
	if id, ok := ParseManifestName(source); ok && m.ID == 0 {
		m.ID = id
	}
	s := &model.Snapshot{
		Source: source, Format: model.FormatSlateDB, FormatVersion: m.FormatVersion,
		Size: m.Size, BytesRead: m.Size, SnapshotKind: SnapshotKind,
		Operators: []model.Operator{}, Files: []model.File{},
	}
	if m.ID <= math.MaxInt64 {
		s.CheckpointID = int64(m.ID)
	}
	switch m.FormatVersion {
	case 1:
		s.Dialect, s.WrittenBy = "ManifestV1", "SlateDB 0.5–0.15"
	case 2:
		s.Dialect, s.WrittenBy = "ManifestV2", "SlateDB 0.16 and later (0.13–0.15 for segmented databases)"
		if m.SegmentExtractor != nil {
			s.Dialect = "ManifestV2 (segmented)"
		}
	}
	d := m.details()
	s.SlateDB = d
	m.addTrees(d)
	m.addFiles(s, d)
	if m.WALObjectStoreURI != nil {
		s.Warnings = append(s.Warnings, "the database keeps its WAL in a separate object store; WAL files are not under this root")
	}
	if !m.Initialized {
		s.Warnings = append(s.Warnings, "the manifest is not initialized: a clone whose set-up had not finished when it was written")
	}
	if m.SegmentExtractor != nil || len(m.Trees) > 1 {
		s.BackendHints = append(s.BackendHints, "segmented")
	}
	if len(m.ExternalDBs) > 0 {
		s.BackendHints = append(s.BackendHints, "clone")
	}
	return s
}

// details is the manifest's own fields, checkpoints and parents.
func (m *Manifest) details() *model.SlateDBDetails {
	d := &model.SlateDBDetails{
		ManifestID: m.ID, WriterEpoch: m.WriterEpoch, CompactorEpoch: m.CompactorEpoch,
		WALIDLastCompacted: m.ReplayAfterWALID, WALIDLastSeen: m.WALIDLastSeen,
		Checkpoints: []model.SlateDBCheckpoint{}, ExternalDBs: []model.SlateDBExternalDB{},
		L0: []string{}, SortedRuns: []model.SlateDBSortedRun{}, SSTs: []model.SlateDBSST{},
		Initialized: m.Initialized, LastL0Seq: m.LastL0Seq, LastL0ClockTick: m.LastL0ClockTick,
		RecentSnapshotMinSeq: m.RecentSnapshotMinSeq, WALObjectStoreURI: m.WALObjectStoreURI,
	}
	if m.SegmentExtractor != nil {
		d.SegmentExtractor = *m.SegmentExtractor
	}
	for _, c := range m.Checkpoints {
		cp := model.SlateDBCheckpoint{ID: c.ID.String(), ManifestID: c.ManifestID,
			CreateTime: int64(c.CreateTime), ExpireTime: int64(c.ExpireTime)}
		if c.Name != nil {
			cp.Name = *c.Name
		}
		d.Checkpoints = append(d.Checkpoints, cp)
	}
	for _, e := range m.ExternalDBs {
		x := model.SlateDBExternalDB{Path: e.Path, SourceCheckpoint: e.SourceCheckpoint.String(), SSTIDs: []string{}}
		if e.FinalCheckpoint != nil {
			x.FinalCheckpoint = e.FinalCheckpoint.String()
		}
		for _, id := range e.SSTIDs {
			x.SSTIDs = append(x.SSTIDs, id.String())
		}
		d.ExternalDBs = append(d.ExternalDBs, x)
	}
	return d
}

// addTrees adds the LSM trees: the root tree's levels and the segments'.
func (m *Manifest) addTrees(d *model.SlateDBDetails) {
	for ti, t := range m.Trees {
		l0 := []string{}
		for _, v := range t.L0 {
			l0 = append(l0, v.SST.String())
		}
		runs := []model.SlateDBSortedRun{}
		for _, r := range t.SortedRuns {
			run := model.SlateDBSortedRun{ID: r.ID, SSTs: []string{}}
			for _, v := range r.Views {
				run.SSTs = append(run.SSTs, v.SST.String())
			}
			runs = append(runs, run)
		}
		last := ""
		if t.LastCompactedL0 != nil {
			last = t.LastCompactedL0.String()
		}
		if ti == 0 {
			d.L0, d.SortedRuns, d.LastCompactedL0 = l0, runs, last
		} else {
			d.Segments = append(d.Segments, model.SlateDBSegment{Prefix: Printable(t.Prefix), LastCompactedL0: last, L0: l0, SortedRuns: runs})
		}
	}

}

// addFiles lists the files the manifest depends on: itself, the manifests
// its checkpoints pin, the SSTs (with their details) and the WAL to replay.
func (m *Manifest) addFiles(s *model.Snapshot, d *model.SlateDBDetails) {
	// Files: this manifest, the manifests its checkpoints pin, the SSTs, the WAL.
	seen := map[string]bool{}
	add := func(f model.File) {
		if !seen[f.Database+"\x00"+f.Path] {
			seen[f.Database+"\x00"+f.Path] = true
			s.Files = append(s.Files, f)
		}
	}
	if m.ID != 0 {
		add(model.File{Path: ManifestPath(m.ID), Relative: true, Bytes: m.Size, Kind: model.KindManifest, Operators: []string{}})
	}
	for _, c := range m.Checkpoints {
		add(model.File{Path: ManifestPath(c.ManifestID), Relative: true, Bytes: -1, Kind: model.KindManifest, Operators: []string{}})
	}
	ext := m.externalIndex()
	level := map[ULID]string{}
	segment := map[ULID]string{}
	ranges := map[ULID][]string{}
	m.AllViews(func(t *Tree, lv string, v View) {
		if r := v.VisibleRange.String(); r != "" && !slices.Contains(ranges[v.SST], r) {
			ranges[v.SST] = append(ranges[v.SST], r)
		}
		if _, ok := level[v.SST]; !ok {
			level[v.SST] = lv
			if t.Segment {
				segment[v.SST] = Printable(t.Prefix)
			}
		}
	})
	for _, id := range m.ReferencedSSTs() {
		sst, _ := m.SST(id)
		db := ext[id]
		p := FilePath(db, id)
		add(model.File{Path: p, Relative: db == "", Bytes: sst.MinBytes(), Kind: model.KindSST, Operators: []string{}, Database: db})
		d.SSTs = append(d.SSTs, model.SlateDBSST{
			ID: id.String(), Path: p, Database: db, Created: id.Millis(), MinBytes: sst.MinBytes(), Bytes: -1,
			Level: level[id], Segment: segment[id], FirstKey: Printable(sst.Info.FirstEntry),
			LastKey: Printable(sst.Info.LastEntry), Compression: sst.Info.Compression, VisibleRanges: ranges[id],
		})
	}
	if m.WALIDLastSeen > m.ReplayAfterWALID {
		if n := m.WALIDLastSeen - m.ReplayAfterWALID; n > maxWALFiles {
			s.Warnings = append(s.Warnings, fmt.Sprintf("the manifest's WAL range %d..%d is %d files wide; only the first %d are listed",
				m.ReplayAfterWALID+1, m.WALIDLastSeen, n, maxWALFiles))
		}
		for id := m.ReplayAfterWALID + 1; id <= m.WALIDLastSeen && id-m.ReplayAfterWALID <= maxWALFiles; id++ {
			add(model.File{Path: WALPath(id), Relative: true, Bytes: -1, Kind: model.KindWAL, Operators: []string{}})
		}
	}
}

// SnapshotWithError is Snapshot plus the decoding error, recorded in the
// snapshot so a partial result says where decoding stopped.
func (m *Manifest) SnapshotWithError(source string, err error) *model.Snapshot {
	s := m.Snapshot(source)
	if err != nil {
		s.Error = model.Info(err)
		if fe, ok := err.(*model.FormatError); ok && fe.Offset >= 0 {
			s.BytesRead = fe.Offset
		}
	}
	return s
}
