package flink

import (
	"fmt"
	"strings"
	"sync"
)

// The subset of Java Object Serialization (java.io.ObjectOutputStream) that
// one CheckpointProperties object uses (§8 of the format doc): objects,
// class descriptors, strings, enums, references and null. No class is
// resolved and no serialVersionUID checked; the values Properties needs are
// picked out by class and field name as they stream past. The tables live
// in a fixed-size scratch area that is recycled between decodes, so reading
// the properties allocates nothing but the result.

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
	scExternalizable = 0x04

	// A CheckpointProperties stream has at most 5 classes, 11 fields and 16
	// handles; these bounds leave room and keep the tables small.
	maxJavaClasses = 8
	maxJavaFields  = 24
	maxJavaHandles = 32
)

type javaClass struct {
	name          string
	flags         byte
	first, fields int // its fields are javaScratch.fields[first : first+fields]
	super         *javaClass
}

type javaField struct {
	code byte // B C D F I J S Z L [
	name string
}

// javaValue is a content element: a string, class, object or enum.
type javaValue struct {
	kind  byte // 0 null, 's' string, 'c' class, 'o' object, 'e' enum
	s     string
	class *javaClass
}

type javaScratch struct {
	classes  [maxJavaClasses]javaClass
	fields   [maxJavaFields]javaField
	handles  [maxJavaHandles]javaValue
	nclasses int
	nfields  int
	nhandles int
}

var javaPool = sync.Pool{New: func() any { return new(javaScratch) }}

type javaReader struct {
	d     *decoder
	x     *javaScratch
	p     *Properties
	depth int
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
	x := javaPool.Get().(*javaScratch)
	defer func() {
		*x = javaScratch{} // drop strings that point into the input
		javaPool.Put(x)
	}()
	j := &javaReader{d: d, x: x, p: &Properties{}}
	vOff := r.offset()
	v := j.content()
	if r.err != nil {
		return
	}
	switch {
	case v.kind == 0:
		d.m.PropertiesNull = true
	case v.kind == 'o' && v.class != nil && strings.HasSuffix(v.class.name, "CheckpointProperties"):
		if j.p.Class == "SavepointType" && j.p.SharingFilesStrategy == "" {
			j.p.SharingFilesStrategy = "NO_SHARING" // SavepointType.getSharingFilesStrategy()
		}
		d.m.Properties = j.p
	default:
		r.corrupt(vOff, "a CheckpointProperties object or null", "another Java value")
	}
}

func (j *javaReader) fail(off int64, expected, found string) {
	j.d.r.corrupt(off, expected+" in the checkpoint properties", found)
}

// newHandle assigns the next wire handle.
func (j *javaReader) newHandle(v javaValue) int {
	x := j.x
	if x.nhandles == maxJavaHandles {
		j.fail(j.d.r.offset(), fmt.Sprintf("at most %d objects", maxJavaHandles), "more")
		return 0
	}
	x.handles[x.nhandles] = v
	x.nhandles++
	return x.nhandles - 1
}

// content reads one content element.
func (j *javaReader) content() javaValue {
	r := j.d.r
	if j.depth >= maxDepth {
		j.fail(r.offset(), fmt.Sprintf("at most %d nested objects", maxDepth), "deeper nesting")
		return javaValue{}
	}
	j.depth++
	defer func() { j.depth-- }()
	off := r.offset()
	tc := r.u8("a Java serialization element")
	if r.err != nil {
		return javaValue{}
	}
	switch tc {
	case tcNull:
		return javaValue{}
	case tcReference:
		h := r.i32("a Java serialization handle")
		i := int(h) - baseWireHandle
		if r.err != nil {
			return javaValue{}
		}
		if i < 0 || i >= j.x.nhandles {
			j.fail(off, fmt.Sprintf("a reference to one of %d earlier objects", j.x.nhandles), fmt.Sprintf("handle 0x%X", h))
			return javaValue{}
		}
		return j.x.handles[i]
	case tcClassDesc:
		return javaValue{kind: 'c', class: j.newClassDesc()}
	case tcString:
		h := j.newHandle(javaValue{})
		v := javaValue{kind: 's', s: r.utf("a Java string")}
		j.x.handles[h] = v
		return v
	case tcLongString:
		j.newHandle(javaValue{kind: 's'})
		n := r.i64("the length of a Java long string")
		r.skip(n, "a Java long string")
		return javaValue{kind: 's'}
	case tcEnum:
		c := j.classDesc()
		h := j.newHandle(javaValue{})
		name := j.content()
		v := javaValue{kind: 'e', s: name.s, class: c}
		j.x.handles[h] = v
		return v
	case tcObject:
		return j.object()
	}
	j.fail(off, "a Java serialization element of CheckpointProperties (null, reference, class, object, string or enum)",
		fmt.Sprintf("type code 0x%02X", tc))
	return javaValue{}
}

