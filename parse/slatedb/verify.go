package slatedb

import (
	"encoding/binary"
	"fmt"
	"unicode/utf8"

	"github.com/ckptlens/ckptlens/parse/model"
)

// The Go FlatBuffers runtime trusts every offset it follows and panics (or
// reads the wrong bytes) on a hostile one. This verifier checks a table, its
// vtable, its fields and everything they point to against the buffer bounds
// before the generated accessors touch them, the way SlateDB's Rust reader
// relies on the FlatBuffers verifier. It is driven by a small description of
// the schema (below), so it cannot drift from schema/manifest.fbs unnoticed:
// the tests compare it with the generated vtable slots.

type fieldKind uint8

const (
	scalar     fieldKind = iota // fixed-size inline value of size bytes
	tableRef                    // offset to a table
	stringRef                   // offset to a UTF-8, zero-terminated string
	bytesRef                    // offset to a [ubyte]
	tablesRef                   // offset to a vector of table offsets
	unionRef                    // offset to a table whose type is in the previous slot
	scalarsRef                  // offset to a vector of fixed-size scalars of size bytes
)

type fieldSpec struct {
	name     string
	kind     fieldKind
	size     int          // scalars, scalarsRef elements
	table    *tableSpec   // tableRef, tablesRef
	members  []*tableSpec // unionRef: members[tag-1]
	required bool
}

type tableSpec struct {
	name   string
	fields []fieldSpec // index = slot
}

func sc(name string, size int) fieldSpec { return fieldSpec{name: name, kind: scalar, size: size} }
func tb(name string, t *tableSpec, req bool) fieldSpec {
	return fieldSpec{name: name, kind: tableRef, table: t, required: req}
}
func tbs(name string, t *tableSpec, req bool) fieldSpec {
	return fieldSpec{name: name, kind: tablesRef, table: t, required: req}
}
func byts(name string, req bool) fieldSpec {
	return fieldSpec{name: name, kind: bytesRef, required: req}
}
func str(name string, req bool) fieldSpec {
	return fieldSpec{name: name, kind: stringRef, required: req}
}
func scs(name string, size int) fieldSpec { return fieldSpec{name: name, kind: scalarsRef, size: size} }
func union(name string, req bool, members ...*tableSpec) fieldSpec {
	return fieldSpec{name: name, kind: unionRef, members: members, required: req}
}

