package flink

import "fmt"

// enter guards recursion into nested handles.
func (d *decoder) enter(what string) bool {
	if d.depth >= maxDepth {
		d.r.corrupt(d.r.offset(), fmt.Sprintf("at most %d nested state handles", maxDepth),
			"deeper nesting in "+what)
		return false
	}
	d.depth++
	return true
}

// stream reads a StreamStateHandle (§7.1); Tag 0 when absent.
func (d *decoder) stream(what string) (h StreamHandle) {
	r := d.r
	off := r.offset()
	h.Tag = r.u8(what)
	if r.err != nil {
		return StreamHandle{}
	}
	switch h.Tag {
	case StreamNull:
	case StreamByteStream:
		h.Path = r.utf("the name of an inline state handle")
		lOff := r.offset()
		h.StateSize = int64(r.i32("the length of inline state"))
		if r.err == nil && h.StateSize < 0 {
			r.corrupt(lOff, "a non-negative inline state length", fmt.Sprint(h.StateSize))
		}
		r.skip(h.StateSize, "inline state")
	case StreamFile:
		d.fileHandles++
		h.StateSize = r.i64("the size of a file state handle")
		h.Path = r.utf("the path of a file state handle")
	case StreamRelative:
		d.fileHandles++
		h.Path = r.utf("the path of a relative file state handle")
		h.StateSize = r.i64("the size of a relative file state handle")
		d.seen(11)
	case StreamKeyGroups:
		x := StreamExtra{KeyGroups: d.keyGroupOffsets()}
		if d.enter(what) {
			x.Delegate = d.stream("the delegate of a key-group stream handle")
			d.depth--
		}
		h.Extra = keep(d.counting, &d.s.extras, x, &countedExtra)
		d.seen(13)
	case StreamSegment:
		d.fileHandles++
		var x StreamExtra
		x.StartPos = r.i64("the start of a file segment")
		h.StateSize = r.i64("the size of a file segment")
		sOff := r.offset()
		scope := r.i32("the scope of a file segment")
		if r.err == nil && scope != 0 && scope != 1 {
			r.corrupt(sOff, "a segment scope 0 (exclusive) or 1 (shared)", fmt.Sprint(scope))
		}
		h.Scope = int8(scope)
		h.Path = r.utf("the physical file path of a file segment")
		x.LogicalFileID = r.utf("the logical file id of a file segment")
		h.Extra = keep(d.counting, &d.s.extras, x, &countedExtra)
		d.seen(20)
	case StreamEmptySegment:
		d.seen(20)
	default:
		r.corrupt(off, what+": a stream state handle tag (0, 1, 2, 3, 6, 15 or 16)", fmt.Sprintf("tag %d", h.Tag))
		return StreamHandle{}
	}
	return h
}

// keyGroupOffsets reads a key-group range followed by one i64 offset per key
// group, skipping the offsets.
func (d *decoder) keyGroupOffsets() KeyGroupRange {
	r := d.r
	kg := KeyGroupRange{Start: r.i32("the first key group")}
	off := r.offset()
	kg.Count = r.i32("the number of key groups")
	if r.err == nil {
		n := r.checkCount(off, int64(kg.Count), 8, "the number of key-group offsets")
		r.skip(int64(n)*8, "key-group offsets")
	}
	return kg
}

// keyGroupRange reads a range without offsets.
func (d *decoder) keyGroupRange() KeyGroupRange {
	r := d.r
	kg := KeyGroupRange{Start: r.i32("the first key group")}
	off := r.offset()
	kg.Count = r.i32("the number of key groups")
	if r.err == nil && kg.Count < 0 {
		r.corrupt(off, "a non-negative number of key groups", fmt.Sprint(kg.Count))
	}
	return kg
}

