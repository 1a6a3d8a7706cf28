package model

import "fmt"

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

// Info turns a decoding error into the JSON form carried by a Snapshot.
func Info(err error) *ErrorInfo {
	switch e := err.(type) {
	case nil:
		return nil
	case *FormatError:
		return &ErrorInfo{Offset: e.Offset, Message: e.Error()}
	case *UnsupportedError:
		return &ErrorInfo{Offset: e.Offset, Message: e.Error()}
	default:
		return &ErrorInfo{Offset: -1, Message: err.Error()}
	}
}
