package flink

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse/model"
)

// TestSharedFixtures decodes every real _metadata file in ../shared: no
// error, every byte consumed, the header version index.tsv records, and
// every relative handle naming a file beside it with its real size.
func TestSharedFixtures(t *testing.T) {
	dir := fixtures.RequireShared(t)
	fxs, err := fixtures.FlinkFixtures(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(fxs) != 442 {
		t.Errorf("found %d fixtures, want 442", len(fxs))
	}
	var relative, checked, inline int
	for _, fx := range fxs {
		data, err := os.ReadFile(fx.Metadata)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Decode(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Errorf("%s: %v", fx.ID, err)
			continue
		}
		if m.BytesRead != int64(len(data)) || m.Version != fx.HeaderVersion {
			t.Errorf("%s: read %d of %d bytes, version %d (index says %d)", fx.ID, m.BytesRead, len(data), m.Version, fx.HeaderVersion)
		}
		s := m.Snapshot(fx.Metadata)
		if s.BytesRead != s.Size || s.Error != nil || s.Format != model.FormatFlink {
			t.Errorf("%s: snapshot %+v", fx.ID, s)
		}
		streamed, err := DecodeSnapshot(bytes.NewReader(data), int64(len(data)), Limits{})
		streamed.Source = s.Source // DecodeSnapshot leaves the source to its caller
		if err != nil || !reflect.DeepEqual(streamed, s) {
			t.Errorf("%s: DecodeSnapshot differs (%v):\n%+v\nwant\n%+v", fx.ID, err, streamed, s)
		}
		inline += int(s.InlineBytes)
		for _, f := range s.Files {
			if !f.Relative {
				t.Errorf("%s: absolute file %s (the shared fixtures hold none)", fx.ID, f.Path)
				continue
			}
			relative++
			if fx.Files == nil {
				continue
			}
			size, ok := fx.Files[f.Path]
			switch {
			case !ok:
				t.Errorf("%s: relative handle %s names no file beside _metadata", fx.ID, f.Path)
			case size != f.Bytes:
				t.Errorf("%s: %s is %d bytes, the handle records %d", fx.ID, f.Path, size, f.Bytes)
			default:
				checked++
			}
		}
	}
	t.Logf("%d fixtures, %d relative files (%d checked against files.tsv), %d inline bytes", len(fxs), relative, checked, inline)
	if checked == 0 {
		t.Error("no relative handle was checked against files.tsv")
	}
}

func readFixture(t *testing.T, prefix string) (*Metadata, *model.Snapshot) {
	t.Helper()
	dir := fixtures.RequireShared(t)
	fxs, err := fixtures.FlinkFixtures(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, fx := range fxs {
		if strings.HasPrefix(fx.ID, prefix+"@") {
			data, err := os.ReadFile(fx.Metadata)
			if err != nil {
				t.Fatal(err)
			}
			m, err := Decode(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			return m, m.Snapshot(fx.ID)
		}
	}
	t.Fatalf("no fixture %s", prefix)
	return nil, nil
}

// TestFixtureFacts checks facts the format doc states about particular
// fixtures, byte for byte.
func TestFixtureFacts(t *testing.T) {
	t.Run("worked example, §3.3", func(t *testing.T) {
		m, s := readFixture(t, "new-stateful-udf-migration-itcase-flink1.20-hashmap-checkpoint")
		op := m.Operators[0]
		if m.Version != 4 || m.CheckpointID != 2 || len(m.Operators) != 8 || op.ID.String() != "1f2b5df5a66154aca61fcb26193792be" ||
			op.Parallelism != 1 || op.MaxParallelism != 4 {
			t.Fatalf("header %d %d %d, first operator %+v", m.Version, m.CheckpointID, len(m.Operators), op)
		}
		h := op.Subtasks[0].ManagedOperator
		if h.States[0].Name != "source-state" || h.States[0].Mode != Union || h.States[0].Offsets != 4 ||
			h.Delegate.Tag != StreamRelative || h.Delegate.Path != "a6d664f0-9730-47e4-af28-76f7235de874" || h.Delegate.StateSize != 282 {
			t.Errorf("operator handle %+v", h)
		}
		if p := m.Properties; p == nil || p.Type != "Checkpoint" || p.SharingFilesStrategy != "FORWARD_BACKWARD" {
			t.Errorf("properties %+v", p)
		}
		if s.SnapshotKind != model.KindCheckpoint || s.WrittenBy != "Flink 1.16–1.20" {
			t.Errorf("kind %s, written by %s", s.SnapshotKind, s.WrittenBy)
		}
	})
	t.Run("master state and fully finished operator, §4 §5.3", func(t *testing.T) {
		m, s := readFixture(t, "table-state")
		if len(m.MasterStates) != 1 || m.MasterStates[0].Name != "com.example.state.writer.job.masterstate.MasterTriggerRestoreHook" ||
			m.MasterStates[0].Version != 1 || m.MasterStates[0].Bytes != 8 {
			t.Errorf("master states %+v", m.MasterStates)
		}
		found := false
		for _, op := range s.Operators {
			if op.Name == "Source: broadcast-source" {
				found = op.FullyFinished
			}
		}
		if !found {
			t.Error("no fully finished operator named Source: broadcast-source")
		}
	})
	t.Run("null properties, §8", func(t *testing.T) {
		m, _ := readFixture(t, "table-state-nulls")
		if !m.PropertiesNull || m.Properties != nil {
			t.Errorf("properties %+v, null %v", m.Properties, m.PropertiesNull)
		}
	})
	t.Run("channel state, §7.4.1", func(t *testing.T) {
		m, s := readFixture(t, "new-stateful-udf-migration-itcase-flink1.17-rocksdb-checkpoint")
		n := 0
		for _, op := range m.Operators {
			for i := range op.Subtasks {
				n += len(op.Subtasks[i].Channels())
			}
		}
		if n != 40 || !contains(s.BackendHints, "unaligned-channel-state") {
			t.Errorf("%d channel handles, hints %v", n, s.BackendHints)
		}
	})
	t.Run("changelog handle v2, §7.2", func(t *testing.T) {
		// The doc names the 1.17 hashmap checkpoint; in ../shared the
		// changelog handles are in the 1.19 Scala hashmap checkpoints.
		m, s := readFixture(t, "stateful-scala-udf-migration-itcase-flink1.19-hashmap-checkpoint")
		n, deltas := 0, 0
		for _, op := range m.Operators {
			for i := range op.Subtasks {
				if k := op.Subtasks[i].ManagedKeyed; k != nil && k.Tag == KeyedChangelogV2 {
					n++
					deltas += len(k.Changelog.NonMaterialized)
				}
			}
		}
		if n == 0 || !contains(s.BackendHints, "changelog") {
			t.Errorf("%d tag-14 handles, hints %v", n, s.BackendHints)
		}
		t.Logf("%d tag-14 handles, %d non-materialized deltas", n, deltas)
	})
	t.Run("canonical savepoint without properties", func(t *testing.T) {
		_, s := readFixture(t, "new-stateful-udf-migration-itcase-flink1.14-savepoint")
		if s.SnapshotKind != model.KindSavepoint || s.SavepointFormat != "canonical" || s.Dialect != "1.12+" {
			t.Errorf("kind %s format %s dialect %s", s.SnapshotKind, s.SavepointFormat, s.Dialect)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestDamagedFixtures spot-checks what the corruption matrix covers in
// bulk: truncated and bit-flipped real files give typed errors with
// offsets inside the file.
func TestDamagedFixtures(t *testing.T) {
	dir := fixtures.RequireShared(t)
	fxs, _ := fixtures.FlinkFixtures(dir)
	for i, fx := range fxs {
		if i%20 != 0 {
			continue
		}
		data, err := os.ReadFile(fx.Metadata)
		if err != nil {
			t.Fatal(err)
		}
		for _, cut := range []int{len(data) / 3, len(data) / 2, len(data) - 1} {
			m, err := Decode(bytes.NewReader(data[:cut]), int64(cut))
			fe, ok := err.(*model.FormatError)
			if !ok || fe.Offset < 0 || fe.Offset > int64(cut) || m == nil {
				t.Errorf("%s cut at %d: %T %v", fx.ID, cut, err, err)
			}
		}
		flipped := bytes.Clone(data)
		flipped[len(data)/2] ^= 0x40
		m, err := Decode(bytes.NewReader(flipped), int64(len(flipped)))
		if err != nil {
			if fe, ok := err.(*model.FormatError); !ok || fe.Offset < 0 || fe.Offset > int64(len(flipped)) {
				t.Errorf("%s flipped: %T %v", fx.ID, err, err)
			}
		}
		if m == nil {
			t.Errorf("%s flipped: nil metadata", fx.ID)
		}
	}
}
