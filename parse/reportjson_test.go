package parse

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/ckptlens/ckptlens/parse/model"
)

// A report read back from its JSON (a shared link) is the report written:
// each operator size points at the snapshot's own operator again, repeated
// ids and figures included, and the sizes' JSON keeps its fields.
func TestSnapshotReportJSONRoundTrip(t *testing.T) {
	snap := incremental(3, []int{1, 2, 3}, 1000)
	snap.Operators = append(snap.Operators,
		model.Operator{ID: opB, Name: "source", Parallelism: 2, MaxParallelism: 128, StateBytes: 27, CheckpointedBytes: 27, InlineBytes: 7},
		model.Operator{ID: opB, Name: "other", UID: "u", Parallelism: 3, StateBytes: 9, CoordinatorBytes: 4})
	rep := Inspect(snap, "")
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back SnapshotReport
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Snapshot, rep.Snapshot) || !reflect.DeepEqual(back.Sizes, rep.Sizes) {
		t.Fatalf("read back:\n%+v\nwant\n%+v", back.Sizes.Operators, rep.Sizes.Operators)
	}
	seen := map[*model.Operator]bool{}
	for _, os := range back.Sizes.Operators {
		if seen[os.Operator] || !inList(os.Operator, back.Operators) {
			t.Fatalf("operator size %+v does not point at its own operator of the snapshot", os)
		}
		seen[os.Operator] = true
	}
	var raw struct {
		Sizes struct{ Operators []map[string]any } `json:"sizes"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	first := raw.Sizes.Operators[0]
	if len(raw.Sizes.Operators) != 4 || first["id"] != opA || first["name"] != "keyed" || first["files"] != 4.0 || first["parallelism"] != nil {
		t.Errorf("sizes.operators JSON = %v", raw.Sizes.Operators)
	}
}

func inList(op *model.Operator, ops []model.Operator) bool {
	for i := range ops {
		if &ops[i] == op {
			return true
		}
	}
	return false
}
