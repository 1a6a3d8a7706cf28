package flink

import (
	"bytes"
	"encoding/binary"
)

// builder writes _metadata bytes by hand, field by field, the way
// DataOutputStream does, so the package is tested without ../shared.
type builder struct{ bytes.Buffer }

func (b *builder) u8(v byte) *builder   { b.WriteByte(v); return b }
func (b *builder) i32(v int32) *builder { binary.Write(b, binary.BigEndian, v); return b }
func (b *builder) i64(v int64) *builder { binary.Write(b, binary.BigEndian, v); return b }
func (b *builder) utf(s string) *builder {
	binary.Write(b, binary.BigEndian, uint16(len(s)))
	b.WriteString(s)
	return b
}
func (b *builder) raw(p []byte) *builder { b.Write(p); return b }

func (b *builder) header(version int32, checkpointID int64) *builder {
	return b.i32(Magic).i32(version).i64(checkpointID)
}

func (b *builder) id(seed byte) *builder {
	for i := 0; i < 16; i++ {
		b.u8(seed + byte(i))
	}
	return b
}

// Stream handles.
func (b *builder) inline(name string, n int) *builder {
	b.u8(StreamByteStream).utf(name).i32(int32(n))
	b.Write(make([]byte, n))
	return b
}
func (b *builder) file(path string, size int64) *builder {
	return b.u8(StreamFile).i64(size).utf(path)
}
func (b *builder) relative(path string, size int64) *builder {
	return b.u8(StreamRelative).utf(path).i64(size)
}
func (b *builder) segment(path string, start, size int64) *builder {
	return b.u8(StreamSegment).i64(start).i64(size).i32(1).utf(path).utf("logical-" + path)
}

// keyGroups writes a key-group range with one offset per group.
func (b *builder) keyGroups(start, n int32) *builder {
	b.i32(start).i32(n)
	for i := int32(0); i < n; i++ {
		b.i64(int64(i) * 10)
	}
	return b
}

// partitionable writes an operator handle header (tag 4) with one named
// state of two offsets; the caller writes the delegate.
func (b *builder) partitionable(name string) *builder {
	return b.u8(OperatorPartitionable).i32(1).utf(name).u8(Union).i32(2).i64(0).i64(5)
}

// checkpointPropertiesBlob is a Java serialization stream of
// CheckpointProperties with a CheckpointType, laid out as §8 shows.
func checkpointPropertiesBlob(typeName, strategy string) []byte {
	var b builder
	b.raw([]byte{0xAC, 0xED, 0x00, 0x05})
	b.u8(0x73).u8(0x72).utf("org.apache.flink.runtime.checkpoint.CheckpointProperties").i64(2).u8(0x02)
	b.raw([]byte{0, 8})
	for _, f := range []string{"discardCancelled", "discardFailed", "discardFinished", "discardSubsumed",
		"discardSuspended", "forced", "unclaimed"} {
		b.u8('Z').utf(f)
	}
	b.u8('L').utf("checkpointType").u8(0x74).utf("Lorg/apache/flink/runtime/checkpoint/SnapshotType;")
	b.u8(0x78).u8(0x70)
	b.raw([]byte{1, 0, 1, 1, 1, 0, 0}) // cancelled, -failed, finished, subsumed, suspended, -forced, -unclaimed
	b.u8(0x73).u8(0x72).utf("org.apache.flink.runtime.checkpoint.CheckpointType").i64(-2963844630364414662).u8(0x02)
	b.raw([]byte{0, 2})
	b.u8('L').utf("name").u8(0x74).utf("Ljava/lang/String;")
	b.u8('L').utf("sharingFilesStrategy").u8(0x74).utf("Lorg/apache/flink/runtime/checkpoint/SnapshotType$SharingFilesStrategy;")
	b.u8(0x78).u8(0x70)
	b.u8(0x74).utf(typeName)
	b.u8(0x7E).u8(0x72).utf("org.apache.flink.runtime.checkpoint.SnapshotType$SharingFilesStrategy").i64(0).u8(0x12)
	b.raw([]byte{0, 0}).u8(0x78)
	b.u8(0x72).utf("java.lang.Enum").i64(0).u8(0x12).raw([]byte{0, 0}).u8(0x78).u8(0x70)
	b.u8(0x74).utf(strategy)
	return b.Bytes()
}
