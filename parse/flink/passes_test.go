package flink_test

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/ckptlens/ckptlens/internal/flink/encode"
	"github.com/ckptlens/ckptlens/parse/flink"
	"github.com/ckptlens/ckptlens/parse/model"
)

// Decoding in place tells Reached of both its passes, counting and then
// building, as sweeps from the start to the end of the input: the page's
// bar moves through the second pass too, as it does for a file read as the
// decoder goes, whose offsets start over.
func TestReachedSweepsOncePerPass(t *testing.T) {
	var buf bytes.Buffer
	if _, err := encode.WriteDense(&buf, encode.DenseSpec{Operators: 2, Parallelism: 100, SharedPerSubtask: 40}); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	var sweeps [][]int64
	last := int64(-1)
	mem := &model.Memory{Data: data, Reached: func(off int64) {
		if off <= last || len(sweeps) == 0 {
			sweeps = append(sweeps, nil)
		}
		sweeps[len(sweeps)-1] = append(sweeps[len(sweeps)-1], off)
		last = off
	}}
	got, err := flink.Decode(mem, int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := flink.Decode(bytes.NewReader(data), int64(len(data)))
	if !reflect.DeepEqual(got.Operators, want.Operators) {
		t.Fatal("in place, the operators differ from the reader's")
	}
	// The header is read first; then the two passes each start near the
	// beginning and end at the end.
	var passes [][]int64
	for _, s := range sweeps {
		if s[len(s)-1] == int64(len(data)) {
			passes = append(passes, s)
		}
	}
	if len(passes) != 2 || len(sweeps) > 3 {
		t.Fatalf("%d-byte input: %d sweeps, %d of them to the end", len(data), len(sweeps), len(passes))
	}
	for i, p := range passes {
		if p[0] > int64(len(data))/10 || len(p) < 4 {
			t.Errorf("pass %d: %d calls from %d", i+1, len(p), p[0])
		}
	}
}
