package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/ckptlens/ckptlens/parse/model"
)

// ReportSchema names the shape of the report's JSON, written first in every
// object the CLI prints. It changes when a reader of the previous shape
// would misread the new one; reports without it are of the first shape.
const ReportSchema = "ckptlens-report/2"

// The report's JSON is written as it goes: the small parts of each object
// are marshalled whole, with their long lists (files, file refs,
// operators, compared files, plan rows) emptied, and each long list is then
// written into its place element by element. Memory stays that of one
// element; the output is what encoding/json writes for the whole value.

// WriteReportJSON writes the report as one JSON object and a newline. (A
// function, not a method: the page never calls it, and the linker keeps
// every method of a type encoding/json reflects on.)
func WriteReportJSON(w io.Writer, r *Report) error {
	jw := newJSONWriter(w)
	rest := *r
	rest.Schema = ReportSchema
	snaps := r.Snapshots
	rest.Snapshots = []*SnapshotReport{}
	lists := []list{{key: "snapshots", n: len(snaps), null: snaps == nil,
		elem: func(i int) { jw.snapshot(snaps[i], false) }}}
	if r.Comparison != nil {
		c := *r.Comparison
		rest.Comparison = &c
		lists = append(lists, jw.emptyLists("comparison", &c)...)
	}
	if r.Orphans != nil {
		o := *r.Orphans
		rest.Orphans = &o
		lists = append(lists, jw.emptyLists("orphans", &o)...)
	}
	jw.splice(&rest, lists, false)
	jw.raw("\n")
	return jw.flush()
}

// emptyLists empties every list field of the struct *ptr, a member of the
// report named within, and returns them to be written in place: the
// comparison's files and the plan's rows, whatever the plan's shape.
func (jw *jsonWriter) emptyLists(within string, ptr any) []list {
	v := reflect.ValueOf(ptr).Elem()
	var lists []list
	for _, f := range listFields(v.Type()) {
		field := v.Field(f.index)
		full := reflect.ValueOf(field.Interface())
		field.Set(reflect.MakeSlice(field.Type(), 0, 0))
		lists = append(lists, list{within: within, key: f.name, n: full.Len(), null: full.IsNil(),
			elem: func(i int) { jw.value(full.Index(i).Addr().Interface()) }})
	}
	return lists
}

// WriteSnapshotJSON writes one snapshot's report as one JSON object, with
// the schema, and a newline: a line of `ckptlens inspect --json`.
func WriteSnapshotJSON(w io.Writer, s *SnapshotReport) error {
	jw := newJSONWriter(w)
	jw.snapshot(s, true)
	jw.raw("\n")
	return jw.flush()
}

// jsonWriter writes JSON to a buffered writer, remembering the first error.
type jsonWriter struct {
	w       *bufio.Writer
	scratch []byte       // one record, appended by hand (jsonappend.go)
	buf     bytes.Buffer // one marshalled value
	enc     *json.Encoder
	err     error
}

func newJSONWriter(w io.Writer) *jsonWriter {
	jw := &jsonWriter{w: bufio.NewWriterSize(w, 256<<10)}
	jw.enc = json.NewEncoder(&jw.buf) // escaping <, > and & as json.Marshal does
	return jw
}

// bytes writes one record and keeps its buffer for the next.
func (jw *jsonWriter) bytes(b []byte) {
	jw.scratch = b
	if jw.err == nil {
		_, jw.err = jw.w.Write(b)
	}
}

func (jw *jsonWriter) raw(s string) {
	if jw.err == nil {
		_, jw.err = jw.w.WriteString(s)
	}
}

// value writes v as encoding/json does, without its newline.
func (jw *jsonWriter) value(v any) {
	jw.w.Write(jw.marshal(v))
}

func (jw *jsonWriter) marshal(v any) []byte {
	jw.buf.Reset()
	if err := jw.enc.Encode(v); err != nil && jw.err == nil {
		jw.err = err
	}
	return bytes.TrimSuffix(jw.buf.Bytes(), []byte("\n"))
}

func (jw *jsonWriter) flush() error {
	if err := jw.w.Flush(); jw.err == nil {
		jw.err = err
	}
	return jw.err
}

// list is one long list of an object, emptied in the value marshalled and
// written in its place. within names the member object holding it ("" for
// the object itself).
type list struct {
	within, key string
	n           int
	null        bool // the list is nil: encoding/json writes null
	elem        func(i int)
}

