package ckptlens.oracle;

import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.MasterState;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.StateObject;
import org.apache.flink.runtime.state.StreamStateHandle;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.changelog.ChangelogStateBackendHandle;
import org.apache.flink.runtime.state.changelog.ChangelogStateHandle;
import org.apache.flink.runtime.state.changelog.ChangelogStateHandleStreamImpl;
import org.apache.flink.runtime.state.changelog.inmemory.InMemoryChangelogStateHandle;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;
import org.apache.flink.runtime.state.filesystem.RelativeFileStateHandle;
import org.apache.flink.runtime.state.memory.ByteStreamStateHandle;
import org.apache.flink.api.java.tuple.Tuple2;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dumps what Flink's own loader sees in one _metadata file: every operator,
 * every referenced file grouped by handle class, sizes and inline bytes. Only
 * Flink's public getters are used (plus one same-package accessor for the
 * package-private CheckpointProperties flags).
 */
public final class Truth {
    public static final String SCHEMA = "ckptlens-flink-truth/1";

    private final List<Map<String, Object>> files = new ArrayList<>();
    private final List<Map<String, Object>> directories = new ArrayList<>();
    private final Set<String> unknownHandles = new LinkedHashSet<>();
    private long inlineBytes;
    private long inlineHandles;
    private long inMemoryChangelogBytes;
    private long emptySegmentHandles;

    // Context of the handle being walked.
    private String operatorId;
    private int subtask;
    private String stateType;
    private long operatorInline;

    /** Loads the file with Flink's loader. The external pointer is the directory holding it, so relative handles resolve. */
    public static CheckpointMetadata load(Path metadata) throws IOException {
        return load(metadata, metadata.toAbsolutePath().getParent().toString());
    }

