package slatedb

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/internal/fixtures"
)

// The oracle fixtures: testdata/slatedb/store/<db>/..., written by
// testdata/slatedb/regenerate.sh with the real slatedb crate.

var oracleDBs = []string{"prod/parent", "prod/clone", "dev/grandclone", "prod/segmented"}

// v1DBs were written by slatedb 0.15.0, the last release writing version-1
// manifests (no GC run there).
var v1DBs = []string{"v1/parent", "v1/clone"}

func storeDir(t testing.TB) string {
	t.Helper()
	root, err := fixtures.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(root, "testdata", "slatedb", "store")
}

// oracleManifest is SlateDB's own serde JSON of a VersionedManifest.
type oracleManifest struct {
	ID                   uint64          `json:"id"`
	Initialized          bool            `json:"initialized"`
	WriterEpoch          uint64          `json:"writer_epoch"`
	CompactorEpoch       uint64          `json:"compactor_epoch"`
	ReplayAfterWALID     uint64          `json:"replay_after_wal_id"`
	NextWALSSTID         uint64          `json:"next_wal_sst_id"`
	LastL0ClockTick      int64           `json:"last_l0_clock_tick"`
	LastL0Seq            uint64          `json:"last_l0_seq"`
	RecentSnapshotMinSeq uint64          `json:"recent_snapshot_min_seq"`
	SegmentExtractorName *string         `json:"segment_extractor_name"`
	WALObjectStoreURI    *string         `json:"wal_object_store_uri"`
	SequenceTracker      []byte          `json:"-"`
	SequenceTrackerRaw   []int           `json:"sequence_tracker"`
	LastCompactedView    *string         `json:"last_compacted_l0_sst_view_id"`
	L0                   []oracleView    `json:"l0"`
	Compacted            []oracleRun     `json:"compacted"`
	Segments             []oracleSegment `json:"segments"`
	Checkpoints          []oracleCP      `json:"checkpoints"`
	ExternalDBs          []oracleExtDB   `json:"external_dbs"`
}

type oracleSegment struct {
	Prefix []int `json:"prefix"`
	Tree   struct {
		LastCompactedView *string      `json:"last_compacted_l0_sst_view_id"`
		L0                []oracleView `json:"l0"`
		Compacted         []oracleRun  `json:"compacted"`
	} `json:"tree"`
}

type oracleRun struct {
	ID    uint32       `json:"id"`
	Views []oracleView `json:"sst_views"`
}

type oracleView struct {
	ID  string `json:"id"`
	SST struct {
		ID            json.RawMessage `json:"id"` // "ULID" or {"Compacted": "ULID"}
		FormatVersion uint16          `json:"format_version"`
		Info          struct {
			FirstEntry   []int   `json:"first_entry"`
			LastEntry    []int   `json:"last_entry"`
			IndexOffset  uint64  `json:"index_offset"`
			IndexLen     uint64  `json:"index_len"`
			FilterOffset uint64  `json:"filter_offset"`
			FilterLen    uint64  `json:"filter_len"`
			StatsOffset  uint64  `json:"stats_offset"`
			StatsLen     uint64  `json:"stats_len"`
			Compression  *string `json:"compression_codec"`
			FilterFormat string  `json:"filter_format"`
			SSTType      string  `json:"sst_type"`
		} `json:"info"`
	} `json:"sst"`
	VisibleRange json.RawMessage `json:"visible_range"`
}

type oracleCP struct {
	ID         string  `json:"id"`
	ManifestID uint64  `json:"manifest_id"`
	ExpireTime *string `json:"expire_time"`
	CreateTime string  `json:"create_time"`
	Name       *string `json:"name"`
}

type oracleExtDB struct {
	Path             string            `json:"path"`
	SourceCheckpoint string            `json:"source_checkpoint_id"`
	FinalCheckpoint  *string           `json:"final_checkpoint_id"`
	SSTIDs           []json.RawMessage `json:"sst_ids"`
}

// The comparable shape both sides are brought into.
type canonManifest struct {
	ID, WriterEpoch, CompactorEpoch, ReplayAfter, NextWAL uint64
	Initialized                                           bool
	LastL0ClockTick                                       int64
	LastL0Seq, RecentMin                                  uint64
	Extractor, WALURI                                     string
	SeqTrackerLen                                         int
	Trees                                                 []canonTree
	Checkpoints                                           []string
	External                                              []string
}

type canonTree struct {
	Prefix, LastCompacted string
	L0                    []string
	Runs                  []string
}

func optString(p *string) string {
	if p == nil {
		return "<none>"
	}
	return "=" + *p
}

func intsToBytes(v []int) []byte {
	if v == nil {
		return nil
	}
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}

func sstIDText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var m map[string]string
	if json.Unmarshal(raw, &m) == nil {
		for _, v := range m {
			return v
		}
	}
	return string(raw)
}

