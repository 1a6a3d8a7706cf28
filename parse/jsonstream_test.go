package parse

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/parse/model"
)

// encodeWhole is the report's JSON as json.Marshal writes it in one piece.
func encodeWhole(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b) + "\n"
}

func checkStreamed(t *testing.T, name string, r *Report) {
	t.Helper()
	var got bytes.Buffer
	if err := WriteReportJSON(&got, r); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	withSchema := *r
	withSchema.Schema = ReportSchema
	if want := encodeWhole(t, &withSchema); got.String() != want {
		t.Errorf("%s: streamed report differs from encoding/json's:\n%.600s\nwant\n%.600s", name, got.String(), want)
	}
	var back Report
	if err := json.Unmarshal(got.Bytes(), &back); err != nil || back.Schema != ReportSchema {
		t.Errorf("%s: the streamed report reads back with schema %q (%v)", name, back.Schema, err)
	}
	for i, s := range r.Snapshots {
		if s == nil {
			continue
		}
		got.Reset()
		if err := WriteSnapshotJSON(&got, s); err != nil {
			t.Fatal(err)
		}
		want := `{"schema":"` + ReportSchema + `",` + strings.TrimPrefix(encodeWhole(t, s), "{")
		if got.String() != want {
			t.Errorf("%s: snapshot %d streamed differs:\n%.600s\nwant\n%.600s", name, i, got.String(), want)
		}
	}
}

// The streamed JSON is byte for byte encoding/json's, on every oracle
// scenario with its listing (comparisons, plans), on snapshots with text
// that JSON escapes, and on empty and nil lists.
func TestStreamedJSONIsEncodingJSONs(t *testing.T) {
	for _, sc := range loadOracle(t) {
		var inputs []Input
		for _, o := range sc.snaps {
			inputs = append(inputs, Input{Snapshot: o.snap})
		}
		checkStreamed(t, sc.String(), Analyze(inputs, Options{Listing: sc.listing}))
		checkStreamed(t, sc.String()+" alone", Analyze(inputs[:1], Options{}))
	}
	odd := incremental(3, []int{1, 2}, 10)
	odd.Source = "<b>&\"quoted\"\u2028\x01\xff"
	odd.Files[0].Path += "/<script>\\"
	odd.Operators = append(odd.Operators, model.Operator{ID: "x", Name: "\t&"})
	checkStreamed(t, "escapes", Analyze([]Input{{Snapshot: odd}, {Snapshot: incremental(4, []int{2}, 5)}}, Options{}))
	checkStreamed(t, "nil lists", &Report{Snapshots: []*SnapshotReport{{Snapshot: &model.Snapshot{}}}})
	checkStreamed(t, "no snapshots", &Report{})
	checkStreamed(t, "no model", &Report{Snapshots: []*SnapshotReport{{FileRefs: []FileRef{{Path: "a"}}}, nil}})
}
