package model

import (
	"errors"
	"fmt"
)

// FormatError reports input that is corrupt: at byte Offset the decoder
// expected one thing and found another. Decoders return it together with the
// partial Snapshot decoded so far.
type FormatError struct {
	Format   Format
	Offset   int64
	Expected string
	Found    string
}

func (e *FormatError) Error() string {
	if e.Found == "" {
		return fmt.Sprintf("corrupt %s at byte %d: expected %s", e.Format, e.Offset, e.Expected)
	}
	return fmt.Sprintf("corrupt %s at byte %d: expected %s, found %s", e.Format, e.Offset, e.Expected, e.Found)
}

// UnsupportedError reports valid input that ckptlens does not read, such as
// a Flink 1.0 or 1.1 savepoint.
type UnsupportedError struct {
	Format Format
	Offset int64
	What   string // what the input is, in a user's words
	Reason string // why it is not read
}

func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("unsupported %s at byte %d: %s: %s", e.Format, e.Offset, e.What, e.Reason)
}

// ReadError reports that reading the input itself failed at byte Offset (a
// file cut off under the reader, a storage request that failed), not that
// its content is wrong.
type ReadError struct {
	Format Format
	Offset int64
	Err    error
}

func (e *ReadError) Error() string {
	return fmt.Sprintf("reading %s at byte %d: %v", e.Format, e.Offset, e.Err)
}

func (e *ReadError) Unwrap() error { return e.Err }

// ErrStopped is why a decode ended early when its caller asked it to stop
// (a newer drop superseded it); it comes wrapped in a ReadError with the
// offset reached.
var ErrStopped = errors.New("stopped: a newer request superseded this one")

// Info turns a decoding error into the JSON form carried by a Snapshot. A
// wrapped error keeps its offset.
func Info(err error) *ErrorInfo {
	if err == nil {
		return nil
	}
	var fe *FormatError
	var ue *UnsupportedError
	var re *ReadError
	switch {
	case errors.As(err, &fe):
		return &ErrorInfo{Offset: fe.Offset, Message: err.Error()}
	case errors.As(err, &ue):
		return &ErrorInfo{Offset: ue.Offset, Message: err.Error()}
	case errors.As(err, &re):
		return &ErrorInfo{Offset: re.Offset, Message: err.Error()}
	}
	return &ErrorInfo{Offset: -1, Message: err.Error()}
}