var (
	specUUID       = &tableSpec{"Uuid", []fieldSpec{sc("high", 8), sc("low", 8)}}
	specULID       = &tableSpec{"Ulid", []fieldSpec{sc("high", 8), sc("low", 8)}}
	specBytesBound = &tableSpec{"BytesBound", []fieldSpec{byts("key", false), sc("bound_type", 1)}}
	specBytesRange = &tableSpec{"BytesRange", []fieldSpec{
		tb("start_bound", specBytesBound, true), tb("end_bound", specBytesBound, true)}}
	specSsTableInfo = &tableSpec{"SsTableInfo", []fieldSpec{
		byts("first_entry", false), sc("index_offset", 8), sc("index_len", 8), sc("filter_offset", 8),
		sc("filter_len", 8), sc("compression_format", 1), sc("sst_type", 1), byts("last_entry", false),
		sc("stats_offset", 8), sc("stats_len", 8), sc("filter_format", 1)}}
	specCompactedSsTable = &tableSpec{"CompactedSsTable", []fieldSpec{
		tb("id", specULID, true), tb("info", specSsTableInfo, true),
		tb("visible_range", specBytesRange, false), sc("format_version", 2)}}
	specCompactedSsTableV2 = &tableSpec{"CompactedSsTableV2", []fieldSpec{
		tb("id", specULID, true), tb("info", specSsTableInfo, true), sc("format_version", 2)}}
	specView = &tableSpec{"CompactedSsTableView", []fieldSpec{
		tb("id", specULID, true), tb("sst_id", specULID, true), tb("visible_range", specBytesRange, false)}}
	specSortedRun = &tableSpec{"SortedRun", []fieldSpec{
		sc("id", 4), tbs("ssts", specCompactedSsTable, true)}}
	specSortedRunV2 = &tableSpec{"SortedRunV2", []fieldSpec{
		sc("id", 4), tbs("ssts", specView, true)}}
	specExternalDB = &tableSpec{"ExternalDb", []fieldSpec{
		str("path", true), tb("source_checkpoint_id", specUUID, true),
		tb("final_checkpoint_id", specUUID, false), tbs("sst_ids", specULID, true)}}
	specWriterCheckpoint = &tableSpec{"WriterCheckpoint", []fieldSpec{sc("epoch", 8)}}
	specCheckpoint       = &tableSpec{"Checkpoint", []fieldSpec{
		tb("id", specUUID, true), sc("manifest_id", 8), sc("checkpoint_expire_time_s", 4),
		sc("checkpoint_create_time_s", 4), sc("metadata_type", 1),
		union("metadata", false, specWriterCheckpoint), str("name", false)}}
	specSegment = &tableSpec{"Segment", []fieldSpec{
		byts("prefix", true), tb("last_compacted_l0_sst_view_id", specULID, false),
		tbs("l0", specView, true), tbs("compacted", specSortedRunV2, true)}}
	specTieredSpec = &tableSpec{"TieredCompactionSpec", []fieldSpec{
		tbs("ssts", specULID, false), scs("sorted_runs", 4), tbs("l0_view_ids", specULID, false),
		byts("segment", false), sc("destination", 4)}}
	specDrainSpec = &tableSpec{"DrainSegmentSpec", []fieldSpec{
		byts("segment", true), tbs("l0_view_ids", specULID, false), scs("sorted_runs", 4)}}
	specWorker        = &tableSpec{"WorkerSpec", []fieldSpec{str("worker_id", false), sc("last_heartbeat_ms", 8)}}
	specSubcompaction = &tableSpec{"Subcompaction", []fieldSpec{
		tb("range", specBytesRange, true), tbs("output_ssts", specCompactedSsTable, false), sc("status", 1)}}
	specTieredContext = &tableSpec{"TieredCompactionContext", []fieldSpec{
		tbs("subcompactions", specSubcompaction, false), sc("retention_min_seq", 8)}}
	specCompaction = &tableSpec{"Compaction", []fieldSpec{
		tb("id", specULID, true), sc("spec_type", 1), union("spec", true, specTieredSpec, specDrainSpec),
		sc("status", 1), tbs("output_ssts", specCompactedSsTable, false), tb("worker", specWorker, false),
		sc("ctx_type", 1), union("ctx", false, specTieredContext)}}
	specCompactionsV1 = &tableSpec{"CompactionsV1", []fieldSpec{
		sc("compactor_epoch", 8), tbs("recent_compactions", specCompaction, true)}}
	specManifestV1 = &tableSpec{"ManifestV1", []fieldSpec{
		sc("manifest_id", 8), tbs("external_dbs", specExternalDB, false), sc("initialized", 1),
		sc("writer_epoch", 8), sc("compactor_epoch", 8), sc("replay_after_wal_id", 8),
		sc("wal_id_last_seen", 8), tb("l0_last_compacted", specULID, false),
		tbs("l0", specCompactedSsTable, true), tbs("compacted", specSortedRun, true),
		sc("last_l0_clock_tick", 8), tbs("checkpoints", specCheckpoint, true), sc("last_l0_seq", 8),
		str("wal_object_store_uri", false), sc("recent_snapshot_min_seq", 8), byts("sequence_tracker", false)}}
	specManifestV2 = &tableSpec{"ManifestV2", []fieldSpec{
		sc("manifest_id", 8), tbs("external_dbs", specExternalDB, false), sc("initialized", 1),
		sc("writer_epoch", 8), sc("compactor_epoch", 8), sc("replay_after_wal_id", 8),
		sc("wal_id_last_seen", 8), tb("last_compacted_l0_sst_view_id", specULID, false),
		tbs("ssts", specCompactedSsTableV2, true), tbs("l0", specView, true),
		tbs("compacted", specSortedRunV2, true), sc("last_l0_clock_tick", 8),
		tbs("checkpoints", specCheckpoint, true), sc("last_l0_seq", 8), sc("recent_snapshot_min_seq", 8),
		byts("sequence_tracker", false), tbs("segments", specSegment, false),
		str("segment_extractor_name", false)}}
)

