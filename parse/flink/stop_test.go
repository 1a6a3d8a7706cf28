package flink

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ckptlens/ckptlens/internal/flink/encode"
	"github.com/ckptlens/ckptlens/parse/model"
)

// A decode asked to stop ends between operators, at once, with the
// offset it reached and the operators read so far; one never asked reads
// every operator.
func TestStopEndsBetweenOperators(t *testing.T) {
	var buf bytes.Buffer
	if _, err := encode.WriteEmptyOperators(&buf, 3, 5000); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	m, err := DecodeWithin(bytes.NewReader(data), int64(len(data)), Limits{Stop: func() bool { return false }})
	if err != nil || len(m.Operators) != 5000 {
		t.Fatalf("never stopped: %d operators, %v", len(m.Operators), err)
	}
	for _, after := range []int{0, 1, 2500, 4999} {
		asked := 0
		m, err := DecodeWithin(bytes.NewReader(data), int64(len(data)), Limits{Stop: func() bool {
			asked++
			return asked > after
		}})
		var re *model.ReadError
		if !errors.Is(err, model.ErrStopped) || !errors.As(err, &re) {
			t.Fatalf("stop after %d operators: error %v, want a ReadError wrapping ErrStopped", after, err)
		}
		if re.Offset <= 0 || re.Offset >= int64(len(data)) {
			t.Errorf("stop after %d operators: offset %d of %d bytes", after, re.Offset, len(data))
		}
		if asked != after+1 {
			t.Errorf("stop after %d operators: asked %d times, want %d (it must end at once)", after, asked, after+1)
		}
		if len(m.Operators) > after {
			t.Errorf("stop after %d operators: kept %d operators", after, len(m.Operators))
		}
	}
}
