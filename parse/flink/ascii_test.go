package flink

import "testing"

// plainASCII tests eight bytes at a time; every position and both bad
// kinds of byte must still be found.
func TestPlainASCII(t *testing.T) {
	for n := 0; n <= 40; n++ {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('a' + i%26)
		}
		if !plainASCII(b) {
			t.Fatalf("%d ASCII bytes: not plain", n)
		}
		for i := range b {
			for _, bad := range []byte{0, 0x80, 0xc0, 0xff} {
				c := b[i]
				b[i] = bad
				if plainASCII(b) {
					t.Fatalf("byte %#x at %d of %d: plain", bad, i, n)
				}
				b[i] = c
			}
		}
	}
	if !plainASCII([]byte("\x01\x7f\x01\x7f\x01\x7f\x01\x7f\x7f")) {
		t.Fatal("0x01 and 0x7f are plain")
	}
}