// keyed reads a KeyedStateHandle (§7.2); nil for tag 0.
func (d *decoder) keyed(what string) *KeyedHandle {
	r := d.r
	off := r.offset()
	tag := int8(r.u8(what))
	if r.err != nil || tag == KeyedNull {
		return nil
	}
	h := KeyedHandle{Tag: tag}
	switch tag {
	case KeyedKeyGroups, KeyedSavepointKeyGroups, KeyedKeyGroupsV2:
		h.KeyGroups = d.keyGroupOffsets()
		h.Delegate = d.stream("the delegate of a key-group state handle")
		switch tag {
		case KeyedKeyGroupsV2:
			h.HandleID = r.utf("the state handle id")
			d.seen(15)
		case KeyedSavepointKeyGroups:
			d.seen(13)
		}
	case KeyedIncremental, KeyedIncrementalV2:
		h.KeyGroups, h.HandleID, h.Incremental = d.incremental(tag)
	case KeyedChangelog, KeyedChangelogV2:
		h.KeyGroups, h.HandleID, h.Changelog = d.changelog(tag, what)
	case KeyedChangelogBytes:
		h.KeyGroups, h.HandleID, h.Changelog = d.changelogBytes()
	case KeyedChangelogFile, KeyedChangelogFileV2:
		h.KeyGroups, h.HandleID, h.Changelog = d.changelogFile(tag)
	default:
		r.corrupt(off, what+": a keyed state handle tag (0, 3, 5, 7 or 8–14)", fmt.Sprintf("tag %d", tag))
		return nil
	}
	return keep(d.counting, &d.s.keyed, h, &countedKeyed)
}

// incremental reads the body of an IncrementalRemoteKeyedStateHandle (tags
// 5, 11). Like changelog, it returns the parts of the keyed handle.
func (d *decoder) incremental(tag int8) (kg KeyGroupRange, handleID string, _ *IncrementalState) {
	r := d.r
	x := IncrementalState{CheckpointedSize: checkpointedSizeUnknown}
	x.CheckpointID = r.i64("the checkpoint id of an incremental state handle")
	x.BackendIdentifier = r.utf("the backend identifier of an incremental state handle")
	kg = d.keyGroupRange()
	if tag == KeyedIncrementalV2 {
		x.CheckpointedSize = r.i64("the checkpointed size of an incremental state handle")
		d.seen(15)
	}
	x.Meta = d.stream("the meta-state handle of an incremental state handle")
	x.Shared = d.localFiles("the number of shared files", "the local path of a shared file", "the handle of a shared file")
	x.Private = d.localFiles("the number of private files", "the local path of a private file", "the handle of a private file")
	if tag == KeyedIncrementalV2 {
		handleID = r.utf("the state handle id")
	}
	return kg, handleID, keep(d.counting, &d.s.increm, x, &countedIncremental)
}

// changelogBytes reads an InMemoryChangelogStateHandle (tag 9): its changes
// are counted and skipped.
func (d *decoder) changelogBytes() (kg KeyGroupRange, handleID string, _ *ChangelogState) {
	r := d.r
	d.sawChangelog = true
	d.seen(14)
	var x ChangelogState
	kg = d.keyGroupRange()
	x.From = r.i64("the first sequence number")
	x.To = r.i64("the last sequence number")
	n := r.count(8, "the number of changelog changes")
	x.Changes = int32(n)
	for i := 0; i < n && r.err == nil; i++ {
		if r.i32("the key group of a change") == -1 {
			x.MetaChanges++
		}
		lOff := r.offset()
		l := int64(r.i32("the length of a change"))
		if r.err == nil && l < 0 {
			r.corrupt(lOff, "a non-negative change length", fmt.Sprint(l))
		}
		r.skip(l, "a changelog change")
		x.ChangeBytes += l
	}
	if !d.changelog114 {
		handleID = r.utf("the state handle id")
		d.sawChangelog115 = true
	}
	return kg, handleID, keep(d.counting, &d.s.changelog, x, &countedChangelog)
}