// classDesc reads a class descriptor position: new, reference or null.
func (j *javaReader) classDesc() *javaClass {
	r := j.d.r
	off := r.offset()
	v := j.content()
	if r.err != nil {
		return nil
	}
	switch v.kind {
	case 0:
		return nil
	case 'c':
		return v.class
	}
	j.fail(off, "a class descriptor", "another Java value")
	return nil
}

func (j *javaReader) newClassDesc() *javaClass {
	r, x := j.d.r, j.x
	if x.nclasses == maxJavaClasses {
		j.fail(r.offset(), fmt.Sprintf("at most %d classes", maxJavaClasses), "more")
		return nil
	}
	c := &x.classes[x.nclasses]
	x.nclasses++
	c.name = r.utf("a Java class name")
	r.i64("a serialVersionUID")
	j.newHandle(javaValue{kind: 'c', class: c})
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
		n = r.checkCount(cOff, int64(n), 3, "the number of Java class fields")
	}
	if n > maxJavaFields-x.nfields {
		j.fail(cOff, fmt.Sprintf("at most %d fields in all", maxJavaFields), fmt.Sprint(n))
		return c
	}
	c.first, c.fields = x.nfields, n
	for i := 0; i < n && r.err == nil; i++ {
		f := javaField{code: r.u8("a Java field type code"), name: r.utf("a Java field name")}
		switch f.code {
		case 'B', 'C', 'D', 'F', 'I', 'J', 'S', 'Z':
		case 'L', '[':
			j.content() // the field's type signature
		default:
			j.fail(r.offset()-1, "a Java field type code", fmt.Sprintf("0x%02X", f.code))
		}
		x.fields[x.nfields] = f
		x.nfields++
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

// object reads an object's field values, superclass fields first, and
// keeps the ones Properties needs.
func (j *javaReader) object() javaValue {
	r := j.d.r
	c := j.classDesc()
	v := javaValue{kind: 'o', class: c}
	j.newHandle(v)
	if c == nil {
		return v
	}
	var chain [maxJavaClasses]*javaClass
	n := 0
	for k := c; k != nil && n < len(chain); k = k.super {
		chain[n] = k
		n++
	}
	simple := c.name[strings.LastIndexByte(c.name, '.')+1:]
	if simple == "CheckpointType" || simple == "SavepointType" {
		j.p.Class = simple
	}
	for i := n - 1; i >= 0 && r.err == nil; i-- {
		k := chain[i]
		for _, f := range j.x.fields[k.first : k.first+k.fields] {
			switch f.code {
			case 'Z':
				j.setBool(f.name, r.bool("a Java boolean field"))
			case 'B':
				r.u8("a Java byte field")
			case 'C', 'S':
				r.u8("a Java field")
				r.u8("a Java field")
			case 'I', 'F':
				r.i32("a Java int field")
			case 'J', 'D':
				r.i64("a Java long field")
			default:
				fv := j.content()
				if simple == "CheckpointType" || simple == "SavepointType" {
					j.setString(f.name, fv.s)
				}
			}
		}
		if k.flags&scWriteMethod != 0 {
			j.annotations()
		}
	}
	return v
}

func (j *javaReader) setBool(field string, v bool) {
	p := j.p
	switch field {
	case "forced":
		p.Forced = v
	case "unclaimed":
		p.Unclaimed = v
	case "discardSubsumed":
		p.DiscardSubsumed = v
	case "discardFinished":
		p.DiscardFinished = v
	case "discardCancelled":
		p.DiscardCancelled = v
	case "discardFailed":
		p.DiscardFailed = v
	case "discardSuspended":
		p.DiscardSuspended = v
	}
}

func (j *javaReader) setString(field, v string) {
	p := j.p
	switch field {
	case "name":
		p.Type = v
	case "sharingFilesStrategy":
		p.SharingFilesStrategy = v
	case "formatType":
		p.FormatType = v
	case "postCheckpointAction":
		p.PostCheckpointAction = v
	}
}
