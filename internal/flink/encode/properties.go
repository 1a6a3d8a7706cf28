package encode

import "github.com/ckptlens/ckptlens/parse/model"

// Properties are written after the operators of V4+ files as a Java Object
// Serialization stream (spec §8). Type picks the class: a savepoint type
// name writes a SavepointType, any other a CheckpointType. Empty
// SharingFilesStrategy and PostCheckpointAction follow from Type, and an
// empty FormatType is CANONICAL.

// CheckpointProperties is a retained checkpoint
// (RETAIN_ON_CANCELLATION, the usual setting for externalized checkpoints).
func CheckpointProperties() *model.CheckpointProperties {
	return &model.CheckpointProperties{Type: "Checkpoint", DiscardSubsumed: true, DiscardFinished: true}
}

// SavepointProperties is a forced savepoint of the given format
// ("CANONICAL" or "NATIVE").
func SavepointProperties(format string) *model.CheckpointProperties {
	return &model.CheckpointProperties{Type: "Savepoint", FormatType: format, Forced: true}
}

func isSavepoint(p *model.CheckpointProperties) bool {
	switch p.Type {
	case "Savepoint", "Suspend Savepoint", "Terminate Savepoint":
		return true
	}
	return false
}

// sharingStrategy is the CheckpointType's stored strategy.
func sharingStrategy(p *model.CheckpointProperties) string {
	switch {
	case p.SharingFilesStrategy != "":
		return p.SharingFilesStrategy
	case p.Type == "Full Checkpoint":
		return "FORWARD"
	}
	return "FORWARD_BACKWARD"
}

func postCheckpointAction(p *model.CheckpointProperties) string {
	if p.PostCheckpointAction != "" {
		return p.PostCheckpointAction
	}
	switch p.Type {
	case "Suspend Savepoint":
		return "SUSPEND"
	case "Terminate Savepoint":
		return "TERMINATE"
	}
	return "NONE"
}

// Java serialization constants.
const (
	tcNull        = 0x70
	tcReference   = 0x71
	tcClassDesc   = 0x72
	tcObject      = 0x73
	tcString      = 0x74
	tcEnum        = 0x7E
	tcEndBlock    = 0x78
	baseHandle    = 0x7E0000
	scSerializble = 0x02
	scEnum        = 0x10
)

// javaStream writes the subset of Java Object Serialization that
// ObjectOutputStream.writeObject(properties) produces. Handles are numbered
// in the order objects are started; repeated strings and class descriptors
// become back-references, as in the JVM (all of them are interned literals).
type javaStream struct {
	w       *writer
	next    int32
	handles map[string]int32 // "s:"+string or "c:"+class name
}

func (j *javaStream) assign(key string) {
	j.handles[key] = baseHandle + j.next
	j.next++
}

func (j *javaStream) ref(key string) bool {
	h, ok := j.handles[key]
	if ok {
		j.w.u8(tcReference)
		j.w.i32(h)
	}
	return ok
}

func (j *javaStream) string(s string) {
	if j.ref("s:" + s) {
		return
	}
	j.w.u8(tcString)
	j.assign("s:" + s)
	j.w.utf(s)
}

type javaField struct {
	code byte // 'Z' or 'L'
	name string
	sig  string // for 'L'
}

// classDesc writes a descriptor (or a reference to an earlier one). super
// writes the superclass descriptor.
func (j *javaStream) classDesc(name string, suid int64, flags byte, fields []javaField, super func()) {
	if j.ref("c:" + name) {
		return
	}
	w := j.w
	w.u8(tcClassDesc)
	w.utf(name)
	w.i64(suid)
	j.assign("c:" + name)
	w.u8(flags)
	w.i16(int16(len(fields)))
	for _, f := range fields {
		w.u8(f.code)
		w.utf(f.name)
		if f.code == 'L' {
			j.string(f.sig)
		}
	}
	w.u8(tcEndBlock)
	if super == nil {
		w.u8(tcNull)
	} else {
		super()
	}
}

func (j *javaStream) enum(class, constant string) {
	j.w.u8(tcEnum)
	j.classDesc(class, 0, scSerializble|scEnum, nil, func() {
		j.classDesc("java.lang.Enum", 0, scSerializble|scEnum, nil, nil)
	})
	j.assign("e:" + class + "." + constant)
	j.string(constant)
}

const (
	sigString       = "Ljava/lang/String;"
	classProperties = "org.apache.flink.runtime.checkpoint.CheckpointProperties"
	classCheckpoint = "org.apache.flink.runtime.checkpoint.CheckpointType"
	classSavepoint  = "org.apache.flink.runtime.checkpoint.SavepointType"
	classSharing    = "org.apache.flink.runtime.checkpoint.SnapshotType$SharingFilesStrategy"
	classFormat     = "org.apache.flink.core.execution.SavepointFormatType"
	classAction     = "org.apache.flink.runtime.checkpoint.SavepointType$PostCheckpointAction"
	// JVM-computed serialVersionUIDs (the classes declare none).
	suidCheckpointType = -2963844630364414662
	suidSavepointType  = -6879297871714708296
)

func writeProperties(w *writer, p *model.CheckpointProperties) {
	w.raw([]byte{0xAC, 0xED, 0x00, 0x05})
	if p == nil {
		w.u8(tcNull)
		return
	}
	j := &javaStream{w: w, handles: map[string]int32{}}
	w.u8(tcObject)
	// Primitive fields first, then object fields, each sorted by name.
	j.classDesc(classProperties, 2, scSerializble, []javaField{
		{'Z', "discardCancelled", ""}, {'Z', "discardFailed", ""}, {'Z', "discardFinished", ""},
		{'Z', "discardSubsumed", ""}, {'Z', "discardSuspended", ""}, {'Z', "forced", ""},
		{'Z', "unclaimed", ""},
		{'L', "checkpointType", "Lorg/apache/flink/runtime/checkpoint/SnapshotType;"},
	}, nil)
	j.assign("o:properties")
	for _, b := range []bool{p.DiscardCancelled, p.DiscardFailed, p.DiscardFinished,
		p.DiscardSubsumed, p.DiscardSuspended, p.Forced, p.Unclaimed} {
		w.bool(b)
	}
	w.u8(tcObject)
	if isSavepoint(p) {
		j.classDesc(classSavepoint, suidSavepointType, scSerializble, []javaField{
			{'L', "formatType", "Lorg/apache/flink/core/execution/SavepointFormatType;"},
			{'L', "name", sigString},
			{'L', "postCheckpointAction", "Lorg/apache/flink/runtime/checkpoint/SavepointType$PostCheckpointAction;"},
		}, nil)
		j.assign("o:type")
		format := p.FormatType
		if format == "" {
			format = "CANONICAL"
		}
		j.enum(classFormat, format)
		j.string(p.Type)
		j.enum(classAction, postCheckpointAction(p))
		return
	}
	j.classDesc(classCheckpoint, suidCheckpointType, scSerializble, []javaField{
		{'L', "name", sigString},
		{'L', "sharingFilesStrategy", "Lorg/apache/flink/runtime/checkpoint/SnapshotType$SharingFilesStrategy;"},
	}, nil)
	j.assign("o:type")
	j.string(p.Type)
	j.enum(classSharing, sharingStrategy(p))
}