// Slot numbers of the fields the decoder reads, named after the schema.
const (
	slotV1ExternalDBs  = 1
	slotV1L0LastComp   = 7
	slotV1L0           = 8
	slotV1Compacted    = 9
	slotV1Checkpoints  = 11
	slotV1WALStoreURI  = 13
	slotV1SeqTracker   = 15
	slotV2ExternalDBs  = 1
	slotV2LastCompView = 7
	slotV2SSTs         = 8
	slotV2L0           = 9
	slotV2Compacted    = 10
	slotV2Checkpoints  = 12
	slotV2SeqTracker   = 15
	slotV2Segments     = 16
	slotV2ExtractorNm  = 17
	slotSortedRunSSTs  = 1
	slotSegmentL0      = 2
	slotSegmentComp    = 3
	slotExternalSSTIDs = 3

	slotRecentCompactions = 1
)

// verifier checks offsets in buf, the FlatBuffer that starts at file offset
// base. Budgets bound the work a small file with shared subtables (a DAG)
// could otherwise multiply: every table visited and every byte of vectors
// copied out counts against a limit proportional to the input size.
type verifier struct {
	buf        []byte
	base       int64
	format     model.Format
	file       string // "manifest" or "compactions file", for messages
	tablesLeft int64
	bytesLeft  int64
	depthLimit int
}

func newVerifier(buf []byte, base int64, format model.Format, file string) *verifier {
	n := int64(len(buf))
	return &verifier{
		buf:        buf,
		base:       base,
		format:     format,
		file:       file,
		tablesLeft: n/4 + 16,     // a distinct table takes at least 4 bytes
		bytesLeft:  8*n + 64<<10, // keys copied out of shared vectors
		depthLimit: 16,           // the schema nests 6 deep at most
	}
}

// table is a verified table: its position, its vtable and their sizes.
type table struct {
	spec  *tableSpec
	pos   int64
	vt    int64
	vtLen int64
	obj   int64
}

func (v *verifier) fail(pos int64, expected, found string) *model.FormatError {
	return &model.FormatError{Format: v.format, Offset: v.base + pos, Expected: expected, Found: found}
}

// size is the file's size in bytes.
func (v *verifier) size() int64 { return int64(len(v.buf)) + v.base }

// pastEnd describes a position at or beyond the end of the buffer the way a
// user reads a truncated file: by its end, not by an offset it does not have.
func (v *verifier) pastEnd() string {
	return fmt.Sprintf("the end of the file (%d bytes): the %s is truncated or corrupt", v.size(), v.file)
}

// badTarget describes a position outside the buffer: past its end, or
// before its start.
func (v *verifier) badTarget(p int64) string {
	if p >= int64(len(v.buf)) {
		return v.pastEnd()
	}
	return fmt.Sprintf("a position before the start of the %s", v.file)
}

func (v *verifier) u16(p int64) int64 { return int64(binary.LittleEndian.Uint16(v.buf[p:])) }
func (v *verifier) u32(p int64) int64 { return int64(binary.LittleEndian.Uint32(v.buf[p:])) }

// fits reports whether n bytes at p lie inside the buffer.
func (v *verifier) fits(p, n int64) bool {
	return p >= 0 && n >= 0 && p <= int64(len(v.buf)) && n <= int64(len(v.buf))-p
}

// root returns the position of the root table.
func (v *verifier) root() (int64, error) {
	if !v.fits(0, 4) {
		return 0, v.fail(int64(len(v.buf)), "a 4-byte root table offset", v.pastEnd())
	}
	return v.follow(0, "the root table")
}

