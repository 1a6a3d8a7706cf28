package encode

import (
	"bytes"
	"encoding/hex"
	"os"
	"testing"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse/model"
)

// TestPropertiesMatchFlink re-encodes the CheckpointProperties blob of every
// V4+ fixture and compares it byte for byte with what Flink wrote. The seven
// flag bytes are taken from the fixture; the type, the format and every
// class descriptor, string, enum and back-reference must come out exactly.
func TestPropertiesMatchFlink(t *testing.T) {
	shared := fixtures.RequireShared(t)
	fxs, err := fixtures.FlinkFixtures(shared)
	if err != nil {
		t.Fatal(err)
	}
	types := []model.CheckpointProperties{
		{Type: "Checkpoint"}, {Type: "Full Checkpoint"},
		{Type: "Savepoint", FormatType: "CANONICAL"}, {Type: "Savepoint", FormatType: "NATIVE"},
		{Type: "Suspend Savepoint", FormatType: "CANONICAL"}, {Type: "Suspend Savepoint", FormatType: "NATIVE"},
		{Type: "Terminate Savepoint", FormatType: "CANONICAL"}, {Type: "Terminate Savepoint", FormatType: "NATIVE"},
	}
	checked := 0
	for _, fx := range fxs {
		if fx.HeaderVersion < 4 {
			continue
		}
		data, err := os.ReadFile(fx.Metadata)
		if err != nil {
			t.Fatal(err)
		}
		blob := data[bytes.LastIndex(data, []byte{0xAC, 0xED, 0x00, 0x05}):]
		var want []byte
		if len(blob) == 5 {
			want = encodeProperties(nil)
		} else {
			// The seven flags follow the CheckpointProperties descriptor,
			// which ends with the first TC_ENDBLOCKDATA, TC_NULL pair.
			at := bytes.Index(blob, []byte{tcEndBlock, tcNull}) + 2
			if at < 2 || at+7 > len(blob) {
				t.Errorf("%s: no CheckpointProperties descriptor in the blob", fx.ID)
				continue
			}
			f := blob[at : at+7]
			for _, cand := range types {
				p := cand
				p.DiscardCancelled, p.DiscardFailed, p.DiscardFinished = f[0] != 0, f[1] != 0, f[2] != 0
				p.DiscardSubsumed, p.DiscardSuspended, p.Forced, p.Unclaimed = f[3] != 0, f[4] != 0, f[5] != 0, f[6] != 0
				if enc := encodeProperties(&p); bytes.Equal(enc, blob) {
					want = enc
					break
				}
			}
		}
		if !bytes.Equal(want, blob) {
			t.Errorf("%s: no encoding matches the %d-byte properties blob:\n%s", fx.ID, len(blob), hex.Dump(blob))
			continue
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no V4+ fixture checked")
	}
	t.Logf("%d properties blobs re-encoded byte for byte", checked)
}

func encodeProperties(p *model.CheckpointProperties) []byte {
	var buf bytesBuffer
	w := newWriter(&buf)
	writeProperties(w, p)
	if err := w.flush(); err != nil {
		panic(err)
	}
	return buf.b
}

func TestModifiedUTF8(t *testing.T) {
	for in, want := range map[string]string{
		"":       "",
		"abc":    "616263",
		"a\x00b": "61c08062",
		"é":      "c3a9",
		"€":      "e282ac",
		"😀":      "eda0bdedb880", // U+1F600 as two 3-byte surrogates
	} {
		if got := hex.EncodeToString(ModifiedUTF8(in)); got != want {
			t.Errorf("ModifiedUTF8(%q) = %s, want %s", in, got, want)
		}
	}
}
