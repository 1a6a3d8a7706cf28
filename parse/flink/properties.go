package flink

import (
	"fmt"
	"strings"
)

// The subset of Java Object Serialization (java.io.ObjectOutputStream) that
// one CheckpointProperties object uses (§8 of the format doc): objects,
// class descriptors, strings, enums, references and null. No class is
// resolved and no serialVersionUID checked; values are read by field name.

const (
	tcNull           = 0x70
	tcReference      = 0x71
	tcClassDesc      = 0x72
	tcObject         = 0x73
	tcString         = 0x74
	tcBlockData      = 0x77
	tcEndBlockData   = 0x78
	tcBlockDataLong  = 0x7A
	tcLongString     = 0x7C
	tcEnum           = 0x7E
	baseWireHandle   = 0x7E0000
	scWriteMethod    = 0x01
	scSerializable   = 0x02
	scExternalizable = 0x04
)

type javaClass struct {
	name   string
	flags  byte
	fields []javaField
	super  *javaClass
}

type javaField struct {
	code byte // B C D F I J S Z L [
	name string
}

type javaObject struct {
	class  *javaClass
	values map[string]any
}

type javaEnum struct {
	class    *javaClass
	constant string
}

type javaReader struct {
	d       *decoder
	handles []any
	depth   int
}

// properties reads the trailing Java serialization stream of V4+ files.
func (d *decoder) properties() {
	r := d.r
	off := r.offset()
	if !r.need(4, "the checkpoint properties (a Java serialization stream)") {
		return
	}
	if r.buf[r.pos] != 0xAC || r.buf[r.pos+1] != 0xED || r.buf[r.pos+2] != 0 || r.buf[r.pos+3] != 5 {
		r.corrupt(off, "checkpoint properties starting with the Java serialization header AC ED 00 05",
			fmt.Sprintf("% X", r.buf[r.pos:r.pos+4]))
		return
	}
	r.pos += 4
	jr := &javaReader{d: d}
	vOff := r.offset()
	v := jr.content()
	if r.err != nil {
		return
	}
	switch v := v.(type) {
	case nil:
		d.m.PropertiesNull = true
	case *javaObject:
		d.m.Properties = propertiesFrom(v)
	default:
		r.corrupt(vOff, "a CheckpointProperties object or null", fmt.Sprintf("%T", v))
	}
}

func propertiesFrom(o *javaObject) *Properties {
	p := &Properties{}
	b := func(name string) bool { v, _ := o.values[name].(bool); return v }
	p.Forced, p.Unclaimed = b("forced"), b("unclaimed")
	p.DiscardSubsumed, p.DiscardFinished = b("discardSubsumed"), b("discardFinished")
	p.DiscardCancelled, p.DiscardFailed = b("discardCancelled"), b("discardFailed")
	p.DiscardSuspended = b("discardSuspended")
	t, _ := o.values["checkpointType"].(*javaObject)
	if t == nil || t.class == nil {
		return p
	}
	p.Class = t.class.name[strings.LastIndexByte(t.class.name, '.')+1:]
	p.Type, _ = t.values["name"].(string)
	enum := func(name string) string {
		if e, ok := t.values[name].(*javaEnum); ok {
			return e.constant
		}
		return ""
	}
	p.SharingFilesStrategy = enum("sharingFilesStrategy")
	p.FormatType = enum("formatType")
	p.PostCheckpointAction = enum("postCheckpointAction")
	if p.Class == "SavepointType" && p.SharingFilesStrategy == "" {
		p.SharingFilesStrategy = "NO_SHARING" // SavepointType.getSharingFilesStrategy()
	}
	return p
}

func (j *javaReader) fail(off int64, expected, found string) {
	j.d.r.corrupt(off, expected+" in the checkpoint properties", found)
}

func (j *javaReader) newHandle(v any) int {
	j.handles = append(j.handles, v)
	return len(j.handles) - 1
}

