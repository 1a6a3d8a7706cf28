package encode

import "encoding/hex"

// Sample is a small checkpoint of the given header version (2–6) that uses
// every handle kind the encoder writes and that the version allows: inline
// byte streams, absolute, relative and segment files, key groups (3/7/12),
// incremental (5/11), changelog (9/14), operator state (4/17), channel state
// and master state. text is woven into every name, uid, path and state name,
// so tests can check that hostile strings (HTML, JavaScript, quotes, NUL,
// non-BMP characters) travel through untouched; pass "" for plain names.
func Sample(version int, text string) *Metadata {
	root := "hdfs://nn:8020/jobs/flink/checkpoints/0123456789abcdef0123456789abcdef"
	m := &Metadata{
		Version:      version,
		CheckpointID: 17,
		MasterStates: []MasterState{{Name: "hook" + text, Version: 1, Payload: []byte{1, 2, 3, 4, 5, 6, 7, 8}}},
	}
	if version >= 4 {
		m.Properties = CheckpointProperties()
	}
	named := func(s string) string { return s + text }

	m.Operators = []Operator{sampleSource(version, root, named), sampleKeyed(version, root, named)}
	if version < 3 {
		clearNames(m.Operators)
		return m
	}

	// Unaligned checkpoint channel state, changelog handles and a fully
	// finished operator need V3+.
	m.Operators = append(m.Operators, sampleChannels(named), sampleFinished(named), sampleFileMerging(root, named))
	if version < 5 {
		clearNames(m.Operators)
	}
	return m
}

// sampleSource has operator state of every distribution mode, in a file and
// inline, and (V3+) a coordinator.
func sampleSource(version int, root string, named func(string) string) Operator {
	src := Operator{Name: named("Source: "), UID: named("source-"), ID: IDFor("sample-source"),
		Parallelism: 2, MaxParallelism: 128}
	if version >= 3 {
		src.Coordinator = &ByteStream{Name: hex.EncodeToString(src.ID[:]), Data: []byte("coordinator")}
	}
	src.Subtasks = []Subtask{
		{Index: 0, ManagedOperator: &OperatorState{
			States: []NamedOperatorState{
				{Name: named("offsets-"), Mode: SplitDistribute, Offsets: []int64{0, 40}},
				{Name: named("union-"), Mode: Union, Offsets: []int64{80}},
			},
			Delegate: &RelativeFile{Path: named("op-state-0-"), Size: 120},
		}},
		{Index: 1, ManagedOperator: &OperatorState{
			States:   []NamedOperatorState{{Name: named("broadcast-"), Mode: Broadcast, Offsets: []int64{0}}},
			Delegate: &ByteStream{Name: named(root + "/chk-17/inline-"), Data: []byte("inline operator state")},
		}},
	}
	return src
}

// sampleKeyed has incremental, full key-group and nested key-group keyed
// state, and (V3+) a finished subtask.
func sampleKeyed(version int, root string, named func(string) string) Operator {
	keyed := Operator{Name: named("KeyedProcess "), UID: named("keyed-"), ID: IDFor("sample-keyed"),
		Parallelism: 4, MaxParallelism: 128}
	incrementalTag := byte(IncrementalV2)
	if version < 4 {
		incrementalTag = IncrementalV1
	}
	keyed.Subtasks = []Subtask{
		{Index: 0, ManagedKeyed: &Incremental{Tag: incrementalTag, CheckpointID: 17,
			BackendID: "5f8d2a1e-1c3b-4f6a-9e2d-7b8c9d0e1f2a", StartKeyGroup: 0, NumKeyGroups: 32,
			CheckpointedSize: 3000, ID: "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d",
			Meta: &RelativeFile{Path: named("meta-"), Size: 999},
			Shared: []NamedHandle{
				{LocalPath: "000010.sst", Handle: &FileHandle{Path: named(root + "/shared/sst-a-"), Size: 1 << 20}},
				{LocalPath: "000011.sst", Handle: &FileHandle{Path: named(root + "/shared/sst-b-"), Size: 2 << 20}},
				{LocalPath: "000012.sst", Handle: &ByteStream{Name: named(root + "/shared/tiny-"), Data: []byte("tiny sst")}},
			},
			Private: []NamedHandle{
				{LocalPath: "MANIFEST-000004", Handle: &RelativeFile{Path: named("manifest-"), Size: 300}},
				{LocalPath: "CURRENT", Handle: &RelativeFile{Path: named("current-"), Size: 16}},
			},
		}},
		{Index: 1, ManagedKeyed: &KeyGroups{Tag: KeyGroupsV2, StartKeyGroup: 32, Offsets: []int64{0, 10, 20},
			Delegate: &RelativeFile{Path: named("keyed-full-"), Size: 30}, ID: "kg-v2-id"},
			RawKeyed: &KeyGroups{Tag: KeyGroupsSavepoint, StartKeyGroup: 32, Offsets: []int64{0},
				Delegate: &FileHandle{Path: named(root + "/chk-17/raw-"), Size: 5}}},
		{Index: 2, ManagedKeyed: &KeyGroups{Tag: KeyGroupsV1, StartKeyGroup: 64, Offsets: []int64{0, 7},
			Delegate: &KeyGroupsStream{StartKeyGroup: 64, Offsets: []int64{0, 7},
				Delegate: &RelativeFile{Path: named("nested-kg-"), Size: 14}}}},
	}
	if version >= 3 {
		keyed.Subtasks = append(keyed.Subtasks, Subtask{Index: 3, Finished: true})
	}
	return keyed
}

