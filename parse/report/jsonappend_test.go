package report

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/ckptlens/ckptlens/parse/model"
)

// The hand-written encoders write what json.Marshal writes, for strings of
// every kind of byte and for set and unset optional fields; a field added
// to one of the records fails here until its encoder writes it.
func TestAppendersMatchMarshal(t *testing.T) {
	for typ, fields := range map[reflect.Type]int{
		reflect.TypeOf(model.File{}): 7, reflect.TypeOf(FileRef{}): 4,
		reflect.TypeOf(model.Operator{}): 12, reflect.TypeOf(operatorSizeJSON{}): 9,
	} {
		if typ.NumField() != fields {
			t.Errorf("%s has %d fields, its encoder in jsonappend.go writes %d", typ, typ.NumField(), fields)
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"a", "/", " ", "\"", "\\", "<", ">", "&", "\x00", "\x1f", "\b", "\f", "\n", "\r", "\t", "\x7f",
		"é", "😀", "\u2028", "\u2029", "\xff", "\xe2\x80", "\xed\xa0\x80", "\ufffd"}
	str := func() string {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		return b.String()
	}
	check := func(v any, got []byte) {
		t.Helper()
		want, _ := json.Marshal(v)
		if string(got) != string(want) {
			t.Fatalf("%T:\n%s\nwant\n%s", v, got, want)
		}
	}
	for range 3000 {
		f := model.File{Path: str(), Relative: rng.IntN(2) == 0, Bytes: rng.Int64N(1<<40) - 1, Kind: model.FileKind(str())}
		switch rng.IntN(3) {
		case 0:
			f.Operators = []string{}
		case 1:
			f.Operators = []string{str(), str()}
		}
		if rng.IntN(2) == 0 {
			f.Segments, f.Database = rng.IntN(9), str()
		}
		check(&f, appendFile(nil, &f))
		ref := FileRef{Path: str(), Dependency: rng.IntN(5), Role: Role(str()), Key: "x"}
		check(&ref, appendFileRef(nil, &ref))
		o := model.Operator{ID: str(), Name: str(), UID: str(), Parallelism: rng.Int32N(9), MaxParallelism: -rng.Int32N(9),
			Subtasks: rng.Int32N(9), Finished: rng.Int32N(2), FullyFinished: rng.IntN(2) == 0,
			StateBytes: rng.Int64(), CheckpointedBytes: -rng.Int64(), InlineBytes: rng.Int64N(3), CoordinatorBytes: rng.Int64N(3)}
		check(&o, appendOperator(nil, &o))
		os := OperatorSize{Operator: &o, Files: rng.IntN(9), FileBytes: rng.Int64N(9)}
		check(&operatorSizeJSON{ID: o.ID, Name: o.Name, UID: o.UID, StateBytes: o.StateBytes, CheckpointedBytes: o.CheckpointedBytes,
			InlineBytes: o.InlineBytes, CoordinatorBytes: o.CoordinatorBytes, Files: os.Files, FileBytes: os.FileBytes},
			appendOperatorSize(nil, &os))
	}
}
