package slatedb

import (
	"encoding/binary"
	"fmt"
	"io"
	"time"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/slatedb/fb"
)

// Compactions is one decoded compactions file, compactions/<20-digit
// id>.compactions: the compactor's state, which SlateDB's GC reads to keep
// what running compactions write. The file is a 2-byte big-endian format
// version (1 or 2) followed by a FlatBuffer with root CompactionsV1.
type Compactions struct {
	ID             uint64       `json:"id"` // from the file name; 0 when unknown
	FormatVersion  int          `json:"formatVersion"`
	Size           int64        `json:"size"`
	CompactorEpoch uint64       `json:"compactorEpoch"`
	Compactions    []Compaction `json:"compactions"`
}

// Compaction is one compaction of the compactor's state.
type Compaction struct {
	ID     ULID   `json:"id"`
	Status string `json:"status"`
	// Kind is "tiered" or "drain-segment".
	Kind             string   `json:"kind"`
	Segment          []byte   `json:"segment,omitempty"`
	SourceViews      []ULID   `json:"sourceViews"`
	SourceSortedRuns []uint32 `json:"sourceSortedRuns"`
	Destination      *uint32  `json:"destination,omitempty"`
	Worker           string   `json:"worker,omitempty"`
	LastHeartbeatMs  uint64   `json:"lastHeartbeatMs,omitempty"`
	// Outputs are the SSTs written so far, from the compaction's own list
	// and its subcompactions', once each.
	Outputs []SST `json:"outputs"`
}

var compactionStatuses = map[fb.CompactionStatus]string{
	fb.CompactionStatusSubmitted: "Submitted", fb.CompactionStatusScheduled: "Scheduled",
	fb.CompactionStatusRunning: "Running", fb.CompactionStatusCompacted: "Compacted",
	fb.CompactionStatusCompleted: "Completed", fb.CompactionStatusFailed: "Failed",
}

// Active reports whether the compaction may still write or publish SSTs:
// anything not yet Completed or Failed (an unknown status counts as active).
func (c Compaction) Active() bool { return c.Status != "Completed" && c.Status != "Failed" }

// LowWatermark is the creation time of the oldest compaction, the bound
// below which SlateDB's GC may delete unreferenced compacted SSTs; zero when
// the file holds no compaction (GC then deletes none).
func (cs *Compactions) LowWatermark() time.Time {
	var low time.Time
	for _, c := range cs.Compactions {
		if t := c.ID.Time(); low.IsZero() || t.Before(low) {
			low = t
		}
	}
	return low
}

// ActiveOutputs are the SSTs that compactions not yet Completed or Failed
// have written.
func (cs *Compactions) ActiveOutputs() map[ULID]Compaction {
	out := map[ULID]Compaction{}
	for _, c := range cs.Compactions {
		if !c.Active() {
			continue
		}
		for _, s := range c.Outputs {
			out[s.ID] = c
		}
	}
	return out
}

// CompactionsPath is the object name of compactions file id, relative to
// the database root.
func CompactionsPath(id uint64) string { return fmt.Sprintf("compactions/%020d.compactions", id) }

// ParseCompactionsName is the id of a compactions file's name
// (ParseObjectName).
func ParseCompactionsName(name string) (uint64, bool) {
	kind, id, ok := ParseObjectName(name)
	return id, ok && kind == CompactionsObject
}

// SniffCompactions reports whether prefix (the first bytes of a file) looks
// like a compactions file: a small format version and a root table of two
// fields, the second present (recent_compactions is required).
func SniffCompactions(prefix []byte) bool {
	vtLen, ok := sniffRoot(prefix)
	return ok && vtLen == 4+2*2
}

// DecodeCompactions reads a compactions file of size bytes. On error it
// returns what was decoded so far together with a *model.FormatError or
// *model.UnsupportedError.
func DecodeCompactions(r io.ReaderAt, size int64) (*Compactions, error) {
	cs := &Compactions{Size: size, Compactions: []Compaction{}}
	return cs, decodeInput(r, size, model.FormatSlateDBCompactions, "SlateDB compactions files are far smaller", cs.decode)
}

