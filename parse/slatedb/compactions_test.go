package slatedb

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ckptlens/ckptlens/parse/model"
)

// proofDir is the restore proof's store (testdata/slatedb/regenerate.sh).
func proofDir(t testing.TB) string {
	return filepath.Join(filepath.Dir(storeDir(t)), "proof")
}

// slateCompactions is SlateDB's serde reading of one compactions file
// (Admin::list_compactions), as far as the decoder's test compares it.
type slateCompactions struct {
	ID             uint64 `json:"id"`
	CompactorEpoch uint64 `json:"compactor_epoch"`
	Recent         map[string]struct {
		Status string `json:"status"`
		Spec   map[string]struct {
			Segment     []byte            `json:"segment"`
			Sources     []json.RawMessage `json:"sources"`
			Destination *uint32           `json:"destination"`
		} `json:"spec"`
		Worker *struct {
			ID string `json:"worker_id"`
		} `json:"worker"`
		Outputs []struct {
			ID   string `json:"id"`
			Info struct {
				First []byte `json:"first_entry"`
				Last  []byte `json:"last_entry"`
			} `json:"info"`
		} `json:"output_ssts"`
	} `json:"recent_compactions"`
}

// oracleCompactionFiles is every compactions file of the proof store with
// SlateDB's reading of it.
func oracleCompactionFiles(t *testing.T) map[string]slateCompactions {
	out := map[string]slateCompactions{}
	dbs, _ := filepath.Glob(filepath.Join(proofDir(t), "proof", "*", "compactions.json"))
	for _, j := range dbs {
		var all []slateCompactions
		b, err := os.ReadFile(j)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &all); err != nil {
			t.Fatal(err)
		}
		for _, c := range all {
			out[filepath.Join(filepath.Dir(j), CompactionsPath(c.ID))] = c
		}
	}
	if len(out) == 0 {
		t.Fatal("no compactions files in the proof store (testdata/slatedb/regenerate.sh proof writes them)")
	}
	return out
}

// TestCompactionsMatchSlateDB: every compactions file decodes to what
// SlateDB itself read from it: epoch, compactions, statuses, specs, workers
// and outputs.
func TestCompactionsMatchSlateDB(t *testing.T) {
	statuses := map[string]int{}
	for file, want := range oracleCompactionFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !SniffCompactions(data) || Sniff(data) {
			t.Errorf("%s: SniffCompactions %v, Sniff %v", file, SniffCompactions(data), Sniff(data))
		}
		got, err := DecodeCompactionsBytes(data)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if got.CompactorEpoch != want.CompactorEpoch || len(got.Compactions) != len(want.Recent) {
			t.Fatalf("%s: epoch %d, %d compactions; SlateDB: %d, %d", file, got.CompactorEpoch, len(got.Compactions), want.CompactorEpoch, len(want.Recent))
		}
		for _, c := range got.Compactions {
			w, ok := want.Recent[c.ID.String()]
			if !ok {
				t.Fatalf("%s: compaction %s not in SlateDB's reading", file, c.ID)
			}
			statuses[c.Status]++
			compareCompaction(t, file, c, w.Status, w.Worker != nil, w.Worker)
			spec, ok := w.Spec["Tiered"]
			if c.Kind != "tiered" || !ok || spec.Destination == nil || c.Destination == nil || *c.Destination != *spec.Destination {
				t.Errorf("%s %s: kind %s destination %v; SlateDB %v", file, c.ID, c.Kind, c.Destination, w.Spec)
			}
			if len(spec.Sources) != len(c.SourceViews)+len(c.SourceSortedRuns) {
				t.Errorf("%s %s: %d sources; SlateDB %d", file, c.ID, len(c.SourceViews)+len(c.SourceSortedRuns), len(spec.Sources))
			}
			var wantOut []string
			for _, o := range w.Outputs {
				wantOut = append(wantOut, o.ID)
			}
			var gotOut []string
			for _, o := range c.Outputs {
				gotOut = append(gotOut, o.ID.String())
			}
			// SlateDB drops the outputs of unfinished compactions on reading;
			// the decoder keeps what the file holds.
			if c.Active() && len(wantOut) == 0 {
				continue
			}
			sort.Strings(wantOut)
			sort.Strings(gotOut)
			if strings.Join(wantOut, ",") != strings.Join(gotOut, ",") {
				t.Errorf("%s %s: outputs %v; SlateDB %v", file, c.ID, gotOut, wantOut)
			}
		}
	}
	// The proof store was written while a compaction ran: its files hold
	// every state but Failed, so each is checked above.
	for _, s := range []string{"Scheduled", "Running", "Compacted", "Completed", "Submitted"} {
		if statuses[s] == 0 {
			t.Errorf("no %s compaction in the proof store: %v", s, statuses)
		}
	}
}

