package flink

import (
	"bytes"
	"fmt"

	"github.com/ckptlens/ckptlens/parse/model"
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

// Class kinds the reader cares about.
const (
	classOther = iota
	classProperties
	classCheckpointType
	classSavepointType
)

// Field ids the reader cares about (0: any other field).
var javaFieldIDs = map[string]uint8{
	"forced": 1, "unclaimed": 2, "discardSubsumed": 3, "discardFinished": 4, "discardCancelled": 5,
	"discardFailed": 6, "discardSuspended": 7, "name": 8, "sharingFilesStrategy": 9, "formatType": 10,
	"postCheckpointAction": 11,
}

type javaClass struct {
	kind          uint8
	flags         byte
	first, fields uint8 // its fields are javaScratch.fields[first : first+fields]
	super         int8  // index in javaScratch.classes, -1 for none
}

type javaField struct {
	code byte // B C D F I J S Z L [
	id   uint8
}

// javaValue is a content element: a string, class, object or enum.
type javaValue struct {
	s     string
	kind  byte // 0 null, 's' string, 'c' class, 'o' object, 'e' enum
	class int8 // index in javaScratch.classes, -1 for none
}

// javaScratch holds the stream's tables (under a kilobyte).
type javaScratch struct {
	classes  [maxJavaClasses]javaClass
	fields   [maxJavaFields]javaField
	handles  [maxJavaHandles]javaValue
	nclasses int
	nfields  int
	nhandles int
}

type javaReader struct {
	d *decoder
	x *javaScratch
	p *model.CheckpointProperties
	// snapshotType is the class of the checkpointType object read:
	// CheckpointType or SavepointType.
	snapshotType string
	depth        int
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
	x := &d.s.java
	defer func() { *x = javaScratch{} }() // drop strings that point into the input
	j := &javaReader{d: d, x: x, p: &model.CheckpointProperties{}}
	vOff := r.offset()
	v := j.content()
	if r.err != nil {
		return
	}
	switch {
	case v.kind == 0:
		d.m.PropertiesNull = true
	case v.kind == 'o' && v.class >= 0 && x.classes[v.class].kind == classProperties:
		if j.snapshotType == "SavepointType" && j.p.SharingFilesStrategy == "" {
			j.p.SharingFilesStrategy = "NO_SHARING" // SavepointType.getSharingFilesStrategy()
		}
		d.m.Properties, d.m.SnapshotType = j.p, j.snapshotType
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
		return javaValue{class: -1}
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
		h := j.newHandle(javaValue{class: -1})
		v := javaValue{kind: 's', s: r.utf("a Java string"), class: -1}
		j.x.handles[h] = v
		return v
	case tcLongString:
		j.newHandle(javaValue{kind: 's', class: -1})
		n := r.i64("the length of a Java long string")
		r.skip(n, "a Java long string")
		return javaValue{kind: 's', class: -1}
	case tcEnum:
		c := j.classDesc()
		h := j.newHandle(javaValue{class: -1})
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

// classDesc reads a class descriptor position: new, reference or null. It
// returns the class index, -1 for null.
func (j *javaReader) classDesc() int8 {
	r := j.d.r
	off := r.offset()
	v := j.content()
	if r.err != nil {
		return -1
	}
	switch v.kind {
	case 0:
		return -1
	case 'c':
		return v.class
	}
	j.fail(off, "a class descriptor", "another Java value")
	return -1
}

func (j *javaReader) newClassDesc() int8 {
	r, x := j.d.r, j.x
	if x.nclasses == maxJavaClasses {
		j.fail(r.offset(), fmt.Sprintf("at most %d classes", maxJavaClasses), "more")
		return -1
	}
	ci := int8(x.nclasses)
	c := &x.classes[ci]
	x.nclasses++
	*c = javaClass{super: -1}
	name := r.utfView("a Java class name")
	switch {
	case bytes.HasSuffix(name, []byte(".CheckpointProperties")):
		c.kind = classProperties
	case bytes.HasSuffix(name, []byte(".CheckpointType")):
		c.kind = classCheckpointType
	case bytes.HasSuffix(name, []byte(".SavepointType")):
		c.kind = classSavepointType
	}
	r.i64("a serialVersionUID")
	j.newHandle(javaValue{kind: 'c', class: ci})
	fOff := r.offset()
	c.flags = r.u8("Java class flags")
	if r.err == nil && c.flags&scExternalizable != 0 {
		j.fail(fOff, "a Serializable class", "an Externalizable class")
		return ci
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
		return ci
	}
	c.first, c.fields = uint8(x.nfields), uint8(n)
	for i := 0; i < n && r.err == nil; i++ {
		code := r.u8("a Java field type code")
		f := javaField{code: code, id: javaFieldIDs[string(r.utfView("a Java field name"))]}
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
	super := j.classDesc()
	x.classes[ci].super = super
	return ci
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
	r, x := j.d.r, j.x
	ci := j.classDesc()
	v := javaValue{kind: 'o', class: ci}
	j.newHandle(v)
	if ci < 0 {
		return v
	}
	var chain [maxJavaClasses]int8
	n := 0
	for k := ci; k >= 0 && n < len(chain); k = x.classes[k].super {
		chain[n] = k
		n++
	}
	kind := x.classes[ci].kind
	switch kind {
	case classCheckpointType:
		j.snapshotType = "CheckpointType"
	case classSavepointType:
		j.snapshotType = "SavepointType"
	}
	for i := n - 1; i >= 0 && r.err == nil; i-- {
		k := x.classes[chain[i]]
		for _, f := range x.fields[k.first : int(k.first)+int(k.fields)] {
			switch f.code {
			case 'Z':
				j.setBool(f.id, r.bool("a Java boolean field"))
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
				if kind == classCheckpointType || kind == classSavepointType {
					j.setString(f.id, fv.s)
				}
			}
		}
		if k.flags&scWriteMethod != 0 {
			j.annotations()
		}
	}
	return v
}

func (j *javaReader) setBool(id uint8, v bool) {
	p := j.p
	switch id {
	case 1:
		p.Forced = v
	case 2:
		p.Unclaimed = v
	case 3:
		p.DiscardSubsumed = v
	case 4:
		p.DiscardFinished = v
	case 5:
		p.DiscardCancelled = v
	case 6:
		p.DiscardFailed = v
	case 7:
		p.DiscardSuspended = v
	}
}

func (j *javaReader) setString(id uint8, v string) {
	p := j.p
	switch id {
	case 8:
		p.Type = v
	case 9:
		p.SharingFilesStrategy = v
	case 10:
		p.FormatType = v
	case 11:
		p.PostCheckpointAction = v
	}
}
