package slatedb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	flatbuffers "github.com/google/flatbuffers/go"

	"github.com/ckptlens/ckptlens/parse/model"
	"github.com/ckptlens/ckptlens/parse/slatedb/fb"
)

// --- hand-built manifests (V1, which slatedb 0.18 no longer writes) ---

func addULID(b *flatbuffers.Builder, u ULID) flatbuffers.UOffsetT {
	fb.UlidStart(b)
	fb.UlidAddHigh(b, binary.BigEndian.Uint64(u[:8]))
	fb.UlidAddLow(b, binary.BigEndian.Uint64(u[8:]))
	return fb.UlidEnd(b)
}

func addUUID(b *flatbuffers.Builder, u UUID) flatbuffers.UOffsetT {
	fb.UuidStart(b)
	fb.UuidAddHigh(b, binary.BigEndian.Uint64(u[:8]))
	fb.UuidAddLow(b, binary.BigEndian.Uint64(u[8:]))
	return fb.UuidEnd(b)
}

func addInfo(b *flatbuffers.Builder, first, last string, indexOff uint64) flatbuffers.UOffsetT {
	f := b.CreateByteVector([]byte(first))
	l := b.CreateByteVector([]byte(last))
	fb.SsTableInfoStart(b)
	fb.SsTableInfoAddFirstEntry(b, f)
	fb.SsTableInfoAddLastEntry(b, l)
	fb.SsTableInfoAddFilterOffset(b, indexOff-100)
	fb.SsTableInfoAddFilterLen(b, 100)
	fb.SsTableInfoAddIndexOffset(b, indexOff)
	fb.SsTableInfoAddIndexLen(b, 50)
	fb.SsTableInfoAddCompressionFormat(b, fb.CompressionFormatZstd)
	return fb.SsTableInfoEnd(b)
}

func addRange(b *flatbuffers.Builder, start, end string) flatbuffers.UOffsetT {
	sk := b.CreateByteVector([]byte(start))
	fb.BytesBoundStart(b)
	fb.BytesBoundAddKey(b, sk)
	fb.BytesBoundAddBoundType(b, fb.BoundTypeIncluded)
	s := fb.BytesBoundEnd(b)
	fb.BytesBoundStart(b)
	fb.BytesBoundAddBoundType(b, fb.BoundTypeUnbounded)
	e := fb.BytesBoundEnd(b)
	_ = end
	fb.BytesRangeStart(b)
	fb.BytesRangeAddStartBound(b, s)
	fb.BytesRangeAddEndBound(b, e)
	return fb.BytesRangeEnd(b)
}

func addV1SST(b *flatbuffers.Builder, id ULID, first, last string, withRange bool) flatbuffers.UOffsetT {
	info := addInfo(b, first, last, 4000)
	var rng flatbuffers.UOffsetT
	if withRange {
		rng = addRange(b, first, "")
	}
	uid := addULID(b, id)
	fb.CompactedSsTableStart(b)
	fb.CompactedSsTableAddId(b, uid)
	fb.CompactedSsTableAddInfo(b, info)
	if withRange {
		fb.CompactedSsTableAddVisibleRange(b, rng)
	}
	fb.CompactedSsTableAddFormatVersion(b, 2)
	return fb.CompactedSsTableEnd(b)
}

func offsetsVector(b *flatbuffers.Builder, offs []flatbuffers.UOffsetT) flatbuffers.UOffsetT {
	b.StartVector(4, len(offs), 4)
	for i := len(offs) - 1; i >= 0; i-- {
		b.PrependUOffsetT(offs[i])
	}
	return b.EndVector(len(offs))
}

