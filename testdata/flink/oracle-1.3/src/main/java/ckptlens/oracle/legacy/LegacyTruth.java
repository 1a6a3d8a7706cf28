package ckptlens.oracle.legacy;

import ckptlens.oracle.LegacyBridge;
import org.apache.flink.runtime.checkpoint.MasterState;
import org.apache.flink.runtime.checkpoint.SubtaskState;
import org.apache.flink.runtime.checkpoint.TaskState;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.savepoint.Savepoint;
import org.apache.flink.runtime.checkpoint.savepoint.SavepointStore;
import org.apache.flink.runtime.state.ChainedStateHandle;
import org.apache.flink.runtime.state.IncrementalKeyedStateHandle;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.StateHandleID;
import org.apache.flink.runtime.state.StreamStateHandle;
import org.apache.flink.runtime.state.filesystem.FileStateHandle;
import org.apache.flink.runtime.state.memory.ByteStreamStateHandle;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Truth with Flink 1.3's loader for files newer releases reject: header version 1
 * (Flink 1.2) and version 2 with legacy 'Checkpointed' state. Version 1 is
 * task-level: each record is a job vertex (its id is the "operator" id). Flink 1.3
 * has no checkpointed size, so checkpointedSize is null.
 *
 *   truth METADATA [OUT]  |  truth-shared FIXTURES OUT --only-missing
 */
public final class LegacyTruth {
    private final List<Map<String, Object>> files = new ArrayList<>();
    private final Set<String> unknownHandles = new LinkedHashSet<>();
    private long inlineBytes, inlineHandles, operatorInline;
    private String operatorId, stateType;
    private int subtask;

    public static void main(String[] args) {
        try {
            if (args.length >= 2 && args[0].equals("truth")) {
                String json = LegacyBridge.json(dump(Paths.get(args[1]), null));
                if (args.length > 2) Files.writeString(Paths.get(args[2]), json, StandardCharsets.UTF_8);
                else System.out.print(json);
            } else if (args.length >= 3 && args[0].equals("truth-shared")) {
                truthShared(Paths.get(args[1]), Paths.get(args[2]));
            } else {
                System.err.println("usage: truth METADATA [OUT] | truth-shared FIXTURES OUT [--only-missing]");
                System.exit(2);
            }
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    static void truthShared(Path fixtures, Path out) throws IOException {
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> s = Files.list(fixtures)) {
            s.filter(d -> Files.exists(d.resolve("_metadata"))).sorted().forEach(dirs::add);
        }
        int ok = 0, failed = 0, skipped = 0;
        for (Path d : dirs) {
            String id = d.getFileName().toString();
            Path target = out.resolve(id + ".json");
            if (Files.exists(target)) {
                skipped++;
                continue;
            }
            try {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("fixture", id);
                t.putAll(dump(d.resolve("_metadata"), "fixtures/flink/" + id + "/_metadata"));
                Files.writeString(target, LegacyBridge.json(t), StandardCharsets.UTF_8);
                ok++;
            } catch (Exception | LinkageError e) {
                failed++;
                System.err.println("unreadable " + id + ": " + e);
            }
        }
        System.err.printf("truth-shared: %d written, %d unreadable by this release, %d already present%n", ok, failed, skipped);
    }

    static Map<String, Object> dump(Path metadata, String name) throws IOException {
        int version;
        try (DataInputStream in = new DataInputStream(Files.newInputStream(metadata))) {
            if (in.readInt() != SavepointStore.MAGIC_NUMBER) throw new IOException("not a Flink _metadata file");
            version = in.readInt();
        }
        if (version != 1 && version != 2) throw new IOException("Flink 1.3 reads header versions 1 and 2, not " + version);
        Savepoint sp = SavepointStore.loadSavepoint(metadata.toAbsolutePath().toString(), LegacyTruth.class.getClassLoader());
        return new LegacyTruth().describe(metadata, name, version, sp);
    }

    private Map<String, Object> describe(Path metadata, String name, int version, Savepoint sp) throws IOException {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("schema", "ckptlens-flink-truth/1");
        out.put("flinkVersion", org.apache.flink.runtime.util.EnvironmentInformation.getVersion());
        out.put("metadata", name != null ? name : metadata.toAbsolutePath().toString());
        out.put("metadataBytes", Files.size(metadata));
        out.put("headerVersion", version);
        out.put("checkpointId", sp.getCheckpointId());
        out.put("snapshotKind", "unknown");
        out.put("savepointFormat", "");
        out.put("properties", null);
        List<Map<String, Object>> masters = new ArrayList<>();
        for (MasterState ms : sp.getMasterStates()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", ms.name());
            m.put("version", ms.version());
            m.put("bytes", (long) ms.bytes().length);
            masters.add(m);
        }
        out.put("masterStates", masters);
        List<Map<String, Object>> operators = new ArrayList<>();
        long total = 0;
        int subtasks = 0;
        if (version == 1) {
            for (TaskState task : sp.getTaskStates()) {
                operatorId = task.getJobVertexID().toString();
                operatorInline = 0;
                for (Map.Entry<Integer, SubtaskState> e : task.getSubtaskStates().entrySet()) {
                    subtask = e.getKey();
                    SubtaskState s = e.getValue();
                    stateType = "legacyOperatorState";
                    legacy(s.getLegacyOperatorState());
                    stateType = "managedOperatorState";
                    chained(s.getManagedOperatorState());
                    stateType = "rawOperatorState";
                    chained(s.getRawOperatorState());
                    stateType = "managedKeyedState";
                    keyed(s.getManagedKeyedState());
                    stateType = "rawKeyedState";
                    keyed(s.getRawKeyedState());
                }
                Map<String, Object> o = operator(task.getParallelism(), task.getMaxParallelism(), task.getSubtaskStates().size(), task.getStateSize());
                o.put("chainLength", task.getChainLength());
                operators.add(o);
                total += task.getStateSize();
                subtasks += task.getSubtaskStates().size();
            }
        } else {
            for (OperatorState op : sp.getOperatorStates()) {
                operatorId = op.getOperatorID().toString();
                operatorInline = 0;
                for (Map.Entry<Integer, OperatorSubtaskState> e : op.getSubtaskStates().entrySet()) {
                    subtask = e.getKey();
                    OperatorSubtaskState s = e.getValue();
                    stateType = "legacyOperatorState";
                    stream(s.getLegacyOperatorState(), "operator", null);
                    stateType = "managedOperatorState";
                    if (s.getManagedOperatorState() != null) stream(s.getManagedOperatorState().getDelegateStateHandle(), "operator", null);
                    stateType = "rawOperatorState";
                    if (s.getRawOperatorState() != null) stream(s.getRawOperatorState().getDelegateStateHandle(), "operator", null);
                    stateType = "managedKeyedState";
                    keyed(s.getManagedKeyedState());
                    stateType = "rawKeyedState";
                    keyed(s.getRawKeyedState());
                }
                operators.add(operator(op.getParallelism(), op.getMaxParallelism(), op.getSubtaskStates().size(), op.getStateSize()));
                total += op.getStateSize();
                subtasks += op.getSubtaskStates().size();
            }
        }
        out.put("operators", operators);
        Map<String, Object> totals = new LinkedHashMap<>();
        totals.put("stateSize", total);
        totals.put("checkpointedSize", null);
        totals.put("operators", operators.size());
        totals.put("subtaskStates", subtasks);
        totals.put("fileReferences", files.size());
        out.put("totals", totals);
        out.put("inlineBytes", inlineBytes);
        out.put("inlineHandles", inlineHandles);
        out.put("handleClasses", LegacyBridge.byHandleClass(files));
        out.put("fileSummary", LegacyBridge.summarize(files));
        out.put("files", files);
        out.put("directories", List.of());
        out.put("unknownHandles", new ArrayList<>(unknownHandles));
        return out;
    }

    private Map<String, Object> operator(int parallelism, int maxParallelism, int subtaskStates, long stateSize) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", operatorId);
        o.put("name", "");
        o.put("uid", "");
        o.put("parallelism", parallelism);
        o.put("maxParallelism", maxParallelism);
        o.put("subtasks", subtaskStates);
        o.put("finishedSubtasks", 0);
        o.put("fullyFinished", false);
        o.put("stateSize", stateSize);
        o.put("checkpointedSize", null);
        o.put("inlineBytes", operatorInline);
        o.put("coordinatorBytes", 0L);
        return o;
    }