func compareCompaction(t *testing.T, file string, c Compaction, status string, hasWorker bool, worker *struct {
	ID string `json:"worker_id"`
}) {
	t.Helper()
	if c.Status != status {
		t.Errorf("%s %s: status %s; SlateDB %s", file, c.ID, c.Status, status)
	}
	if hasWorker != (c.Worker != "") || hasWorker && worker.ID != c.Worker {
		t.Errorf("%s %s: worker %q; SlateDB %+v", file, c.ID, c.Worker, worker)
	}
}

// TestCompactionsRobust cuts and flips every bit of every compactions file:
// a typed error with an offset inside the input (truncation spoken of as
// the end of the file), never a panic.
func TestCompactionsRobust(t *testing.T) {
	for file := range oracleCompactionFiles(t) {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for n := 0; n < len(data); n++ {
			cs, err := DecodeCompactionsBytes(data[:n])
			checkCompactionsErr(t, "truncated", data[:n], cs, err)
		}
		buf := bytes.Clone(data)
		for i := range buf {
			for bit := 0; bit < 8; bit++ {
				buf[i] ^= 1 << bit
				cs, err := DecodeCompactionsBytes(buf)
				checkCompactionsErr(t, "bit flip", buf, cs, err)
				buf[i] ^= 1 << bit
			}
		}
	}
}

func checkCompactionsErr(t *testing.T, what string, data []byte, cs *Compactions, err error) {
	t.Helper()
	if cs == nil {
		t.Fatalf("%s: nil result", what)
	}
	checkTypedErr(t, what, data, model.FormatSlateDBCompactions, err)
}

// TestPlanKeepsUnfinishedCompactionOutputs: with the compactor's state of
// a moment when a compaction had written its outputs (status Compacted) but
// the manifest did not name them yet, the plan keeps those outputs.
func TestPlanKeepsUnfinishedCompactionOutputs(t *testing.T) {
	dir := filepath.Join(proofDir(t), "proof", "main")
	var compacted *Compactions
	var file string
	names, _ := filepath.Glob(filepath.Join(dir, "compactions", "*.compactions"))
	for _, n := range names {
		b, _ := os.ReadFile(n)
		cs, err := DecodeCompactionsBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs.Compactions {
			if c.Status == "Compacted" && len(c.Outputs) > 0 {
				compacted, file = cs, n
				cs.ID, _ = ParseCompactionsName(n)
			}
		}
	}
	if compacted == nil {
		t.Fatal("no compactions file with a Compacted compaction in the proof store")
	}
	outputs := compacted.ActiveOutputs()
	// The manifests written before the compaction was committed.
	var ms []*Manifest
	var objects []Object
	manifests, _ := filepath.Glob(filepath.Join(dir, "manifest", "*.manifest"))
	sort.Strings(manifests)
	for _, p := range manifests {
		m := decodeFile(t, p)
		if referencesAny(m, outputs) {
			break
		}
		ms = append(ms, m)
		objects = append(objects, Object{Path: ManifestPath(m.ID), Bytes: m.Size})
	}
	objects = append(objects, Object{Path: CompactionsPath(compacted.ID), Bytes: compacted.Size})
	for id := range outputs {
		objects = append(objects, Object{Path: SSTPath(id), Bytes: 1})
	}
	d := NewDatabase("proof/main", ms...)
	// A day after the outputs were written: only the compactor's state keeps them.
	plan, err := d.PlanGC(objects, GCOptions{Now: time.UnixMilli(maxULIDMillis(outputs)).Add(24 * time.Hour), Compactions: compacted, Stopped: true})
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, dec := range plan.Decisions {
		if dec.Kind == model.KindSST {
			if dec.Delete || !strings.Contains(dec.Reason, "still Compacted") {
				t.Errorf("%s with manifest %d: %s delete=%v: %s", filepath.Base(file), d.Latest().ID, dec.Path, dec.Delete, dec.Reason)
			}
			kept++
		}
	}
	if kept != len(outputs) {
		t.Errorf("%d outputs judged, want %d", kept, len(outputs))
	}
}

func referencesAny(m *Manifest, ids map[ULID]Compaction) bool {
	for _, id := range m.ReferencedSSTs() {
		if _, ok := ids[id]; ok {
			return true
		}
	}
	return false
}

func maxULIDMillis(ids map[ULID]Compaction) int64 {
	var n int64
	for id := range ids {
		n = max(n, id.Millis())
	}
	return n
}

// FuzzDecodeCompactions: any input gives a result and, on error, a typed
// error with an offset inside the input; never a panic.
func FuzzDecodeCompactions(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join(proofDir(f), "proof", "*", "compactions", "*.compactions"))
	for _, n := range names {
		if b, err := os.ReadFile(n); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := DecodeCompactionsBytes(data)
		checkCompactionsErr(t, "fuzz", data, cs, err)
		if s := cs.Snapshot("x/compactions/00000000000000000001.compactions", err); s == nil || s.Compactions == nil {
			t.Fatal("no snapshot")
		}
	})
}