func viewText(id, sst string, fv uint16, first, last []byte, io, il, fo, fl, so, sl uint64, comp, ff, st, rng string) string {
	return fmt.Sprintf("view %s sst %s fv %d keys [%q %q] index %d+%d filter %d+%d stats %d+%d %s %s %s range %s",
		id, sst, fv, first, last, io, il, fo, fl, so, sl, comp, ff, st, rng)
}

func oracleRange(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return "none"
	}
	var r struct{ Start, End json.RawMessage }
	if err := json.Unmarshal(raw, &r); err != nil {
		return "unparsed " + string(raw)
	}
	bound := func(b json.RawMessage) string {
		var s string
		if json.Unmarshal(b, &s) == nil {
			return s
		}
		var m map[string][]int
		if json.Unmarshal(b, &m) == nil {
			for k, v := range m {
				return fmt.Sprintf("%s(%q)", k, intsToBytes(v))
			}
		}
		return string(b)
	}
	return bound(r.Start) + ".." + bound(r.End)
}

func goRange(r *KeyRange) string {
	if r == nil {
		return "none"
	}
	bound := func(b Bound) string {
		if b.Kind == "Unbounded" {
			return b.Kind
		}
		return fmt.Sprintf("%s(%q)", b.Kind, b.Key)
	}
	return bound(r.Start) + ".." + bound(r.End)
}

func canonOracleView(v oracleView) string {
	i := v.SST.Info
	comp := "None"
	if i.Compression != nil {
		comp = *i.Compression
	}
	return viewText(v.ID, sstIDText(v.SST.ID), v.SST.FormatVersion, intsToBytes(i.FirstEntry), intsToBytes(i.LastEntry),
		i.IndexOffset, i.IndexLen, i.FilterOffset, i.FilterLen, i.StatsOffset, i.StatsLen, comp, i.FilterFormat, i.SSTType,
		oracleRange(v.VisibleRange))
}

func canonGoView(m *Manifest, v View) string {
	s, ok := m.SST(v.SST)
	if !ok {
		return "missing sst " + v.SST.String()
	}
	i := s.Info
	return viewText(v.ID.String(), v.SST.String(), s.FormatVersion, i.FirstEntry, i.LastEntry,
		i.IndexOffset, i.IndexLen, i.FilterOffset, i.FilterLen, i.StatsOffset, i.StatsLen, i.Compression, i.FilterFormat, i.SSTType,
		goRange(v.VisibleRange))
}

func rfc3339Seconds(t *testing.T, s string) int64 {
	tm, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("checkpoint time %q: %v", s, err)
	}
	return tm.Unix()
}

func canonOracle(t *testing.T, o oracleManifest) canonManifest {
	c := canonManifest{ID: o.ID, WriterEpoch: o.WriterEpoch, CompactorEpoch: o.CompactorEpoch,
		ReplayAfter: o.ReplayAfterWALID, NextWAL: o.NextWALSSTID, Initialized: o.Initialized,
		LastL0ClockTick: o.LastL0ClockTick, LastL0Seq: o.LastL0Seq, RecentMin: o.RecentSnapshotMinSeq,
		Extractor: optString(o.SegmentExtractorName), WALURI: optString(o.WALObjectStoreURI),
		SeqTrackerLen: len(o.SequenceTrackerRaw)}
	tree := func(prefix []byte, last *string, l0 []oracleView, runs []oracleRun) canonTree {
		ct := canonTree{Prefix: fmt.Sprintf("%q", prefix), LastCompacted: optString(last)}
		for _, v := range l0 {
			ct.L0 = append(ct.L0, canonOracleView(v))
		}
		for _, r := range runs {
			for _, v := range r.Views {
				ct.Runs = append(ct.Runs, fmt.Sprintf("SR %d %s", r.ID, canonOracleView(v)))
			}
			if len(r.Views) == 0 {
				ct.Runs = append(ct.Runs, fmt.Sprintf("SR %d empty", r.ID))
			}
		}
		return ct
	}
	c.Trees = append(c.Trees, tree(nil, o.LastCompactedView, o.L0, o.Compacted))
	for _, s := range o.Segments {
		c.Trees = append(c.Trees, tree(intsToBytes(s.Prefix), s.Tree.LastCompactedView, s.Tree.L0, s.Tree.Compacted))
	}
	for _, cp := range o.Checkpoints {
		exp := int64(0)
		if cp.ExpireTime != nil {
			exp = rfc3339Seconds(t, *cp.ExpireTime)
		}
		c.Checkpoints = append(c.Checkpoints, fmt.Sprintf("%s -> %d create %d expire %d name %s",
			cp.ID, cp.ManifestID, rfc3339Seconds(t, cp.CreateTime), exp, optString(cp.Name)))
	}
	for _, e := range o.ExternalDBs {
		var ids []string
		for _, id := range e.SSTIDs {
			ids = append(ids, sstIDText(id))
		}
		c.External = append(c.External, fmt.Sprintf("%s source %s final %s ssts %v", e.Path, e.SourceCheckpoint, optString(e.FinalCheckpoint), ids))
	}
	return c
}