    private void legacy(ChainedStateHandle<StreamStateHandle> chain) {
        if (chain == null) return;
        for (int i = 0; i < chain.getLength(); i++) stream(chain.get(i), "operator", null);
    }

    private void chained(ChainedStateHandle<OperatorStateHandle> chain) {
        if (chain == null) return;
        for (int i = 0; i < chain.getLength(); i++) {
            OperatorStateHandle h = chain.get(i);
            if (h != null) stream(h.getDelegateStateHandle(), "operator", null);
        }
    }

    private void keyed(KeyedStateHandle h) {
        if (h == null) return;
        if (h instanceof IncrementalKeyedStateHandle inc) {
            stream(inc.getMetaStateHandle(), "metadata", null);
            for (Map.Entry<StateHandleID, StreamStateHandle> e : inc.getSharedState().entrySet()) stream(e.getValue(), "shared", e.getKey().getKeyString());
            for (Map.Entry<StateHandleID, StreamStateHandle> e : inc.getPrivateState().entrySet()) stream(e.getValue(), "private", e.getKey().getKeyString());
        } else if (h instanceof KeyGroupsStateHandle kg) {
            stream(kg.getDelegateStateHandle(), "keyed", null);
        } else {
            unknownHandles.add(h.getClass().getName());
        }
    }

    private void stream(StreamStateHandle h, String role, String localPath) {
        if (h == null) return;
        if (h instanceof KeyGroupsStateHandle kg) {
            stream(kg.getDelegateStateHandle(), role, localPath);
        } else if (h instanceof ByteStreamStateHandle b) {
            inlineBytes += b.getData().length;
            operatorInline += b.getData().length;
            inlineHandles++;
        } else if (h instanceof FileStateHandle f) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", f.getFilePath().toString());
            m.put("relative", false);
            m.put("bytes", f.getStateSize());
            m.put("handle", f.getClass().getSimpleName());
            m.put("role", role);
            m.put("stateType", stateType);
            m.put("operator", operatorId);
            m.put("subtask", subtask);
            if (localPath != null) m.put("localPath", localPath);
            files.add(m);
        } else {
            unknownHandles.add(h.getClass().getName());
        }
    }
}