// content reads one content element.
func (j *javaReader) content() any {
	r := j.d.r
	if j.depth >= maxDepth {
		j.fail(r.offset(), fmt.Sprintf("at most %d nested objects", maxDepth), "deeper nesting")
		return nil
	}
	j.depth++
	defer func() { j.depth-- }()
	off := r.offset()
	tc := r.u8("a Java serialization element")
	if r.err != nil {
		return nil
	}
	switch tc {
	case tcNull:
		return nil
	case tcReference:
		return j.reference(off)
	case tcClassDesc:
		return j.newClassDesc()
	case tcString:
		h := j.newHandle(nil)
		s := r.utf("a Java string")
		j.handles[h] = s
		return s
	case tcLongString:
		h := j.newHandle("")
		n := r.i64("the length of a Java long string")
		r.skip(n, "a Java long string")
		return j.handles[h]
	case tcEnum:
		c := j.classDesc()
		e := &javaEnum{class: c}
		j.newHandle(e)
		e.constant, _ = j.content().(string)
		return e
	case tcObject:
		return j.object()
	}
	j.fail(off, "a Java serialization element of CheckpointProperties (null, reference, class, object, string or enum)",
		fmt.Sprintf("type code 0x%02X", tc))
	return nil
}

func (j *javaReader) reference(off int64) any {
	h := j.d.r.i32("a Java serialization handle")
	i := int(h) - baseWireHandle
	if j.d.r.err != nil {
		return nil
	}
	if i < 0 || i >= len(j.handles) {
		j.fail(off, fmt.Sprintf("a reference to one of %d earlier objects", len(j.handles)), fmt.Sprintf("handle 0x%X", h))
		return nil
	}
	return j.handles[i]
}

// classDesc reads a class descriptor position: new, reference or null.
func (j *javaReader) classDesc() *javaClass {
	r := j.d.r
	off := r.offset()
	v := j.content()
	if r.err != nil {
		return nil
	}
	switch v := v.(type) {
	case nil:
		return nil
	case *javaClass:
		return v
	}
	j.fail(off, "a class descriptor", fmt.Sprintf("%T", v))
	return nil
}

func (j *javaReader) newClassDesc() *javaClass {
	r := j.d.r
	c := &javaClass{name: r.utf("a Java class name")}
	r.i64("a serialVersionUID")
	j.newHandle(c)
	fOff := r.offset()
	c.flags = r.u8("Java class flags")
	if r.err == nil && c.flags&scExternalizable != 0 {
		j.fail(fOff, "a Serializable class", "an Externalizable class "+c.name)
		return c
	}
	cOff := r.offset()
	n := 0
	if r.need(2, "the number of Java class fields") {
		n = int(int16(uint16(r.buf[r.pos])<<8 | uint16(r.buf[r.pos+1])))
		r.pos += 2
		n = r.checkCount(cOff, int64(n), 3, "Java class fields")
	}
	for i := 0; i < n && r.err == nil; i++ {
		f := javaField{code: r.u8("a Java field type code"), name: r.utf("a Java field name")}
		switch f.code {
		case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z':
		case 'L', '[':
			j.content() // the field's type signature
		default:
			j.fail(r.offset()-1, "a Java field type code", fmt.Sprintf("0x%02X", f.code))
		}
		c.fields = append(c.fields, f)
	}
	j.annotations()
	c.super = j.classDesc()
	return c
}

// annotations skips class or object annotations up to TC_ENDBLOCKDATA.
func (j *javaReader) annotations() {
	r := j.d.r
	for r.err == nil {
		if !r.need(1, "Java annotations") {
			return
		}
		switch r.buf[r.pos] {
		case tcEndBlockData:
			r.pos++
			return
		case tcBlockData:
			r.pos++
			r.skip(int64(r.u8("a block length")), "Java block data")
		case tcBlockDataLong:
			r.pos++
			r.skip(int64(uint32(r.i32("a block length"))), "Java block data")
		default:
			j.content()
		}
	}
}

func (j *javaReader) object() any {
	r := j.d.r
	c := j.classDesc()
	o := &javaObject{class: c, values: map[string]any{}}
	j.newHandle(o)
	if c == nil {
		return o
	}
	var chain []*javaClass
	for k := c; k != nil && len(chain) < maxDepth; k = k.super {
		chain = append(chain, k)
	}
	for i := len(chain) - 1; i >= 0 && r.err == nil; i-- {
		k := chain[i]
		for _, f := range k.fields {
			o.values[f.name] = j.field(f.code)
		}
		if k.flags&scWriteMethod != 0 {
			j.annotations()
		}
	}
	return o
}

func (j *javaReader) field(code byte) any {
	r := j.d.r
	switch code {
	case 'Z':
		return r.bool("a Java boolean field")
	case 'B':
		return int64(int8(r.u8("a Java byte field")))
	case 'C', 'S':
		return int64(int16(uint16(r.u8("a Java field"))<<8 | uint16(r.u8("a Java field"))))
	case 'I', 'F':
		return int64(r.i32("a Java int field"))
	case 'J', 'D':
		return r.i64("a Java long field")
	}
	return j.content()
}