func (cs *Compactions) decode(data []byte) error {
	if len(data) < 2 {
		return &model.FormatError{Format: model.FormatSlateDBCompactions, Offset: int64(len(data)), Expected: "a 2-byte format version", Found: "the end of the file"}
	}
	version := binary.BigEndian.Uint16(data)
	if version != 1 && version != 2 {
		return &model.UnsupportedError{Format: model.FormatSlateDBCompactions, Offset: 0,
			What: fmt.Sprintf("compactions format version %d", version), Reason: "ckptlens reads versions 1 and 2 (SlateDB 0.18)"}
	}
	cs.FormatVersion = int(version)
	buf := data[2:]
	v := newVerifier(buf, 2, model.FormatSlateDBCompactions, "compactions file")
	rootPos, err := v.root()
	if err != nil {
		return err
	}
	root, err := v.table(rootPos, specCompactionsV1)
	if err != nil {
		return err
	}
	r := fb.GetRootAsCompactionsV1(buf, 0)
	cs.CompactorEpoch = r.CompactorEpoch()
	return eachElem(v, root, slotRecentCompactions, func(j int) error {
		var c fb.Compaction
		r.RecentCompactions(&c, j)
		comp, err := readCompaction(v, &c, int(version))
		if err != nil {
			return err
		}
		cs.Compactions = append(cs.Compactions, comp)
		return nil
	})
}

// readCompaction reads one deep-verified compaction.
func readCompaction(v *verifier, c *fb.Compaction, version int) (Compaction, error) {
	comp := Compaction{ID: readULID(c.Id(nil)), Status: enumName(compactionStatuses, c.Status()),
		SourceViews: []ULID{}, SourceSortedRuns: []uint32{}, Outputs: []SST{}}
	var spec flatbuffers.Table
	switch c.SpecType() {
	case fb.CompactionSpecTieredCompactionSpec:
		c.Spec(&spec)
		var t fb.TieredCompactionSpec
		t.Init(spec.Bytes, spec.Pos)
		readTiered(&comp, &t, version)
	case fb.CompactionSpecDrainSegmentSpec:
		c.Spec(&spec)
		var d fb.DrainSegmentSpec
		d.Init(spec.Bytes, spec.Pos)
		comp.Kind, comp.Segment = "drain-segment", cloneBytes(d.SegmentBytes())
		comp.SourceViews = readULIDs(d.L0ViewIdsLength(), d.L0ViewIds)
		for k := 0; k < d.SortedRunsLength(); k++ {
			comp.SourceSortedRuns = append(comp.SourceSortedRuns, d.SortedRuns(k))
		}
	default:
		return comp, v.fail(int64(c.Table().Pos), "a tiered or drain-segment compaction spec", fmt.Sprintf("spec type %d", c.SpecType()))
	}
	if w := c.Worker(nil); w != nil && w.WorkerId() != nil {
		comp.Worker, comp.LastHeartbeatMs = string(w.WorkerId()), w.LastHeartbeatMs()
	}
	seen := map[ULID]bool{}
	add := func(n int, get func(*fb.CompactedSsTable, int) bool) {
		var e fb.CompactedSsTable
		for k := 0; k < n; k++ {
			get(&e, k)
			s := SST{ID: readULID(e.Id(nil)), FormatVersion: formatVersion(e.FormatVersion()), Info: readInfo(e.Info(nil))}
			if !seen[s.ID] {
				seen[s.ID] = true
				comp.Outputs = append(comp.Outputs, s)
			}
		}
	}
	add(c.OutputSstsLength(), c.OutputSsts)
	switch c.CtxType() {
	case fb.CompactionContextNONE:
	default:
		// SlateDB refuses it too; its outputs would be unknown.
		return comp, v.fail(int64(c.Table().Pos), "no compaction context or a tiered one", fmt.Sprintf("context type %d", c.CtxType()))
	case fb.CompactionContextTieredCompactionContext:
		var ctx flatbuffers.Table
		c.Ctx(&ctx)
		var tc fb.TieredCompactionContext
		tc.Init(ctx.Bytes, ctx.Pos)
		var sub fb.Subcompaction
		for k := 0; k < tc.SubcompactionsLength(); k++ {
			tc.Subcompactions(&sub, k)
			add(sub.OutputSstsLength(), sub.OutputSsts)
		}
	}
	return comp, nil
}