// follow reads the offset stored at at and checks that its target (a table
// or vector header) lies inside the buffer; errors name at, where the bad
// offset is.
func (v *verifier) follow(at int64, what string) (int64, error) {
	target := at + v.u32(at)
	if !v.fits(target, 4) {
		return 0, v.fail(at, what+" inside the "+v.file, v.badTarget(target))
	}
	return target, nil
}

// table checks the table header, its vtable and that every field the
// vtable declares for spec lies inside the table; it does not follow
// references.
func (v *verifier) table(pos int64, spec *tableSpec) (table, error) {
	t := table{spec: spec, pos: pos}
	if v.tablesLeft--; v.tablesLeft < 0 {
		return t, v.fail(pos, "no more tables than the "+v.file+"'s size allows", "shared subtables referenced too often")
	}
	if !v.fits(pos, 4) {
		return t, v.fail(min(max(pos, 0), int64(len(v.buf))), "a "+spec.name+" table inside the "+v.file, v.badTarget(pos))
	}
	soff := int64(int32(binary.LittleEndian.Uint32(v.buf[pos:])))
	t.vt = pos - soff
	if !v.fits(t.vt, 4) {
		return t, v.fail(pos, "the vtable of a "+spec.name+" table inside the "+v.file, v.badTarget(t.vt))
	}
	t.vtLen, t.obj = v.u16(t.vt), v.u16(t.vt+2)
	if t.vtLen < 4 || t.vtLen%2 != 0 {
		return t, v.fail(t.vt, "a "+spec.name+" vtable of even length ≥ 4", fmt.Sprintf("length %d", t.vtLen))
	}
	if !v.fits(t.vt, t.vtLen) {
		return t, v.fail(t.vt, fmt.Sprintf("a %d-byte %s vtable", t.vtLen, spec.name), v.pastEnd())
	}
	if t.obj < 4 {
		return t, v.fail(t.vt+2, "a "+spec.name+" table size ≥ 4", fmt.Sprintf("size %d", t.obj))
	}
	if !v.fits(pos, t.obj) {
		return t, v.fail(t.vt+2, fmt.Sprintf("a %d-byte %s table", t.obj, spec.name), v.pastEnd())
	}
	for slot, f := range spec.fields {
		off := t.fieldOffset(v, slot)
		if off == 0 {
			if f.required {
				return t, v.fail(pos, "required field "+spec.name+"."+f.name, "absent")
			}
			continue
		}
		size := int64(4)
		if f.kind == scalar {
			size = int64(f.size)
		}
		if off+size > t.obj {
			return t, v.fail(t.vt+4+2*int64(slot), spec.name+"."+f.name+" inside its table", fmt.Sprintf("field at +%d of a %d-byte table", off, t.obj))
		}
	}
	return t, nil
}

// fieldOffset is the field's offset inside the table, 0 when absent.
func (t table) fieldOffset(v *verifier, slot int) int64 {
	vo := 4 + 2*int64(slot)
	if vo+2 > t.vtLen {
		return 0
	}
	return v.u16(t.vt + vo)
}

// ref follows the offset stored in a reference field; ok is false when the
// field is absent.
func (v *verifier) ref(t table, slot int) (target int64, ok bool, err error) {
	off := t.fieldOffset(v, slot)
	if off == 0 {
		return 0, false, nil
	}
	target, err = v.follow(t.pos+off, t.spec.name+"."+t.spec.fields[slot].name)
	return target, true, err
}

// vector checks a vector header at pos and that n elements of elemSize fit.
func (v *verifier) vector(pos, elemSize int64, what string) (n int64, err error) {
	if !v.fits(pos, 4) {
		return 0, v.fail(pos, "the length of "+what, v.pastEnd())
	}
	n = v.u32(pos)
	if !v.fits(pos+4, n*elemSize) {
		return 0, v.fail(pos, fmt.Sprintf("%s of at most %d elements before the end of the file", what, (int64(len(v.buf))-pos-4)/elemSize), fmt.Sprintf("%d elements", n))
	}
	return n, nil
}