// splice marshals v, whose lists are empty, and writes it with each list's
// elements in its place.
func (jw *jsonWriter) splice(v any, lists []list, schema bool) {
	whole := append([]byte(nil), jw.marshal(v)...)
	if schema && len(whole) > 2 && whole[0] == '{' {
		whole = append([]byte(`{"schema":"`+ReportSchema+`",`), whole[1:]...)
	}
	at := 0
	for _, l := range lists {
		pos, ok := listAt(whole, l.within, l.key)
		if !ok || pos < at {
			if jw.err == nil {
				jw.err = fmt.Errorf("report JSON: no empty list %q to write into", l.key)
			}
			return
		}
		jw.w.Write(whole[at:pos])
		at = pos + len("[]")
		if l.null {
			jw.raw("null")
			continue
		}
		jw.raw("[")
		for i := 0; i < l.n && jw.err == nil; i++ {
			if i > 0 {
				jw.raw(",")
			}
			l.elem(i)
		}
		jw.raw("]")
	}
	jw.w.Write(whole[at:])
}

// listAt finds the empty list of key in the object b (or in its member
// object within), looking only at that object's own members.
func listAt(b []byte, within, key string) (int, bool) {
	start := 0
	if within != "" {
		pos, ok := memberAt(b, 0, within)
		if !ok {
			return 0, false
		}
		if b[pos] != '{' {
			return 0, false
		}
		start = pos
	}
	pos, ok := memberAt(b, start, key)
	if !ok || !bytes.HasPrefix(b[pos:], []byte("[]")) {
		return 0, false
	}
	return pos, true
}

// memberAt returns where the value of the member key starts in the object
// starting at b[from], skipping nested values and strings.
func memberAt(b []byte, from int, key string) (int, bool) {
	want := `"` + key + `":`
	depth, inString := 0, false
	for i := from; i < len(b); i++ {
		c := b[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			if depth == 1 && strings.HasPrefix(string(b[i:min(len(b), i+len(want))]), want) {
				return i + len(want), true
			}
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth--; depth == 0 {
				return 0, false
			}
		}
	}
	return 0, false
}

// snapshot writes one snapshot report, its model's operators and files,
// file refs and operator sizes element by element. File refs leave out the
// path where it is the file's own, as MarshalJSON does.
func (jw *jsonWriter) snapshot(s *SnapshotReport, schema bool) {
	if s == nil {
		jw.raw("null")
		return
	}
	rest := *s
	var lists []list
	var files []model.File
	if s.Snapshot != nil { // a nil snapshot's fields are left out
		snap := *s.Snapshot
		ops := snap.Operators
		files = snap.Files
		snap.Operators, snap.Files = []model.Operator{}, []model.File{}
		rest.Snapshot = &snap
		lists = append(lists,
			list{key: "operators", n: len(ops), null: ops == nil, elem: func(i int) { jw.bytes(appendOperator(jw.scratch[:0], &ops[i])) }},
			list{key: "files", n: len(files), null: files == nil, elem: func(i int) { jw.bytes(appendFile(jw.scratch[:0], &files[i])) }})
	}
	refs, sizes := s.FileRefs, s.Sizes.Operators
	rest.FileRefs, rest.Sizes.Operators = []FileRef{}, []OperatorSize{}
	// MarshalJSON copies refs parallel to files (a nil list too), each
	// without the path where it is the file's own.
	parallel := s.Snapshot != nil && len(refs) == len(files)
	lists = append(lists,
		list{key: "fileRefs", n: len(refs), null: refs == nil && !parallel, elem: func(i int) {
			ref := refs[i]
			if parallel && ref.Path == files[i].Path {
				ref.Path = ""
			}
			jw.bytes(appendFileRef(jw.scratch[:0], &ref))
		}},
		list{within: "sizes", key: "operators", n: len(sizes), null: sizes == nil, elem: func(i int) { jw.bytes(appendOperatorSize(jw.scratch[:0], &sizes[i])) }})
	jw.splice((*snapshotReportJSON)(&rest), lists, schema)
}

type listField struct {
	index int
	name  string
}

// listFields lists a struct type's exported slice fields with their JSON
// names, in order.
func listFields(t reflect.Type) []listField {
	var out []listField
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Type.Kind() != reflect.Slice || !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || strings.Contains(opts, "omitempty"): // an emptied list would vanish
			continue
		case name == "":
			name = f.Name
		}
		out = append(out, listField{i, name})
	}
	return out
}