// changelogFile reads a ChangelogStateHandleStreamImpl (tags 10, 13): the
// file deltas of a changelog.
func (d *decoder) changelogFile(tag int8) (kg KeyGroupRange, handleID string, _ *ChangelogState) {
	r := d.r
	d.sawChangelog = true
	d.seen(14)
	x := ChangelogState{StorageIdentifier: "filesystem"}
	kg = d.keyGroupRange()
	n := r.count(9, "the number of changelog file deltas")
	mark := d.s.deltas.mark()
	for i := 0; i < n && r.err == nil; i++ {
		o := r.i64("the offset of a changelog delta")
		d.s.deltas.push(d.counting, ChangelogDelta{Offset: o, Handle: d.stream("the handle of a changelog delta")})
	}
	x.Deltas = d.s.deltas.list(mark)
	x.StateSize = r.i64("the size of a changelog file handle")
	if tag == KeyedChangelogFileV2 || !d.changelog114 {
		x.CheckpointedSize = r.i64("the checkpointed size of a changelog file handle")
		x.HasCheckpointedSize = true
		handleID = r.utf("the state handle id")
		d.sawChangelog115 = true
	}
	if tag == KeyedChangelogFileV2 {
		x.StorageIdentifier = r.utf("the storage identifier")
		d.seen(16)
	}
	return kg, handleID, keep(d.counting, &d.s.changelog, x, &countedChangelog)
}

// changelog reads the body of a ChangelogStateBackendHandle (tags 8, 14).
// It fills locals and returns the parts of the keyed handle, so no pointer
// to a local escapes through the recursion.
func (d *decoder) changelog(tag int8, what string) (kg KeyGroupRange, handleID string, _ *ChangelogState) {
	r := d.r
	d.sawChangelog = true
	d.seen(14)
	var x ChangelogState
	kg = d.keyGroupRange()
	old := tag == KeyedChangelog && d.changelog114
	if !old {
		x.CheckpointedSize = r.i64("the checkpointed size of a changelog state handle")
		x.HasCheckpointedSize = true
	}
	if !d.enter(what) {
		return kg, "", keep(d.counting, &d.s.changelog, x, &countedChangelog)
	}
	// Changelog handles nest, so their lists go through a stack, not a slab.
	n := r.count(1, "the number of materialized state handles")
	mark := len(d.keyedList)
	for i := 0; i < n && r.err == nil; i++ {
		// Flink drops absent materialized handles (with a warning).
		if k := d.keyed("a materialized state handle"); k != nil && !d.counting {
			d.keyedList = append(d.keyedList, k)
		}
	}
	x.Materialized = d.keyedList.take(mark)
	n = r.count(1, "the number of non-materialized state handles")
	for i := 0; i < n && r.err == nil; i++ {
		k := d.keyed("a non-materialized state handle")
		if !d.counting {
			d.keyedList = append(d.keyedList, k)
		}
	}
	x.NonMaterialized = d.keyedList.take(mark)
	d.depth--
	if old {
		return kg, "", keep(d.counting, &d.s.changelog, x, &countedChangelog)
	}
	x.MaterializationID = r.i64("the materialization id")
	x.CheckpointID = x.MaterializationID
	if tag == KeyedChangelogV2 {
		x.CheckpointID = r.i64("the checkpoint id of a changelog state handle")
		d.seen(16)
	} else {
		d.sawChangelog115 = true
	}
	handleID = r.utf("the state handle id")
	return kg, handleID, keep(d.counting, &d.s.changelog, x, &countedChangelog)
}

// localFiles reads the (local path, handle) list of an incremental handle.
func (d *decoder) localFiles(what, pathWhat, handleWhat string) []LocalFile {
	r := d.r
	n := r.count(3, what)
	mark := d.s.locals.mark()
	for i := 0; i < n && r.err == nil; i++ {
		p := r.utf(pathWhat)
		d.s.locals.push(d.counting, LocalFile{LocalPath: p, Handle: d.stream(handleWhat)})
	}
	return d.s.locals.list(mark)
}

