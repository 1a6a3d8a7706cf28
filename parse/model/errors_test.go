package model

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

// Wrapping keeps the offset: the page and the CLI show where decoding
// stopped however many layers the error passed through.
func TestInfoKeepsTheOffsetThroughWrapping(t *testing.T) {
	for _, err := range []error{
		&FormatError{Format: FormatFlink, Offset: 17, Expected: "a handle tag"},
		&UnsupportedError{Format: FormatSlateDB, Offset: 17, What: "a manifest", Reason: "format version 9"},
		&ReadError{Format: FormatFlink, Offset: 17, Err: io.ErrUnexpectedEOF},
	} {
		wrapped := fmt.Errorf("decoding x: %w", err)
		if got := Info(wrapped); got == nil || got.Offset != 17 || got.Message != wrapped.Error() {
			t.Errorf("Info(%v) = %+v", wrapped, got)
		}
	}
	if got := Info(errors.New("no offset")); got.Offset != -1 {
		t.Errorf("an error without an offset: %+v", got)
	}
	if !errors.Is(&ReadError{Err: io.ErrUnexpectedEOF}, io.ErrUnexpectedEOF) {
		t.Error("a read error hides its cause")
	}
}