// sampleChannels has unaligned checkpoint channel state and changelog
// keyed state.
func sampleChannels(named func(string) string) Operator {
	channels := Operator{Name: named("Map "), ID: IDFor("sample-channels"), Parallelism: 1, MaxParallelism: 128}
	shared := &RelativeFile{Path: named("channel-state-"), Size: 4096}
	channels.Subtasks = []Subtask{{Index: 0,
		InputChannels: []Channel{
			{SubtaskIndex: 0, Info: [2]int32{0, 0}, Offsets: []int64{0, 100}, Size: 200, Delegate: shared},
			{SubtaskIndex: 0, Info: [2]int32{0, 1}, Offsets: []int64{200}, Size: 100, Delegate: shared},
		},
		ResultSubpartitions: []Channel{
			{SubtaskIndex: 0, Info: [2]int32{0, 3}, Offsets: []int64{0}, Size: 64,
				Delegate: &ByteStream{Name: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", Data: make([]byte, 64)}},
		},
		ManagedKeyed: &Changelog{StartKeyGroup: 0, NumKeyGroups: 128, CheckpointedSize: 77,
			Materialized: []KeyedHandle{&KeyGroups{Tag: KeyGroupsV2, StartKeyGroup: 0, Offsets: make([]int64, 128),
				Delegate: &RelativeFile{Path: named("materialized-"), Size: 700}, ID: "mat-id"}},
			NonMaterialized: []KeyedHandle{&InMemoryChangelog{StartKeyGroup: 0, NumKeyGroups: 128, From: 3, To: 5,
				Changes: []Change{{KeyGroup: -1, Data: []byte("meta")}, {KeyGroup: 5, Data: []byte("change")}}, ID: "inmem-id"}},
			MaterializationID: 2, CheckpointID: 17, ID: "changelog-id"},
	}}
	return channels
}

func sampleFinished(named func(string) string) Operator {
	return Operator{Name: named("Source: finished "), ID: IDFor("sample-finished"),
		Parallelism: 1, MaxParallelism: 128, FullyFinished: true}
}

// sampleFileMerging has segments of one physical file, and tag 17 operator
// state.
func sampleFileMerging(root string, named func(string) string) Operator {
	merged := Operator{Name: named("Sink "), UID: named("sink-"), ID: IDFor("sample-merging"),
		Parallelism: 1, MaxParallelism: 128}
	physical := root + "/shared/job_x_op_y_0_1/" + named("physical-")
	merged.Subtasks = []Subtask{{Index: 0,
		ManagedOperator: &OperatorState{
			States:      []NamedOperatorState{{Name: named("committables-"), Mode: SplitDistribute, Offsets: []int64{0}}},
			FileMerging: &FileMergingDirs{TaskOwnedDir: root + "/taskowned/job_x_tm_y", SharedDir: root + "/shared/job_x_op_y_0_1"},
			Delegate:    &Segment{StartPos: 0, Size: 50, Scope: 0, PhysicalPath: physical, LogicalID: "seg-1"},
		},
		ManagedKeyed: &Incremental{CheckpointID: 17, BackendID: "0f1e2d3c-4b5a-4968-8776-655443322110",
			StartKeyGroup: 0, NumKeyGroups: 128, ID: "fm-id",
			Meta: &Segment{StartPos: 50, Size: 25, Scope: 0, PhysicalPath: physical, LogicalID: "seg-2"},
			Shared: []NamedHandle{
				{LocalPath: "000020.sst", Handle: &Segment{StartPos: 75, Size: 1000, Scope: 1, PhysicalPath: physical, LogicalID: "seg-3"}},
				{LocalPath: "000021.sst", Handle: EmptySegment{}},
			}},
	}}
	return merged
}

// clearNames drops operator names and uids, which versions before 5 do not
// write.
func clearNames(ops []Operator) {
	for i := range ops {
		ops[i].Name, ops[i].UID = "", ""
	}
}
