package flink

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/parse/model"
)

// fullV6 is a hand-built V6 file that uses most handle kinds; its expected
// sizes are worked out by hand from Flink's getStateSize/getCheckpointedSize
// rules in TestDecodeV6AllHandles.
func fullV6() []byte {
	var b builder
	b.header(6, 42)
	b.i32(1).i32(masterStateMagic) // one master state
	b.i32(4 + 2 + 4 + 4 + 5).i32(3).utf("hook").i32(5).raw([]byte("12345"))
	b.i32(2) // operators

	// Operator A: name, uid, coordinator, one live and one finished subtask.
	b.utf("Source: s").utf("src").id(1).i32(2).i32(128)
	b.inline("0102030405060708090a0b0c0d0e0f10", 100)
	b.i32(2)
	b.i32(0)
	b.i32(1).partitionable("list").relative("a-uuid", 300) // managed operator state
	b.i32(0)                                               // no raw operator state
	b.u8(KeyedKeyGroupsV2).keyGroups(0, 64).inline("kg", 50).utf("handle-12")
	b.u8(KeyedNull)
	b.i32(1) // input channels: one merged handle
	b.u8(ChannelMergedInput).i32(0).i64(70).file("file:/x/chan", 1000).i32(12).i32(2).i64(0)
	b.i32(1) // result subpartitions: one plain handle
	b.u8(ChannelResultSubpartition).i32(0).i32(0).i32(1).i32(1).i64(0).i64(30).file("file:/x/chan", 1000)
	b.i32(-2) // subtask 1, finished

	// Operator B: incremental and changelog keyed state.
	b.utf("").utf("").id(2).i32(1).i32(1).u8(StreamNull)
	b.i32(1)
	b.i32(0)
	b.i32(0).i32(0)
	b.u8(KeyedIncrementalV2).i64(7).utf("backend").i32(0).i32(1).i64(111)
	b.inline("meta", 20)
	b.i32(2).utf("000010.sst").file("s3://b/shared/f1", 1000).utf("000011.sst").segment("s3://b/shared/seg", 0, 400)
	b.i32(2).utf("MANIFEST").relative("m1", 16).utf("CURRENT").segment("s3://b/shared/seg", 400, 100)
	b.utf("handle-11")
	b.u8(KeyedChangelogV2).i32(0).i32(1).i64(55)
	b.i32(1).u8(KeyedKeyGroups).keyGroups(0, 1).file("s3://b/full", 77)
	b.i32(2)
	b.u8(KeyedChangelogBytes).i32(0).i32(1).i64(1).i64(2).i32(2).i32(-1).i32(3).raw([]byte("abc")).i32(0).i32(4).raw([]byte("defg")).utf("h9")
	b.u8(KeyedChangelogFileV2).i32(0).i32(1).i32(1).i64(5).file("s3://b/dstl", 999).i64(60).i64(60).utf("h13").utf("filesystem")
	b.i64(4).i64(9).utf("h14")
	b.i32(0).i32(0)

	b.raw(checkpointPropertiesBlob("Checkpoint", "FORWARD_BACKWARD"))
	return b.Bytes()
}