func readTiered(comp *Compaction, t *fb.TieredCompactionSpec, version int) {
	comp.Kind, comp.Segment = "tiered", cloneBytes(t.SegmentBytes())
	// SlateDB reads view ids, or SST ids when an older writer stored those.
	if t.L0ViewIdsLength() > 0 {
		comp.SourceViews = readULIDs(t.L0ViewIdsLength(), t.L0ViewIds)
	} else {
		comp.SourceViews = readULIDs(t.SstsLength(), t.Ssts)
	}
	for k := 0; k < t.SortedRunsLength(); k++ {
		comp.SourceSortedRuns = append(comp.SourceSortedRuns, t.SortedRuns(k))
	}
	dest := t.Destination()
	if version < 2 { // version 1 wrote no destination: the lowest source run
		dest = 0
		for i, r := range comp.SourceSortedRuns {
			if i == 0 || r < dest {
				dest = r
			}
		}
	}
	comp.Destination = &dest
}

func readULIDs(n int, get func(*fb.Ulid, int) bool) []ULID {
	out := make([]ULID, 0, n)
	var u fb.Ulid
	for k := 0; k < n; k++ {
		get(&u, k)
		out = append(out, readULID(&u))
	}
	return out
}

// Snapshot turns the compactor state into the format-neutral model. source
// is the file's path or name; a name <id>.compactions supplies the id. Files
// are the outputs of the compactions still active, the SSTs this state
// keeps alive; err (the decoding error, if any) marks the result partial.
func (cs *Compactions) Snapshot(source string, err error) *model.Snapshot {
	if id, ok := ParseCompactionsName(source); ok && cs.ID == 0 {
		cs.ID = id
	}
	s := &model.Snapshot{Source: source, Format: model.FormatSlateDBCompactions, FormatVersion: cs.FormatVersion,
		Size: cs.Size, BytesRead: cs.Size, SnapshotKind: "compactions", WrittenBy: "SlateDB 0.18",
		Operators: []model.Operator{}, Files: []model.File{}}
	if cs.ID <= 1<<63-1 {
		s.CheckpointID = int64(cs.ID)
	}
	d := &model.SlateDBCompactions{ID: cs.ID, CompactorEpoch: cs.CompactorEpoch, Compactions: []model.SlateDBCompaction{}}
	for _, c := range cs.Compactions {
		mc := model.SlateDBCompaction{ID: c.ID.String(), Created: c.ID.Millis(), Status: c.Status, Active: c.Active(),
			Kind: c.Kind, SourceViews: []string{}, SourceSortedRuns: c.SourceSortedRuns, Destination: c.Destination,
			Worker: c.Worker, LastHeartbeat: int64(min(c.LastHeartbeatMs, 1<<63-1)), Outputs: []string{}}
		if c.Segment != nil {
			mc.Segment = Printable(c.Segment)
		}
		for _, v := range c.SourceViews {
			mc.SourceViews = append(mc.SourceViews, v.String())
		}
		for _, o := range c.Outputs {
			mc.Outputs = append(mc.Outputs, o.ID.String())
			if c.Active() {
				s.Files = append(s.Files, model.File{Path: SSTPath(o.ID), Relative: true, Bytes: o.MinBytes(), Kind: model.KindSST, Operators: []string{}})
			}
		}
		d.Compactions = append(d.Compactions, mc)
	}
	s.Compactions = d
	if err != nil {
		s.Error = model.Info(err)
		if fe, ok := err.(*model.FormatError); ok && fe.Offset >= 0 {
			s.BytesRead = fe.Offset
		}
	}
	return s
}
