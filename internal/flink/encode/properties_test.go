package encode

import (
	"bytes"
	"encoding/hex"
	"os"
	"testing"

	"github.com/ckptlens/ckptlens/internal/fixtures"
	"github.com/ckptlens/ckptlens/parse/flink"
	"github.com/ckptlens/ckptlens/parse/model"
)

// TestPropertiesMatchFlink: the properties the Flink decoder reads from
// each V4+ fixture (checked field by field against Flink's loader by
// TestOracleShared), written again by the encoder from the same
// model.CheckpointProperties, are the bytes Flink wrote: every class
// descriptor, string, enum and back-reference.
func TestPropertiesMatchFlink(t *testing.T) {
	shared := fixtures.RequireShared(t)
	fxs, err := fixtures.FlinkFixtures(shared)
	if err != nil {
		t.Fatal(err)
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
		m, err := flink.Decode(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Errorf("%s: %v", fx.ID, err)
			continue
		}
		if m.Properties == nil && !m.PropertiesNull {
			t.Errorf("%s: a V4+ file decoded without properties", fx.ID)
			continue
		}
		blob := data[bytes.LastIndex(data, []byte{0xAC, 0xED, 0x00, 0x05}):]
		if enc := encodeProperties(m.Properties); !bytes.Equal(enc, blob) {
			t.Errorf("%s: properties %+v re-encode to\n%s\nFlink wrote\n%s", fx.ID, m.Properties, hex.Dump(enc), hex.Dump(blob))
			continue
		}
		// The enums the encoder derives from the type name when they are
		// not given (as CheckpointProperties and SavepointProperties leave
		// them) are Flink's too.
		if p := m.Properties; p != nil {
			derived := *p
			derived.SharingFilesStrategy, derived.PostCheckpointAction = "", ""
			if enc := encodeProperties(&derived); !bytes.Equal(enc, blob) {
				t.Errorf("%s: type %q: the derived strategy or action is not Flink's (%s, %s)", fx.ID, p.Type, p.SharingFilesStrategy, p.PostCheckpointAction)
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no V4+ fixture checked")
	}
	t.Logf("%d decoded properties re-encoded byte for byte", checked)
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
