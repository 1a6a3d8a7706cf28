package report

import (
	"strconv"
	"unicode/utf8"

	"github.com/ckptlens/ckptlens/parse/model"
)

// Hand-written encoders of the four records a report holds millions of,
// writing what json.Marshal writes for them (TestAppendersMatchMarshal
// checks every field and escape): encoding/json's reflection was a large
// share of the CLI's time on handle-dense files (bench/RESULTS.md).

func appendFile(b []byte, f *model.File) []byte {
	b = append(b, `{"path":`...)
	b = appendString(b, f.Path)
	b = append(b, `,"relative":`...)
	b = strconv.AppendBool(b, f.Relative)
	b = append(b, `,"bytes":`...)
	b = strconv.AppendInt(b, f.Bytes, 10)
	b = append(b, `,"kind":`...)
	b = appendString(b, string(f.Kind))
	b = append(b, `,"operators":`...)
	if f.Operators == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, id := range f.Operators {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, id)
		}
		b = append(b, ']')
	}
	if f.Segments != 0 {
		b = append(b, `,"segments":`...)
		b = strconv.AppendInt(b, int64(f.Segments), 10)
	}
	if f.Database != "" {
		b = append(b, `,"database":`...)
		b = appendString(b, f.Database)
	}
	return append(b, '}')
}

func appendFileRef(b []byte, r *FileRef) []byte {
	b = append(b, '{')
	if r.Path != "" {
		b = append(b, `"path":`...)
		b = appendString(b, r.Path)
		b = append(b, ',')
	}
	b = append(b, `"dependency":`...)
	b = strconv.AppendInt(b, int64(r.Dependency), 10)
	b = append(b, `,"role":`...)
	b = appendString(b, string(r.Role))
	return append(b, '}')
}

func appendOperator(b []byte, o *model.Operator) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, o.ID)
	b = append(b, `,"name":`...)
	b = appendString(b, o.Name)
	b = append(b, `,"uid":`...)
	b = appendString(b, o.UID)
	for _, f := range [...]struct {
		key string
		v   int64
	}{{`,"parallelism":`, int64(o.Parallelism)}, {`,"maxParallelism":`, int64(o.MaxParallelism)},
		{`,"subtasks":`, int64(o.Subtasks)}, {`,"finishedSubtasks":`, int64(o.Finished)}} {
		b = append(b, f.key...)
		b = strconv.AppendInt(b, f.v, 10)
	}
	b = append(b, `,"fullyFinished":`...)
	b = strconv.AppendBool(b, o.FullyFinished)
	b = appendSizes(b, o.StateBytes, o.CheckpointedBytes, o.InlineBytes)
	b = append(b, `,"coordinatorBytes":`...)
	b = strconv.AppendInt(b, o.CoordinatorBytes, 10)
	return append(b, '}')
}

func appendOperatorSize(b []byte, o *OperatorSize) []byte {
	b = append(b, `{"id":`...)
	b = appendString(b, o.ID)
	if o.Name != "" {
		b = append(b, `,"name":`...)
		b = appendString(b, o.Name)
	}
	if o.UID != "" {
		b = append(b, `,"uid":`...)
		b = appendString(b, o.UID)
	}
	b = appendSizes(b, o.StateBytes, o.CheckpointedBytes, o.InlineBytes)
	if o.CoordinatorBytes != 0 {
		b = append(b, `,"coordinatorBytes":`...)
		b = strconv.AppendInt(b, o.CoordinatorBytes, 10)
	}
	b = append(b, `,"files":`...)
	b = strconv.AppendInt(b, int64(o.Files), 10)
	b = append(b, `,"fileBytes":`...)
	b = strconv.AppendInt(b, o.FileBytes, 10)
	return append(b, '}')
}

func appendSizes(b []byte, state, checkpointed, inline int64) []byte {
	b = append(b, `,"stateBytes":`...)
	b = strconv.AppendInt(b, state, 10)
	b = append(b, `,"checkpointedBytes":`...)
	b = strconv.AppendInt(b, checkpointed, 10)
	b = append(b, `,"inlineBytes":`...)
	return strconv.AppendInt(b, inline, 10)
}

const hexDigits = "0123456789abcdef"

// appendString quotes s as json.Marshal does: <, > and & escaped for HTML,
// control characters as \n, \t, … or \u00XX, invalid UTF-8 as U+FFFD, and
// U+2028 and U+2029 escaped for JavaScript.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