    /** Loads the file with Flink's loader, resolving relative handles against the given external pointer. */
    public static CheckpointMetadata load(Path metadata, String pointer) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(metadata), 1 << 16)) {
            return Checkpoints.loadCheckpointMetadata(new DataInputStream(in), Truth.class.getClassLoader(), pointer);
        }
    }

    /** The header version: the int after the magic number, as the loader dispatches on it. */
    static int headerVersion(Path metadata) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(metadata))) {
            int magic = in.readInt();
            if (magic != Checkpoints.HEADER_MAGIC_NUMBER) {
                throw new IOException("not a Flink _metadata file: magic " + Integer.toHexString(magic));
            }
            return in.readInt();
        }
    }

    public static Map<String, Object> dump(Path metadata) throws IOException {
        return new Truth().describe(metadata, load(metadata));
    }

    /** Like dump, but relative handles resolve against pointer and the file is named by name (shared fixtures). */
    public static Map<String, Object> dump(Path metadata, String pointer, String name) throws IOException {
        Map<String, Object> out = new Truth().describe(metadata, load(metadata, pointer));
        out.put("metadata", name);
        return out;
    }

    private Map<String, Object> describe(Path metadata, CheckpointMetadata md) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("schema", SCHEMA);
        out.put("flinkVersion", org.apache.flink.runtime.util.EnvironmentInformation.getVersion());
        out.put("metadata", metadata.toAbsolutePath().toString());
        out.put("metadataBytes", Files.size(metadata));
        out.put("headerVersion", headerVersion(metadata));
        out.put("checkpointId", md.getCheckpointId());

        Map<String, Object> props = PropsCompat.properties(md);
        String kind = "unknown";
        String format = "";
        if (props != null) {
            kind = Boolean.TRUE.equals(props.get("isSavepoint")) ? "savepoint" : "checkpoint";
            Object f = props.get("formatType");
            if (f != null) format = f.toString().toLowerCase();
        }
        out.put("snapshotKind", kind);
        out.put("savepointFormat", format);
        out.put("properties", props);

        List<Map<String, Object>> masters = new ArrayList<>();
        for (MasterState ms : md.getMasterStates()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", ms.name());
            m.put("version", ms.version());
            m.put("bytes", (long) ms.bytes().length);
            masters.add(m);
        }
        out.put("masterStates", masters);

        List<Map<String, Object>> operators = new ArrayList<>();
        long totalState = 0, totalCheckpointed = 0;
        int totalSubtasks = 0;
        for (OperatorState op : md.getOperatorStates()) {
            operatorId = op.getOperatorID().toHexString();
            operatorInline = 0;
            long coordinatorBytes = 0;
            ByteStreamStateHandle coordinator = op.getCoordinatorState();
            if (coordinator != null) {
                coordinatorBytes = coordinator.getData().length;
                subtask = -1;
                stateType = "coordinator";
                stream(coordinator, "coordinator");
            }
            int finished = 0;
            for (Map.Entry<Integer, OperatorSubtaskState> e : op.getSubtaskStates().entrySet()) {
                subtask = e.getKey();
                OperatorSubtaskState s = e.getValue();
                if (s.isFinished()) finished++;
                walkSubtask(s);
            }
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("id", operatorId);
            o.put("name", NamesCompat.name(op));
            o.put("uid", NamesCompat.uid(op));
            o.put("parallelism", op.getParallelism());
            o.put("maxParallelism", op.getMaxParallelism());
            o.put("subtasks", op.getSubtaskStates().size());
            o.put("finishedSubtasks", finished);
            o.put("fullyFinished", op.isFullyFinished());
            o.put("stateSize", op.getStateSize());
            o.put("checkpointedSize", op.getCheckpointedSize());
            o.put("inlineBytes", operatorInline);
            o.put("coordinatorBytes", coordinatorBytes);
            operators.add(o);
            totalState += op.getStateSize();
            totalCheckpointed += op.getCheckpointedSize();
            totalSubtasks += op.getSubtaskStates().size();
        }
        out.put("operators", operators);

        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("stateSize", totalState);
        totals.put("checkpointedSize", totalCheckpointed);
        totals.put("operators", operators.size());
        totals.put("subtaskStates", totalSubtasks);
        totals.put("fileReferences", files.size());
        out.put("totals", totals);
        out.put("inlineBytes", inlineBytes);
        out.put("inlineHandles", inlineHandles);
        if (inMemoryChangelogBytes > 0) out.put("inMemoryChangelogBytes", inMemoryChangelogBytes);
        if (emptySegmentHandles > 0) out.put("emptySegmentHandles", emptySegmentHandles);
        out.put("handleClasses", FileSummary.byHandleClass(files));
        out.put("fileSummary", FileSummary.summarize(files));
        out.put("files", files);
        out.put("directories", directories);
        out.put("unknownHandles", new ArrayList<>(unknownHandles));
        return out;
    }

    private void walkSubtask(OperatorSubtaskState s) {
        stateType = "managedOperatorState";
        for (OperatorStateHandle h : s.getManagedOperatorState()) operatorHandle(h);
        stateType = "rawOperatorState";
        for (OperatorStateHandle h : s.getRawOperatorState()) operatorHandle(h);
        stateType = "managedKeyedState";
        for (KeyedStateHandle h : s.getManagedKeyedState()) keyed(h, "");
        stateType = "rawKeyedState";
        for (KeyedStateHandle h : s.getRawKeyedState()) keyed(h, "");
        stateType = "inputChannelState";
        for (StateObject h : s.getInputChannelState()) channel(h);
        stateType = "resultSubpartitionState";
        for (StateObject h : s.getResultSubpartitionState()) channel(h);
        stateType = "upstreamOutputBufferState";
        for (StateObject h : ChannelCompat.extra(s)) channel(h);
    }

    private void operatorHandle(OperatorStateHandle h) {
        for (String[] dir : SegmentCompat.mergingDirectories(h)) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("path", dir[1]);
            d.put("role", dir[0]);
            d.put("operator", operatorId);
            d.put("subtask", subtask);
            directories.add(d);
        }
        stream(h.getDelegateStateHandle(), "operator");
    }

    private void channel(StateObject h) {
        StreamStateHandle delegate = ChannelCompat.delegate(h);
        if (delegate == null) {
            unknownHandles.add(h.getClass().getName());
            return;
        }
        stream(delegate, "channel");
    }

    private void keyed(KeyedStateHandle h, String via) {
        if (h instanceof ChangelogStateBackendHandle c) {
            for (KeyedStateHandle m : c.getMaterializedStateHandles()) keyed(m, "changelog-materialized");
            for (ChangelogStateHandle n : c.getNonMaterializedStateHandles()) {
                if (n instanceof ChangelogStateHandleStreamImpl stream) {
                    for (Tuple2<StreamStateHandle, Long> t : stream.getHandlesAndOffsets()) {
                        referenced(t.f0, "changelog", "changelog-non-materialized", null, t.f1);
                    }
                } else if (n instanceof InMemoryChangelogStateHandle mem) {
                    inMemoryChangelogBytes += mem.getStateSize();
                } else {
                    unknownHandles.add(n.getClass().getName());
                }
            }
        } else if (h instanceof IncrementalRemoteKeyedStateHandle inc) {
            referenced(SharedStateCompat.meta(inc), "metadata", via, null, null);
            for (Object[] e : SharedStateCompat.shared(inc)) referenced((StreamStateHandle) e[1], "shared", via, (String) e[0], null);
            for (Object[] e : SharedStateCompat.privateState(inc)) referenced((StreamStateHandle) e[1], "private", via, (String) e[0], null);
        } else if (h instanceof KeyGroupsStateHandle kg) {
            // Also covers KeyGroupsSavepointStateHandle (canonical savepoints).
            referenced(kg.getDelegateStateHandle(), "keyed", via, null, null);
        } else {
            unknownHandles.add(h.getClass().getName());
        }
    }

    private void stream(StreamStateHandle h, String role) {
        referenced(h, role, "", null, null);
    }

    /** Records one referenced stream handle: a file, a file-merging segment, or inline bytes. */
    private void referenced(StreamStateHandle h, String role, String via, String localPath, Long offset) {
        if (h == null) return;
        if (h instanceof KeyGroupsStateHandle kg) { // a keyed handle used as a stream handle
            referenced(kg.getDelegateStateHandle(), role, via, localPath, offset);
            return;
        }
        if (h instanceof ByteStreamStateHandle b) {
            inlineBytes += b.getData().length;
            operatorInline += b.getData().length;
            inlineHandles++;
            return;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        Map<String, Object> segment = SegmentCompat.segment(h);
        if (segment != null && segment.containsKey("empty")) {
            emptySegmentHandles++;
            return;
        }
        if (h instanceof RelativeFileStateHandle r) {
            f.put("path", r.getRelativePath());
            f.put("relative", true);
            f.put("resolvedPath", r.getFilePath().toString());
        } else if (h instanceof FileStateHandle fh) {
            f.put("path", fh.getFilePath().toString());
            f.put("relative", false);
        } else if (segment != null) {
            f.put("path", segment.remove("path"));
            f.put("relative", false);
        } else {
            unknownHandles.add(h.getClass().getName());
            return;
        }
        f.put("bytes", h.getStateSize());
        f.put("handle", h.getClass().getSimpleName());
        f.put("role", role);
        if (!via.isEmpty()) f.put("via", via);
        f.put("stateType", stateType);
        f.put("operator", operatorId);
        f.put("subtask", subtask);
        if (localPath != null) f.put("localPath", localPath);
        if (offset != null) f.put("changelogOffset", offset);
        if (segment != null) f.put("segment", segment);
        files.add(f);
    }

}