// tables checks the vector of tables in slot and returns its length; the
// elements are verified one by one with elem, so a decoder keeps the ones
// before a bad element.
func (v *verifier) tables(t table, slot int) (int64, error) {
	target, ok, err := v.ref(t, slot)
	if err != nil || !ok {
		return 0, err
	}
	return v.vector(target, 4, t.spec.name+"."+t.spec.fields[slot].name)
}

// elem deep-verifies element j of the vector of tables in slot.
func (v *verifier) elem(t table, slot int, j int64) error {
	pos, err := v.elemPos(t, slot, j)
	if err != nil {
		return err
	}
	return v.deep(pos, t.spec.fields[slot].table, 1)
}

// elemPos is the position of table j of the vector in slot (its length
// already checked by tables).
func (v *verifier) elemPos(t table, slot int, j int64) (int64, error) {
	target, _, err := v.ref(t, slot)
	if err != nil {
		return 0, err
	}
	return v.follow(target+4+4*j, fmt.Sprintf("%s.%s[%d]", t.spec.name, t.spec.fields[slot].name, j))
}

// field deep-verifies one field of a verified table.
func (v *verifier) field(t table, slot int, depth int) error {
	f := t.spec.fields[slot]
	if f.kind == scalar {
		return nil
	}
	target, ok, err := v.ref(t, slot)
	if err != nil || !ok {
		return err
	}
	what := t.spec.name + "." + f.name
	switch f.kind {
	case tableRef:
		return v.deep(target, f.table, depth+1)
	case unionRef:
		// The tag sits in the slot before; an unknown member is left to the
		// decoder, which reports it.
		if tag := t.fieldOffset(v, slot-1); tag != 0 {
			if m := int(v.buf[t.pos+tag]); m >= 1 && m <= len(f.members) {
				return v.deep(target, f.members[m-1], depth+1)
			}
		}
		return nil
	case scalarsRef:
		_, err := v.vector(target, int64(f.size), what)
		return err
	case bytesRef:
		n, err := v.vector(target, 1, what)
		if err != nil {
			return err
		}
		if v.bytesLeft -= n; v.bytesLeft < 0 {
			return v.fail(target, "no more vector bytes than the "+v.file+"'s size allows", "shared vectors referenced too often")
		}
		return nil
	case stringRef:
		n, err := v.vector(target, 1, what)
		if err != nil {
			return err
		}
		if v.bytesLeft -= n; v.bytesLeft < 0 {
			return v.fail(target, "no more string bytes than the "+v.file+"'s size allows", "shared strings referenced too often")
		}
		end := target + 4 + n
		if !v.fits(end, 1) || v.buf[end] != 0 {
			return v.fail(end, "the zero byte that ends "+what, "a non-zero byte or "+v.pastEnd())
		}
		if !utf8.Valid(v.buf[target+4 : end]) {
			return v.fail(target+4, what+" in UTF-8", "invalid UTF-8")
		}
		return nil
	case tablesRef:
		n, err := v.vector(target, 4, what)
		if err != nil {
			return err
		}
		for j := int64(0); j < n; j++ {
			pos, err := v.follow(target+4+4*j, fmt.Sprintf("%s[%d]", what, j))
			if err != nil {
				return err
			}
			if err := v.deep(pos, f.table, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// deep verifies the table at pos and everything it references.
func (v *verifier) deep(pos int64, spec *tableSpec, depth int) error {
	if depth > v.depthLimit {
		return v.fail(pos, "tables nested as the schema allows", "deeper nesting")
	}
	t, err := v.table(pos, spec)
	if err != nil {
		return err
	}
	for slot := range spec.fields {
		if err := v.field(t, slot, depth); err != nil {
			return err
		}
	}
	return nil
}