func mustULID(t testing.TB, s string) ULID {
	u, err := ParseULID(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

var (
	idA   = "01J79C21YKR31J2BS1EFXJZ7MR"
	idB   = "01J79C21YKR31J2BS1EFXJZ7MS"
	idC   = "01J79C21YKR31J2BS1EFXJZ7MT"
	idExt = "01J79C21YKR31J2BS1EFXJZ7MV"
	cpA   = UUID{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x47, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00}
	cpB   = UUID{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x47, 0x08, 0x89, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10}
)

// buildV1 writes a ManifestV1 the way SlateDB 0.5–0.17 did: version 1, then
// the FlatBuffer with no identifier.
func buildV1(t testing.TB) []byte {
	b := flatbuffers.NewBuilder(1024)
	a, bb, c, ext := mustULID(t, idA), mustULID(t, idB), mustULID(t, idC), mustULID(t, idExt)

	path := b.CreateString("tmp/parent")
	src := addUUID(b, cpA)
	final := addUUID(b, cpB)
	extIDs := offsetsVector(b, []flatbuffers.UOffsetT{addULID(b, ext)})
	fb.ExternalDbStart(b)
	fb.ExternalDbAddPath(b, path)
	fb.ExternalDbAddSourceCheckpointId(b, src)
	fb.ExternalDbAddFinalCheckpointId(b, final)
	fb.ExternalDbAddSstIds(b, extIDs)
	extDBs := offsetsVector(b, []flatbuffers.UOffsetT{fb.ExternalDbEnd(b)})

	l0 := offsetsVector(b, []flatbuffers.UOffsetT{addV1SST(b, a, "k1", "k5", true), addV1SST(b, bb, "k0", "k9", false)})
	runSSTs := offsetsVector(b, []flatbuffers.UOffsetT{addV1SST(b, c, "a", "m", false), addV1SST(b, ext, "n", "z", false)})
	fb.SortedRunStart(b)
	fb.SortedRunAddId(b, 7)
	fb.SortedRunAddSsts(b, runSSTs)
	runs := offsetsVector(b, []flatbuffers.UOffsetT{fb.SortedRunEnd(b)})

	name := b.CreateString("nightly")
	cid := addUUID(b, cpA)
	fb.CheckpointStart(b)
	fb.CheckpointAddId(b, cid)
	fb.CheckpointAddManifestId(b, 9)
	fb.CheckpointAddCheckpointCreateTimeS(b, 1700000000)
	fb.CheckpointAddName(b, name)
	cp1 := fb.CheckpointEnd(b)
	cid2 := addUUID(b, cpB)
	fb.CheckpointStart(b)
	fb.CheckpointAddId(b, cid2)
	fb.CheckpointAddManifestId(b, 11)
	fb.CheckpointAddCheckpointCreateTimeS(b, 1700000100)
	fb.CheckpointAddCheckpointExpireTimeS(b, 1700000400)
	cp2 := fb.CheckpointEnd(b)
	cps := offsetsVector(b, []flatbuffers.UOffsetT{cp1, cp2})

	uri := b.CreateString("")
	tracker := b.CreateByteVector([]byte{1, 0, 0, 0, 0})
	last := addULID(b, c)

	fb.ManifestV1Start(b)
	fb.ManifestV1AddExternalDbs(b, extDBs)
	fb.ManifestV1AddInitialized(b, true)
	fb.ManifestV1AddWriterEpoch(b, 3)
	fb.ManifestV1AddCompactorEpoch(b, 2)
	fb.ManifestV1AddReplayAfterWalId(b, 40)
	fb.ManifestV1AddWalIdLastSeen(b, 42)
	fb.ManifestV1AddL0LastCompacted(b, last)
	fb.ManifestV1AddL0(b, l0)
	fb.ManifestV1AddCompacted(b, runs)
	fb.ManifestV1AddLastL0ClockTick(b, -5)
	fb.ManifestV1AddCheckpoints(b, cps)
	fb.ManifestV1AddLastL0Seq(b, 1234)
	fb.ManifestV1AddWalObjectStoreUri(b, uri)
	fb.ManifestV1AddRecentSnapshotMinSeq(b, 1200)
	fb.ManifestV1AddSequenceTracker(b, tracker)
	b.Finish(fb.ManifestV1End(b))
	return append([]byte{0, 1}, b.FinishedBytes()...)
}

func TestDecodeHandBuiltV1(t *testing.T) {
	data := buildV1(t)
	if !Sniff(data) {
		t.Fatal("Sniff does not recognise a V1 manifest")
	}
	m, err := DecodeBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	if m.FormatVersion != 1 || !m.Initialized || m.WriterEpoch != 3 || m.CompactorEpoch != 2 ||
		m.ReplayAfterWALID != 40 || m.WALIDLastSeen != 42 || m.LastL0ClockTick != -5 || m.LastL0Seq != 1234 ||
		m.RecentSnapshotMinSeq != 1200 || m.SequenceTrackerBytes != 5 {
		t.Errorf("scalars: %+v", m)
	}
	if m.WALObjectStoreURI == nil || *m.WALObjectStoreURI != "" {
		t.Errorf("wal_object_store_uri: want present and empty, got %v", m.WALObjectStoreURI)
	}
	root := m.Trees[0]
	if len(root.L0) != 2 || root.L0[0].SST.String() != idA || root.L0[1].SST.String() != idB {
		t.Errorf("L0: %+v", root.L0)
	}
	if r := root.L0[0].VisibleRange; r == nil || r.Start.Kind != "Included" || string(r.Start.Key) != "k1" || r.End.Kind != "Unbounded" {
		t.Errorf("visible range: %+v", r)
	}
	if root.LastCompactedL0 == nil || root.LastCompactedL0.String() != idC {
		t.Errorf("l0_last_compacted: %v", root.LastCompactedL0)
	}
	if len(root.SortedRuns) != 1 || root.SortedRuns[0].ID != 7 || len(root.SortedRuns[0].Views) != 2 {
		t.Errorf("sorted runs: %+v", root.SortedRuns)
	}
	if len(m.SSTs) != 4 {
		t.Errorf("SSTs: %d, want 4", len(m.SSTs))
	}
	s, _ := m.SST(mustULID(t, idA))
	if s.FormatVersion != 2 || s.Info.Compression != "Zstd" || string(s.Info.FirstEntry) != "k1" || s.Info.IndexOffset != 4000 {
		t.Errorf("SST info: %+v", s)
	}
	if len(m.Checkpoints) != 2 || m.Checkpoints[0].ID != cpA || *m.Checkpoints[0].Name != "nightly" ||
		m.Checkpoints[0].ManifestID != 9 || m.Checkpoints[0].ExpireTime != 0 || m.Checkpoints[1].Name != nil ||
		m.Checkpoints[1].ExpireTime != 1700000400 {
		t.Errorf("checkpoints: %+v", m.Checkpoints)
	}
	if cpA.String() != "11223344-5566-4788-99aa-bbccddeeff00" {
		t.Errorf("UUID text %s", cpA)
	}
	if len(m.ExternalDBs) != 1 || m.ExternalDBs[0].Path != "tmp/parent" || *m.ExternalDBs[0].FinalCheckpoint != cpB {
		t.Errorf("external dbs: %+v", m.ExternalDBs)
	}
	snap := m.Snapshot("db/manifest/00000000000000000012.manifest")
	if snap.SlateDB.ManifestID != 12 || snap.CheckpointID != 12 {
		t.Errorf("manifest id from the name: %d", snap.SlateDB.ManifestID)
	}
	var ext, own, wal, man int
	for _, f := range snap.Files {
		switch {
		case f.Kind == model.KindSST && f.Database == "tmp/parent":
			ext++
			if f.Path != "tmp/parent/compacted/"+idExt+".sst" || f.Relative {
				t.Errorf("external SST file %+v", f)
			}
		case f.Kind == model.KindSST:
			own++
		case f.Kind == model.KindWAL:
			wal++
		case f.Kind == model.KindManifest:
			man++
		}
	}
	if ext != 1 || own != 3 || wal != 2 || man != 3 {
		t.Errorf("files: %d external, %d own SSTs, %d WAL, %d manifests: %+v", ext, own, wal, man, snap.Files)
	}
}

func TestULIDText(t *testing.T) {
	for _, s := range []string{idA, "00000000000000000000000000", "7ZZZZZZZZZZZZZZZZZZZZZZZZZ"} {
		u := mustULID(t, s)
		if u.String() != s {
			t.Errorf("round trip %s -> %s", s, u)
		}
	}
	if _, err := ParseULID("8ZZZZZZZZZZZZZZZZZZZZZZZZZ"); err == nil {
		t.Error("ULID above 128 bits accepted")
	}
	// 01J79C21YK... is September 2024.
	if y := mustULID(t, idA).Time().Year(); y != 2024 {
		t.Errorf("ULID time year %d", y)
	}
}

// --- corrupt input ---

func oracleSamples(t testing.TB) [][]byte {
	var out [][]byte
	out = append(out, buildV1(t))
	for _, p := range []string{"prod/parent/manifest/00000000000000000020.manifest",
		"dev/grandclone/manifest/00000000000000000002.manifest",
		"prod/segmented/manifest/00000000000000000006.manifest",
		"v1/clone/manifest/00000000000000000005.manifest"} {
		b, err := os.ReadFile(filepath.Join(storeDir(t), p))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

var bytePositions = regexp.MustCompile(`byte (\d+)`)

func checkErr(t *testing.T, what string, data []byte, m *Manifest, err error) {
	t.Helper()
	if m == nil {
		t.Fatalf("%s: nil manifest", what)
	}
	checkTypedErr(t, what, data, model.FormatSlateDB, err)
}

// checkTypedErr: err is nil, an UnsupportedError for another format
// version, or a FormatError of format with an offset inside data that
// speaks of the end of a cut file rather than of bytes past it.
func checkTypedErr(t *testing.T, what string, data []byte, format model.Format, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var ue *model.UnsupportedError
	if errors.As(err, &ue) && len(data) >= 2 && ue.Offset == 0 {
		if v := int(data[0])<<8 | int(data[1]); v == 1 || v == 2 {
			t.Fatalf("%s: version %d called unsupported: %v", what, v, err)
		}
		return // another format version: valid input ckptlens does not read
	}
	var fe *model.FormatError
	if !errors.As(err, &fe) || fe.Format != format {
		t.Fatalf("%s: error %T %v, want a %s *model.FormatError", what, err, err, format)
	}
	// A truncated file is described by its end, never by offsets past it.
	for _, m := range bytePositions.FindAllStringSubmatch(err.Error(), -1) {
		if n, _ := strconv.ParseInt(m[1], 10, 64); n > int64(len(data)) {
			t.Fatalf("%s: error names byte %d of a %d-byte input: %v", what, n, len(data), err)
		}
	}
	if fe.Offset < 0 || fe.Offset > int64(len(data)) {
		t.Fatalf("%s: error offset %d outside the %d-byte input: %v", what, fe.Offset, len(data), err)
	}
	if strings.Contains(fe.Found, "decoder fault") {
		t.Fatalf("%s: the verifier missed a bad offset; the recover() net caught: %v", what, err)
	}
}

// TestTruncated cuts every sample at every byte: each cut gives a typed
// error with an offset inside the input, never a panic.
func TestTruncated(t *testing.T) {
	for si, data := range oracleSamples(t) {
		for n := 0; n < len(data); n++ {
			m, err := DecodeBytes(data[:n])
			if err == nil && n < 6 {
				t.Fatalf("sample %d cut at %d: no error", si, n)
			}
			checkErr(t, "truncated", data[:n], m, err)
		}
	}
}

// TestBitFlips flips every bit of every sample.
func TestBitFlips(t *testing.T) {
	for _, data := range oracleSamples(t) {
		buf := bytes.Clone(data)
		for i := range buf {
			for bit := 0; bit < 8; bit++ {
				buf[i] ^= 1 << bit
				m, err := DecodeBytes(buf)
				checkErr(t, "bit flip", buf, m, err)
				buf[i] ^= 1 << bit
			}
		}
	}
}

func TestBadVersion(t *testing.T) {
	data := buildV1(t)
	data[1] = 3
	_, err := DecodeBytes(data)
	var ue *model.UnsupportedError
	if !errors.As(err, &ue) || ue.Offset != 0 || !strings.Contains(ue.What, "version 3") {
		t.Fatalf("version 3: %v", err)
	}
	if !Sniff(data) {
		t.Error("Sniff refuses a manifest of a newer format version: it would be called foreign instead of unsupported")
	}
	if Sniff([]byte{0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 0}) || Sniff([]byte("1\n2\n")) {
		t.Error("Sniff accepts a non-manifest")
	}
}

// TestHostileVectorLength: a vector length far beyond the input is refused
// with the offset of the length, not allocated.
func TestHostileVectorLength(t *testing.T) {
	data := buildV1(t)
	buf := data[2:]
	v := newVerifier(buf, 2, model.FormatSlateDB, "manifest")
	root, _ := v.root()
	tbl, _ := v.table(root, specManifestV1)
	target, _, _ := v.ref(tbl, slotV1Checkpoints)
	binary.LittleEndian.PutUint32(buf[target:], 0x7fffffff)
	got, err := DecodeBytes(data)
	var fe *model.FormatError
	if !errors.As(err, &fe) || fe.Offset != target+2 {
		t.Fatalf("hostile checkpoints length: %v (want offset %d)", err, target+2)
	}
	if len(got.Trees[0].L0) != 2 {
		t.Errorf("partial result lost the L0 decoded before the bad vector: %+v", got.Trees)
	}
}

// TestSchemaMatchesGenerated: the verifier's slot table agrees with the
// vtable offsets flatc generated from schema/manifest.fbs.
func TestSchemaMatchesGenerated(t *testing.T) {
	gen, err := os.ReadFile("fb/ManifestV2.go")
	if err != nil {
		t.Fatal(err)
	}
	for slot, f := range specManifestV2.fields {
		camel := ""
		for _, part := range strings.Split(f.name, "_") {
			camel += strings.ToUpper(part[:1]) + part[1:]
		}
		want := "func ManifestV2Add" + camel + "(builder *flatbuffers.Builder"
		i := bytes.Index(gen, []byte(want))
		if i < 0 {
			t.Errorf("no %s in generated code", want)
			continue
		}
		line := gen[i : i+bytes.IndexByte(gen[i:], '}')]
		if !bytes.Contains(line, []byte("Slot("+strconv.Itoa(slot)+",")) {
			t.Errorf("field %s: generated code does not use slot %d: %s", f.name, slot, line)
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range oracleSamples(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeBytes(data)
		if m == nil {
			t.Fatal("nil manifest")
		}
		if err != nil {
			var fe *model.FormatError
			var ue *model.UnsupportedError
			if !errors.As(err, &fe) && !errors.As(err, &ue) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			if fe != nil && strings.Contains(fe.Found, "decoder fault") {
				t.Fatalf("verifier missed a bad offset: %v", err)
			}
			if fe != nil && (fe.Offset < 0 || fe.Offset > int64(len(data))) {
				t.Fatalf("offset %d outside input of %d bytes", fe.Offset, len(data))
			}
		}
		s := m.SnapshotWithError("x/manifest/00000000000000000001.manifest", err)
		if s == nil || s.SlateDB == nil {
			t.Fatal("no snapshot")
		}
	})
}

// TestSniff: every oracle manifest is recognised from its first 512 bytes.
func TestSniff(t *testing.T) {
	n := 0
	for _, db := range oracleDBs {
		files, _ := filepath.Glob(filepath.Join(storeDir(t), db, "manifest", "*.manifest"))
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !Sniff(b[:min(len(b), 512)]) {
				t.Errorf("%s not recognised", f)
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no manifests")
	}
}

// TestViewOfUnlistedSST: a V2 view naming an SST missing from the ssts
// table is corrupt (SlateDB refuses it too).
func TestViewOfUnlistedSST(t *testing.T) {
	b := flatbuffers.NewBuilder(256)
	a, other := mustULID(t, idA), mustULID(t, idB)
	info := addInfo(b, "a", "b", 500)
	sid := addULID(b, a)
	fb.CompactedSsTableV2Start(b)
	fb.CompactedSsTableV2AddId(b, sid)
	fb.CompactedSsTableV2AddInfo(b, info)
	ssts := offsetsVector(b, []flatbuffers.UOffsetT{fb.CompactedSsTableV2End(b)})
	vid, vsst := addULID(b, other), addULID(b, other)
	fb.CompactedSsTableViewStart(b)
	fb.CompactedSsTableViewAddId(b, vid)
	fb.CompactedSsTableViewAddSstId(b, vsst)
	l0 := offsetsVector(b, []flatbuffers.UOffsetT{fb.CompactedSsTableViewEnd(b)})
	runs := offsetsVector(b, nil)
	cps := offsetsVector(b, nil)
	fb.ManifestV2Start(b)
	fb.ManifestV2AddSsts(b, ssts)
	fb.ManifestV2AddL0(b, l0)
	fb.ManifestV2AddCompacted(b, runs)
	fb.ManifestV2AddCheckpoints(b, cps)
	fb.ManifestV2AddInitialized(b, true)
	b.Finish(fb.ManifestV2End(b))
	data := append([]byte{0, 2}, b.FinishedBytes()...)
	m, err := DecodeBytes(data)
	var fe *model.FormatError
	if !errors.As(err, &fe) || !strings.Contains(fe.Found, idB) {
		t.Fatalf("want a FormatError naming %s, got %v", idB, err)
	}
	if len(m.SSTs) != 1 || m.SSTs[0].ID != a {
		t.Errorf("partial result lost the ssts table: %+v", m.SSTs)
	}
}

// TestSharedSubtables: a small file whose vector points many times at one
// checkpoint with a long name is refused before it multiplies memory.
func TestSharedSubtables(t *testing.T) {
	b := flatbuffers.NewBuilder(1 << 16)
	name := b.CreateString(strings.Repeat("n", 8000))
	cid := addUUID(b, cpA)
	fb.CheckpointStart(b)
	fb.CheckpointAddId(b, cid)
	fb.CheckpointAddName(b, name)
	cp := fb.CheckpointEnd(b)
	many := make([]flatbuffers.UOffsetT, 3000)
	for i := range many {
		many[i] = cp
	}
	cps := offsetsVector(b, many)
	empty := offsetsVector(b, nil)
	empty2 := offsetsVector(b, nil)
	fb.ManifestV1Start(b)
	fb.ManifestV1AddL0(b, empty)
	fb.ManifestV1AddCompacted(b, empty2)
	fb.ManifestV1AddCheckpoints(b, cps)
	b.Finish(fb.ManifestV1End(b))
	data := append([]byte{0, 1}, b.FinishedBytes()...)
	m, err := DecodeBytes(data)
	var fe *model.FormatError
	if !errors.As(err, &fe) || !strings.Contains(fe.Found, "too often") {
		t.Fatalf("want a budget FormatError, got %v", err)
	}
	copied := 0
	for _, c := range m.Checkpoints {
		copied += len(*c.Name)
	}
	if copied > 10*len(data)+64<<10 {
		t.Errorf("copied %d name bytes out of a %d-byte file", copied, len(data))
	}
}