func TestDecodeV6AllHandles(t *testing.T) {
	data := fullV6()
	m, err := Decode(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	if m.BytesRead != int64(len(data)) || m.Version != 6 || m.CheckpointID != 42 {
		t.Fatalf("read %d of %d, version %d, checkpoint %d", m.BytesRead, len(data), m.Version, m.CheckpointID)
	}
	if want := []MasterState{{Offset: 20, Name: "hook", Version: 3, Bytes: 5}}; !reflect.DeepEqual(m.MasterStates, want) {
		t.Errorf("master states %+v, want %+v", m.MasterStates, want)
	}
	p := m.Properties
	if p == nil || m.SnapshotType != "CheckpointType" || p.Type != "Checkpoint" || p.SharingFilesStrategy != "FORWARD_BACKWARD" ||
		!p.DiscardCancelled || p.DiscardFailed || !p.DiscardSubsumed || p.Forced {
		t.Errorf("properties %+v of %q", p, m.SnapshotType)
	}
	a := m.Operators[0]
	if a.Name != "Source: s" || a.UID != "src" || a.ID.String() != "0102030405060708090a0b0c0d0e0f10" ||
		a.Parallelism != 2 || a.MaxParallelism != 128 || len(a.Subtasks) != 1 || !reflect.DeepEqual(a.Finished, []int32{1}) {
		t.Errorf("operator A: %+v", a)
	}
	if ch := a.Subtasks[0].Channels()[0]; ch.Kind != ChannelMergedInput || ch.Channels != 2 || ch.StateSize != 70 {
		t.Errorf("merged channel %+v", ch)
	}
	if ch := a.Subtasks[0].Channels()[1]; ch.Kind != ChannelResultSubpartition || ch.Offsets != 1 || ch.StateSize != 30 || ch.Info != [2]int32{0, 1} {
		t.Errorf("channel %+v", ch)
	}
	if st := a.Subtasks[0].ManagedOperator.States[0]; st.Name != "list" || st.Mode != Union || st.Offsets != 2 {
		t.Errorf("operator state %+v", st)
	}
	k := m.Operators[1].Subtasks[0].ManagedKeyed
	if x := k.Incremental; k.Tag != KeyedIncrementalV2 || x.CheckpointID != 7 || x.BackendIdentifier != "backend" || x.CheckpointedSize != 111 ||
		len(x.Shared) != 2 || x.Shared[1].LocalPath != "000011.sst" || x.Private[1].Handle.Extra.StartPos != 400 || k.HandleID != "handle-11" {
		t.Errorf("incremental handle %+v %+v", k, x)
	}
	c := m.Operators[1].Subtasks[0].RawKeyed
	if x := c.Changelog; c.Tag != KeyedChangelogV2 || x.MaterializationID != 4 || x.CheckpointID != 9 || c.HandleID != "h14" ||
		x.NonMaterialized[0].Changelog.Changes != 2 || x.NonMaterialized[0].Changelog.MetaChanges != 1 ||
		x.NonMaterialized[0].Changelog.ChangeBytes != 7 || x.NonMaterialized[1].Changelog.StorageIdentifier != "filesystem" {
		t.Errorf("changelog handle %+v %+v", c, x)
	}

	s := m.Snapshot("x/_metadata")
	// A: coordinator 100 + operator 300 + keyed 50 + channels 70 + 30.
	// B: incremental 20+1000+400+16+100 (checkpointed 111) + changelog 77+7+60 (checkpointed 55).
	wantOps := []struct{ state, ckpt, inline, coord int64 }{{550, 550, 150, 100}, {1680, 166, 20, 0}}
	for i, w := range wantOps {
		o := s.Operators[i]
		if o.StateBytes != w.state || o.CheckpointedBytes != w.ckpt || o.InlineBytes != w.inline || o.CoordinatorBytes != w.coord {
			t.Errorf("operator %d: state %d checkpointed %d inline %d coordinator %d, want %+v",
				i, o.StateBytes, o.CheckpointedBytes, o.InlineBytes, o.CoordinatorBytes, w)
		}
	}
	if s.Operators[0].Finished != 1 || s.InlineBytes != 170 || s.SnapshotKind != model.KindCheckpoint {
		t.Errorf("finished %d, inline %d, kind %s", s.Operators[0].Finished, s.InlineBytes, s.SnapshotKind)
	}
	opA, opB := a.ID.String(), m.Operators[1].ID.String()
	wantFiles := []model.File{
		{Path: "a-uuid", Relative: true, Bytes: 300, Kind: model.KindOperator, Operators: []string{opA}},
		{Path: "file:/x/chan", Bytes: 1000, Kind: model.KindChannel, Operators: []string{opA}},
		{Path: "s3://b/shared/f1", Bytes: 1000, Kind: model.KindShared, Operators: []string{opB}},
		{Path: "s3://b/shared/seg", Bytes: 500, Kind: model.KindSegment, Operators: []string{opB}, Segments: 2},
		{Path: "m1", Relative: true, Bytes: 16, Kind: model.KindPrivate, Operators: []string{opB}},
		{Path: "s3://b/full", Bytes: 77, Kind: model.KindKeyed, Operators: []string{opB}},
		{Path: "s3://b/dstl", Bytes: 999, Kind: model.KindChangelog, Operators: []string{opB}},
	}
	if !reflect.DeepEqual(s.Files, wantFiles) {
		t.Errorf("files\n got %+v\nwant %+v", s.Files, wantFiles)
	}
	wantHints := []string{"rocksdb-incremental", "full-keyed", "changelog", "file-merging", "unaligned-channel-state",
		"operator-state", "coordinator-state", "inline-state"}
	if !reflect.DeepEqual(s.BackendHints, wantHints) {
		t.Errorf("hints %v", s.BackendHints)
	}
	if s.WrittenBy != "Flink 2.1 or later" || s.Flink.Properties.Type != "Checkpoint" {
		t.Errorf("written by %q, properties %+v", s.WrittenBy, s.Flink.Properties)
	}
}

// v3Subtask wraps one subtask body in a V3 file with one operator.
func v3File(subtask func(b *builder)) []byte {
	var b builder
	b.header(3, 1).i32(0).i32(1)
	b.id(9).i32(1).i32(1).u8(StreamNull).i32(1).i32(0)
	subtask(&b)
	return b.Bytes()
}

func TestDecodeV3Dialects(t *testing.T) {
	cases := []struct {
		name, dialect, writtenBy string
		body                     func(b *builder)
	}{
		{"1.12+ channel handle", "1.12+", "Flink 1.12–1.15", func(b *builder) {
			b.i32(0).i32(0).u8(KeyedNull).u8(KeyedNull)
			b.i32(1).i32(0).i32(0).i32(1).i32(1).i64(0).i64(30).relative("c", 30)
			b.i32(0)
		}},
		{"1.11 channel handle", "1.11", "Flink 1.11", func(b *builder) {
			b.i32(0).i32(0).u8(KeyedNull).u8(KeyedNull)
			b.i32(1).i32(0).i32(1).i32(1).i64(0).i64(30).relative("c", 30)
			b.i32(0)
		}},
		{"1.14 in-memory changelog", "1.14-changelog", "Flink 1.14", func(b *builder) {
			b.i32(0).i32(0)
			b.u8(KeyedChangelogBytes).i32(0).i32(1).i64(1).i64(2).i32(1).i32(0).i32(3).raw([]byte("abc"))
			b.u8(KeyedNull).i32(0).i32(0)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := v3File(c.body)
			m, err := Decode(bytes.NewReader(data), int64(len(data)))
			if err != nil || m.BytesRead != int64(len(data)) {
				t.Fatalf("err %v, read %d of %d", err, m.BytesRead, len(data))
			}
			if m.Dialect != c.dialect || m.WrittenBy() != c.writtenBy {
				t.Errorf("dialect %q written by %q, want %q %q", m.Dialect, m.WrittenBy(), c.dialect, c.writtenBy)
			}
			if s := m.Snapshot(""); s.Operators[0].StateBytes != 3 && s.Operators[0].StateBytes != 30 {
				t.Errorf("state bytes %d", s.Operators[0].StateBytes)
			}
		})
	}
}

func TestDecodeV1(t *testing.T) {
	var b builder
	b.i32(Magic).i32(1).i64(5).i32(1)
	b.id(3).i32(1).i32(1).i32(1).i32(1)
	b.i32(0).i64(0).i32(0)
	b.i32(1).partitionable("s").inline("x", 10)
	b.i32(0)
	b.u8(KeyedKeyGroups).keyGroups(0, 2).inline("k", 20)
	b.u8(KeyedNull)
	data := b.Bytes()
	m, err := Decode(bytes.NewReader(data), int64(len(data)))
	if err != nil || m.BytesRead != int64(len(data)) {
		t.Fatalf("err %v, read %d of %d", err, m.BytesRead, len(data))
	}
	s := m.Snapshot("")
	if s.Operators[0].StateBytes != 30 || s.InlineBytes != 30 || s.WrittenBy != "Flink 1.2" || s.SnapshotKind != model.KindUnknown {
		t.Errorf("%+v", s)
	}
}

func TestDecodeNullPropertiesAndCanonicalSavepoint(t *testing.T) {
	var b builder
	b.header(4, 1).i32(0).i32(1)
	b.id(1).i32(1).i32(1).u8(StreamNull).i32(1).i32(0).i32(0).i32(0)
	b.u8(KeyedSavepointKeyGroups).keyGroups(0, 1).relative("kg", 10).u8(KeyedNull).i32(0).i32(0)
	b.raw([]byte{0xAC, 0xED, 0, 5, 0x70})
	data := b.Bytes()
	m, err := Decode(bytes.NewReader(data), int64(len(data)))
	if err != nil || !m.PropertiesNull || m.Properties != nil {
		t.Fatalf("err %v, null %v", err, m.PropertiesNull)
	}
	s := m.Snapshot("")
	if s.SnapshotKind != model.KindSavepoint || s.SavepointFormat != "canonical" {
		t.Errorf("kind %s format %s", s.SnapshotKind, s.SavepointFormat)
	}
}

func TestForeignAndLegacyInput(t *testing.T) {
	cases := []struct {
		name  string
		data  []byte
		unsup bool
		want  string
	}{
		{"empty", nil, false, "empty file"},
		{"png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), false, "PNG image"},
		{"zip", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"), false, "zip archive"},
		{"text", []byte("state.backend: rocksdb\n"), false, "text file"},
		{"short", []byte{0x49, 0x60}, false, "only 2 bytes"},
		{"wrong magic", []byte{1, 2, 3, 4, 0, 0, 0, 4}, false, "01 02 03 04"},
		{"flink 1.0", []byte{0xAC, 0xED, 0, 5, 0x73, 0x72}, true, "Flink 1.0"},
		{"flink 1.1", new(builder).header(0, 7).i32(0).Bytes(), true, "Flink 1.1"},
		{"future version", new(builder).i32(Magic).i32(9).Bytes(), true, "version 9"},
		{"bad version", new(builder).i32(Magic).i32(-5).Bytes(), false, "-5"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Decode(bytes.NewReader(c.data), int64(len(c.data)))
			if m == nil {
				t.Fatal("nil metadata")
			}
			var fe *model.FormatError
			var ue *model.UnsupportedError
			if c.unsup && !errors.As(err, &ue) || !c.unsup && !errors.As(err, &fe) {
				t.Fatalf("error %T %v", err, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

// TestTruncatedEverywhere cuts the hand-built file at every byte: each cut
// is a FormatError at an offset inside the input, never a panic, and the
// partial result is kept.
func TestTruncatedEverywhere(t *testing.T) {
	data := fullV6()
	for n := 0; n < len(data); n++ {
		m, err := Decode(bytes.NewReader(data[:n]), int64(n))
		var fe *model.FormatError
		if !errors.As(err, &fe) {
			t.Fatalf("cut at %d: %T %v", n, err, err)
		}
		if fe.Offset < 0 || fe.Offset > int64(n) || m.BytesRead > int64(n) {
			t.Fatalf("cut at %d: offset %d, read %d", n, fe.Offset, m.BytesRead)
		}
		// Cuts inside the operators (not in the trailing Java blob, whose
		// structure ends early) say the file is truncated.
		if n > 8 && n < len(data)-500 && !strings.Contains(fe.Error(), "probably truncated") {
			t.Fatalf("cut at %d: %v", n, fe)
		}
		if n > 150 && n < len(data)-500 && len(m.Operators) == 0 {
			t.Fatalf("cut at %d: partial result lost", n)
		}
	}
}

func TestHostileCounts(t *testing.T) {
	cases := map[string][]byte{
		"operators":    new(builder).header(4, 1).i32(0).i32(0x7fffffff).Bytes(),
		"master state": new(builder).header(4, 1).i32(1).i32(masterStateMagic).i32(0x7ffffff0).Bytes(),
		"inline length": new(builder).header(4, 1).i32(0).i32(1).id(1).i32(1).i32(1).
			u8(StreamByteStream).utf("n").i32(0x7ffffff0).Bytes(),
		"key groups": new(builder).header(4, 1).i32(0).i32(1).id(1).i32(1).i32(1).u8(0).i32(1).i32(0).i32(0).i32(0).
			u8(KeyedKeyGroupsV2).i32(0).i32(0x7ffffff0).Bytes(),
		"negative subtasks": new(builder).header(2, 1).i32(0).i32(1).id(1).i32(1).i32(1).i32(1).i32(-7).Bytes(),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			var err error
			allocs := testing.AllocsPerRun(5, func() { _, err = Decode(bytes.NewReader(data), int64(len(data))) })
			var fe *model.FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("%T %v", err, err)
			}
			if allocs > 40 {
				t.Errorf("%v allocations for a %d-byte hostile input", allocs, len(data))
			}
		})
	}
}

// countingReader counts the bytes a decoder actually reads.
type countingReader struct {
	r *bytes.Reader
	n int64
}

func (c *countingReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := c.r.ReadAt(p, off)
	c.n += int64(n)
	return n, err
}

// TestInlinePayloadSkipped shows inline state is measured, never read:
// a 16 MiB payload costs a few buffer fills, not 16 MiB of reads.
func TestInlinePayloadSkipped(t *testing.T) {
	var b builder
	b.header(3, 1).i32(0).i32(1).id(1).i32(1).i32(1).u8(StreamNull).i32(1).i32(0)
	b.i32(1).partitionable("big").inline("payload", 16<<20)
	b.i32(0).u8(KeyedNull).u8(KeyedNull).i32(0).i32(0)
	data := b.Bytes()
	cr := &countingReader{r: bytes.NewReader(data)}
	m, err := Decode(cr, int64(len(data)))
	if err != nil || m.BytesRead != int64(len(data)) {
		t.Fatalf("err %v, read %d of %d", err, m.BytesRead, len(data))
	}
	if cr.n > 4*maxBuffer {
		t.Errorf("read %d bytes to skip a 16 MiB payload", cr.n)
	}
	if s := m.Snapshot(""); s.InlineBytes != 16<<20 {
		t.Errorf("inline bytes %d", s.InlineBytes)
	}
}

func TestSmallInputSmallBuffer(t *testing.T) {
	if r := newReader(bytes.NewReader(nil), 100); len(r.buf) != 100 {
		t.Errorf("buffer of %d bytes for a 100-byte input", len(r.buf))
	}
	if r := newReader(bytes.NewReader(nil), 1<<30); len(r.buf) != maxBuffer {
		t.Errorf("buffer of %d bytes for a 1 GiB input", len(r.buf))
	}
}

func TestModifiedUTF8(t *testing.T) {
	// "a", U+0000 as C0 80, "é", and U+1F600 as a CESU-8 surrogate pair.
	enc := []byte{'a', 0xC0, 0x80, 0xC3, 0xA9, 0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80}
	var b builder
	b.utf(string(enc))
	r := newReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if got := r.utf("s"); got != "a\x00é😀" || r.err != nil {
		t.Errorf("got %q, err %v", got, r.err)
	}
}