func canonGo(m *Manifest) canonManifest {
	c := canonManifest{ID: m.ID, WriterEpoch: m.WriterEpoch, CompactorEpoch: m.CompactorEpoch,
		ReplayAfter: m.ReplayAfterWALID, NextWAL: m.WALIDLastSeen + 1, Initialized: m.Initialized,
		LastL0ClockTick: m.LastL0ClockTick, LastL0Seq: m.LastL0Seq, RecentMin: m.RecentSnapshotMinSeq,
		Extractor: optString(m.SegmentExtractor), WALURI: optString(m.WALObjectStoreURI),
		SeqTrackerLen: m.SequenceTrackerBytes}
	for _, t := range m.Trees {
		var last *string
		if t.LastCompactedL0 != nil {
			s := t.LastCompactedL0.String()
			last = &s
		}
		ct := canonTree{Prefix: fmt.Sprintf("%q", t.Prefix), LastCompacted: optString(last)}
		for _, v := range t.L0 {
			ct.L0 = append(ct.L0, canonGoView(m, v))
		}
		for _, r := range t.SortedRuns {
			for _, v := range r.Views {
				ct.Runs = append(ct.Runs, fmt.Sprintf("SR %d %s", r.ID, canonGoView(m, v)))
			}
			if len(r.Views) == 0 {
				ct.Runs = append(ct.Runs, fmt.Sprintf("SR %d empty", r.ID))
			}
		}
		c.Trees = append(c.Trees, ct)
	}
	for _, cp := range m.Checkpoints {
		c.Checkpoints = append(c.Checkpoints, fmt.Sprintf("%s -> %d create %d expire %d name %s",
			cp.ID, cp.ManifestID, cp.CreateTime, cp.ExpireTime, optString(cp.Name)))
	}
	for _, e := range m.ExternalDBs {
		var ids []string
		for _, id := range e.SSTIDs {
			ids = append(ids, id.String())
		}
		var final *string
		if e.FinalCheckpoint != nil {
			s := e.FinalCheckpoint.String()
			final = &s
		}
		c.External = append(c.External, fmt.Sprintf("%s source %s final %s ssts %v", e.Path, e.SourceCheckpoint, optString(final), ids))
	}
	return c
}

func readOracle(t *testing.T, db string) []oracleManifest {
	b, err := os.ReadFile(filepath.Join(storeDir(t), db, "manifests.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []oracleManifest
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func decodeFile(t testing.TB, path string) *Manifest {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	m, err := Decode(f, st.Size())
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if id, ok := ParseManifestName(path); ok {
		m.ID = id
	}
	return m
}

// TestMatchesSlateDB: every manifest the oracle wrote decodes to exactly what
// SlateDB itself read from it.
func TestMatchesSlateDB(t *testing.T) {
	total, v1 := 0, 0
	for _, db := range append(append([]string{}, oracleDBs...), v1DBs...) {
		truth := readOracle(t, db)
		if len(truth) == 0 {
			t.Fatalf("%s: no manifests in the oracle output", db)
		}
		for _, o := range truth {
			path := filepath.Join(storeDir(t), db, ManifestPath(o.ID))
			m := decodeFile(t, path)
			if m.FormatVersion == 1 {
				v1++
			}
			want, got := canonOracle(t, o), canonGo(m)
			if !reflect.DeepEqual(want, got) {
				wj, _ := json.MarshalIndent(want, "", " ")
				gj, _ := json.MarshalIndent(got, "", " ")
				t.Errorf("%s manifest %d differs from SlateDB's reading:\n%s", db, o.ID, lineDiff(string(wj), string(gj)))
			}
			total++
		}
	}
	if v1 == 0 {
		t.Error("no version-1 manifest among the oracle's")
	}
	t.Logf("%d manifests (%d of version 1) match SlateDB's own reading", total, v1)
}

func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var sb strings.Builder
	for i := 0; i < len(w) || i < len(g); i++ {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			fmt.Fprintf(&sb, "- %s\n+ %s\n", a, b)
		}
	}
	return sb.String()
}

// TestManifestFilesAllDumped: the oracle dumped SlateDB's reading of every
// manifest file it committed, so TestMatchesSlateDB covers them all.
func TestManifestFilesAllDumped(t *testing.T) {
	for _, db := range append(append([]string{}, oracleDBs...), v1DBs...) {
		files, _ := filepath.Glob(filepath.Join(storeDir(t), db, "manifest", "*.manifest"))
		var ids []uint64
		for _, o := range readOracle(t, db) {
			ids = append(ids, o.ID)
		}
		sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
		if len(files) != len(ids) {
			t.Errorf("%s: %d manifest files but SlateDB read %d", db, len(files), len(ids))
		}
	}
}