// operator reads an OperatorStateHandle (§7.3); nil for tag 0.
func (d *decoder) operator(what string) *OperatorHandle {
	r := d.r
	off := r.offset()
	tag := int8(r.u8(what))
	if r.err != nil || tag == OperatorNull {
		return nil
	}
	if tag != OperatorPartitionable && tag != OperatorFileMerging {
		r.corrupt(off, what+": an operator state handle tag (0, 4 or 17)", fmt.Sprintf("tag %d", tag))
		return nil
	}
	h := OperatorHandle{Tag: tag}
	n := r.count(2+1+4, "the number of named operator states")
	mark := d.s.named.mark()
	for i := 0; i < n && r.err == nil; i++ {
		s := NamedOperatorState{Name: r.utf("an operator state name")}
		mOff := r.offset()
		s.Mode = int8(r.u8("an operator state distribution mode"))
		if r.err == nil && (s.Mode < SplitDistribute || s.Mode > Broadcast) {
			r.corrupt(mOff, "a distribution mode 0 (split), 1 (union) or 2 (broadcast)", fmt.Sprint(s.Mode))
		}
		cOff := r.offset()
		c := r.i32("the number of partition offsets")
		if r.err == nil {
			k := r.checkCount(cOff, int64(c), 8, "the number of partition offsets")
			r.skip(int64(k)*8, "partition offsets")
			s.Offsets = int32(k)
		}
		d.s.named.push(d.counting, s)
	}
	h.States = d.s.named.list(mark)
	if tag == OperatorFileMerging {
		fm := FileMergingDirs{
			TaskOwnedDir: r.utf("the task-owned directory of a file-merging handle"),
			SharedDir:    r.utf("the shared directory of a file-merging handle"),
			Empty:        r.bool("the empty flag of a file-merging handle"),
		}
		h.FileMerging = keep(d.counting, &d.s.fileMerge, fm, &countedFileMerging)
		d.seen(20)
	}
	h.Delegate = d.stream("the delegate of an operator state handle")
	if tag == OperatorFileMerging && r.err == nil && h.Delegate.Tag != StreamSegment && h.Delegate.Tag != StreamEmptySegment {
		d.warn(warnFileMerging, "a file-merging operator state handle at byte %d does not delegate to a file segment; Flink refuses such a file", off)
	}
	return keep(d.counting, &d.s.opHandles, h, &countedOperator)
}

// channel reads one input-channel or result-subpartition handle (§7.4).
func (d *decoder) channel(input bool) (h ChannelHandle) {
	r := d.r
	d.sawChannel = true
	off := r.offset()
	h.Kind, h.SubtaskIndex = ChannelResultSubpartition, -1
	if input {
		h.Kind = ChannelInput
	}
	if d.version >= 6 {
		tag := r.u8("a channel state handle tag")
		if r.err != nil {
			return h
		}
		plain, merged := byte(ChannelResultSubpartition), byte(ChannelMergedResultSubpartition)
		what := "a result subpartition handle tag (2 or 4)"
		if input {
			plain, merged, what = ChannelInput, ChannelMergedInput, "an input channel handle tag (1 or 3)"
		}
		switch tag {
		case plain:
		case merged:
			h.Kind = merged
			h.SubtaskIndex = r.i32("the subtask index of a merged channel handle")
			h.StateSize = r.i64("the size of a merged channel handle")
			h.Delegate = d.stream("the delegate of a merged channel handle")
			bOff := r.offset()
			n := int64(r.i32("the length of the channel offsets"))
			if r.err == nil && n < 0 {
				r.corrupt(bOff, "a non-negative channel offsets length", fmt.Sprint(n))
			} else if r.err == nil && n > r.remaining() {
				r.tooLong(bOff, n, "a channel offsets length")
			}
			if n >= 4 {
				h.Channels = r.i32("the number of merged channels")
				n -= 4
			}
			r.skip(n, "the channel offsets")
			return h
		default:
			r.corrupt(off, what, fmt.Sprintf("tag %d", tag))
			return h
		}
	}
	if !d.channel111 {
		h.SubtaskIndex = r.i32("the subtask index of a channel handle")
	}
	h.Info[0] = r.i32("the gate or partition index")
	h.Info[1] = r.i32("the channel or subpartition index")
	cOff := r.offset()
	c := r.i32("the number of channel buffer offsets")
	if r.err == nil {
		k := r.checkCount(cOff, int64(c), 8, "the number of channel buffer offsets")
		r.skip(int64(k)*8, "channel buffer offsets")
		h.Offsets = int32(k)
	}
	h.StateSize = r.i64("the size of a channel handle")
	h.Delegate = d.stream("the delegate of a channel handle")
	return h
}
