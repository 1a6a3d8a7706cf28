package ckptlens.oracle;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Real MiniCluster jobs that write the oracle's checkpoints and savepoints.
 * Every scenario writes under ROOT/SCENARIO, which is its checkpoint root.
 *
 * Settings are given as configuration keys, both the 1.x key and its 2.x
 * successor where they differ, so that one program drives every release;
 * truth.json then shows what each release actually did.
 */
final class Jobs {
    private Jobs() {}

    static final int PARALLELISM = 4;
    static final int KEYS = 1000; // small keyed column families stay inline; keeps the committed _metadata small
    static final MapStateDescriptor<String, Long> RULES = new MapStateDescriptor<>("rules", Types.STRING, Types.LONG);

    static void run(Path root, List<String> scenarios) throws Exception {
        for (String s : scenarios) {
            Path dir = root.resolve(s);
            System.out.println("scenario " + s + " -> " + dir);
            switch (s) {
                case "hashmap" -> periodic(dir, conf(dir, "hashmap", false, 2), 3);
                case "incremental" -> periodic(dir, conf(dir, "rocksdb", true, 4), 5);
                case "restore-no-claim" -> restore(dir, "NO_CLAIM");
                case "restore-claim" -> restore(dir, "CLAIM");
                case "restore-legacy" -> restore(dir, "LEGACY");
                case "savepoints" -> savepoints(dir);
                case "savepoints-hashmap" -> savepointsHashmap(dir);
                case "changelog" -> {
                    Configuration c = smallInline(conf(dir, "rocksdb", true, 3));
                    set(c, "true", "state.backend.changelog.enabled");
                    set(c, "filesystem", "state.backend.changelog.storage");
                    set(c, uri(dir.resolve("dstl")), "dstl.dfs.base-path");
                    set(c, "4s", "state.backend.changelog.periodic-materialize.interval");
                    periodic(dir, c, 6);
                }
                case "file-merging" -> {
                    Configuration c = conf(dir, "rocksdb", true, 3);
                    set(c, "true", "execution.checkpointing.file-merging.enabled");
                    periodic(dir, c, 4);
                }
                case "unaligned" -> {
                    Configuration c = conf(dir, "hashmap", false, 2);
                    set(c, "true", "execution.checkpointing.unaligned", "execution.checkpointing.unaligned.enabled");
                    set(c, "false", "taskmanager.network.memory.buffer-debloat.enabled"); // keep buffers full
                    periodic(dir, c, 3, new Knobs(0, 2));
                }
                default -> throw new IllegalArgumentException("unknown scenario " + s);
            }
        }
    }

    /**
     * A 1 KB inline threshold instead of the default 20 KB, as users set to keep _metadata
     * small: RocksDB's small files (OPTIONS, MANIFEST, small SSTs) become files too. Used where
     * the default would only repeat the incremental scenario's inline bytes.
     */
    static Configuration smallInline(Configuration c) {
        set(c, "1kb", "state.storage.fs.memory-threshold", "execution.checkpointing.data-inline-threshold");
        return c;
    }

    /** Per-job pacing: the buffering map sleeps delayMillis per record (0 = never); the aggregator sleeps slowMillis per record. */
    record Knobs(int delayMillis, int slowMillis) implements java.io.Serializable {}

    // ~200 records/s per subtask: enough state growth between checkpoints, and no
    // back-pressure, so aligned checkpoints stay quick even on a busy machine.
    static final Knobs STEADY = new Knobs(5, 0);

    static Configuration conf(Path dir, String backend, boolean incremental, int retained) {
        Configuration c = new Configuration();
        set(c, String.valueOf(PARALLELISM), "parallelism.default");
        set(c, backend, "state.backend", "state.backend.type");
        set(c, uri(dir), "state.checkpoints.dir", "execution.checkpointing.dir");
        set(c, uri(dir.resolve("savepoints")), "state.savepoints.dir", "execution.checkpointing.savepoint-dir");
        set(c, String.valueOf(incremental), "state.backend.incremental", "execution.checkpointing.incremental");
        set(c, String.valueOf(retained), "state.checkpoints.num-retained", "execution.checkpointing.num-retained");
        set(c, "1s", "execution.checkpointing.interval");
        set(c, "300ms", "execution.checkpointing.min-pause");
        set(c, "3min", "execution.checkpointing.timeout");
        set(c, "1000", "execution.checkpointing.tolerable-failed-checkpoints");
        set(c, "RETAIN_ON_CANCELLATION", "execution.checkpointing.externalized-checkpoint-retention");
        set(c, "none", "restart-strategy", "restart-strategy.type");
        set(c, "true", "taskmanager.network.memory.buffer-debloat.enabled");
        Path work = Path.of("/tmp/ckptlens-oracle-work").resolve(dir.getParent().getFileName()).resolve(dir.getFileName());
        set(c, work.resolve("rocksdb").toString(), "state.backend.rocksdb.localdir");
        // RocksDB's own default write buffers (not the slot's small managed memory) flush only
        // at checkpoints, so SST files survive several checkpoints and get shared by them.
        set(c, "false", "state.backend.rocksdb.memory.managed");
        set(c, work.resolve("io").toString(), "io.tmp.dirs");
        return c;
    }

    static void set(Configuration c, String value, String... keys) {
        for (String k : keys) c.setString(k, value);
    }

    static String uri(Path p) {
        return p.toAbsolutePath().toUri().toString();
    }

    static JobClient start(Configuration c, Knobs k, String name) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        pipeline(env, k);
        return env.executeAsync(name);
    }

    /** The job: FLIP-27 sources (coordinator state), operator list/union state, broadcast state and two keyed operators. */
    static void pipeline(StreamExecutionEnvironment env, Knobs k) {
        DataStream<Long> numbers = env
                .fromSource(new NumberSequenceSource(0, Long.MAX_VALUE), WatermarkStrategy.noWatermarks(), "numbers")
                .uid("numbers-source").name("numbers");
        DataStream<Long> buffered = numbers.map(new BufferingMap(k.delayMillis()))
                .uid("buffering-map").name("buffering map");
        BroadcastStream<Long> rules = env
                .fromSource(new NumberSequenceSource(0, 499), WatermarkStrategy.noWatermarks(), "rules")
                .uid("rules-source").name("rules").setParallelism(1)
                .broadcast(RULES);
        DataStream<Long> enriched = buffered.keyBy(new ModKey()).connect(rules).process(new RuleEnricher())
                .uid("rule-enricher").name("rule enricher");
        enriched.keyBy(new ModKey()).process(new Aggregator(k.slowMillis()))
                .uid("key-aggregator").name("key aggregator").setMaxParallelism(256)
                .print().uid("print-sink").name("print sink");
    }

    static final class ModKey implements KeySelector<Long, Long> {
        @Override
        public Long getKey(Long v) {
            return v % KEYS;
        }
    }

    /**
     * Keeps the last 40 records, padded to ~600 bytes each, in operator list state (above the
     * 20 KB inline threshold, yet few elements, so the offsets in _metadata stay small) and a
     * count in union state.
     */
    static final class BufferingMap extends RichMapFunction<Long, Long> implements CheckpointedFunction {
        private final int delayMillis;
        private transient ArrayDeque<String> recent;
        private transient ListState<String> recentState;
        private transient ListState<Long> countState;
        private transient long count;

        BufferingMap(int delayMillis) {
            this.delayMillis = delayMillis;
        }

        @Override
        public Long map(Long v) throws Exception {
            count++;
            if (delayMillis > 0) Thread.sleep(delayMillis);
            recent.addLast(v + "-" + "z".repeat(600));
            if (recent.size() > 40) recent.removeFirst();
            return v;
        }

        @Override
        public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
            recentState.update(List.copyOf(recent));
            countState.update(List.of(count));
        }

        @Override
        public void initializeState(FunctionInitializationContext ctx) throws Exception {
            recent = new ArrayDeque<>();
            recentState = ctx.getOperatorStateStore().getListState(new ListStateDescriptor<>("recent", Types.STRING));
            countState = ctx.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("count", Types.LONG));
            for (String v : recentState.get()) recent.addLast(v);
        }
    }

    /** Broadcast state (rules) plus keyed value and map state. */
    static final class RuleEnricher extends KeyedBroadcastProcessFunction<Long, Long, Long, Long> {
        @Override
        public void processElement(Long v, ReadOnlyContext ctx, Collector<Long> out) throws Exception {
            ValueState<String> payload = getRuntimeContext().getState(new ValueStateDescriptor<>("payload", Types.STRING));
            MapState<Long, Long> seen = getRuntimeContext().getMapState(new MapStateDescriptor<>("seen", Types.LONG, Types.LONG));
            payload.update(payload(v, 1000));
            Long n = seen.get(v % 7);
            seen.put(v % 7, n == null ? 1 : n + 1);
            out.collect(v);
        }

        @Override
        public void processBroadcastElement(Long v, Context ctx, Collector<Long> out) throws Exception {
            BroadcastState<String, Long> state = ctx.getBroadcastState(RULES);
            state.put("rule-" + (v % 50), v);
        }
    }

    /**
     * An incompressible string of n hex digits derived from v: RocksDB's SST files then grow past
     * the inline threshold, so incremental checkpoints upload real shared/ files.
     */
    static String payload(long v, int n) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(v);
        StringBuilder sb = new StringBuilder(n + 16);
        sb.append(v).append(':');
        while (sb.length() < n) sb.append(Long.toHexString(r.nextLong()));
        return sb.toString();
    }

    /** Keyed counts and last values; emits nothing, so the sink stays quiet. */
    static final class Aggregator extends KeyedProcessFunction<Long, Long, Long> {
        private final int slowMillis;

        Aggregator(int slowMillis) {
            this.slowMillis = slowMillis;
        }

        @Override
        public void processElement(Long v, Context ctx, Collector<Long> out) throws Exception {
            if (slowMillis > 0) Thread.sleep(slowMillis);
            ValueState<Long> count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
            ValueState<String> last = getRuntimeContext().getState(new ValueStateDescriptor<>("last", Types.STRING));
            Long c = count.value();
            count.update(c == null ? 1 : c + 1);
            last.update("last-" + v + "-" + "y".repeat(40));
        }
    }

    // ------------------------------------------------------------------ scenarios

    static void periodic(Path dir, Configuration c, int checkpoints) throws Exception {
        periodic(dir, c, checkpoints, STEADY);
    }

    static JobClient periodic(Path dir, Configuration c, int checkpoints, Knobs k) throws Exception {
        JobClient job = start(c, k, dir.getFileName().toString());
        awaitCheckpoints(dir, job, checkpoints);
        cancel(job);
        return job;
    }

    /** A base job retains checkpoints; a second job restores the newest one in the given mode and checkpoints again. */
    static void restore(Path dir, String mode) throws Exception {
        Configuration base = smallInline(conf(dir, "rocksdb", true, 2));
        JobClient first = periodic(dir, base, 3, STEADY);
        Path chk = newestCheckpoint(dir.resolve(first.getJobID().toString()))
                .orElseThrow(() -> new IllegalStateException("no retained checkpoint in " + dir));
        System.out.println("restoring " + chk + " in " + mode);
        // Retain all three, so the first checkpoint after the restore (the one most likely to
        // reference the earlier job's files before compaction rewrites them) is kept.
        Configuration c = smallInline(conf(dir, "rocksdb", true, 3));
        set(c, uri(chk), "execution.savepoint.path", "execution.state-recovery.path");
        set(c, mode, "execution.savepoint-restore-mode", "execution.state-recovery.claim-mode");
        periodic(dir, c, 3, STEADY);
    }

    static void savepoints(Path dir) throws Exception {
        Configuration c = smallInline(conf(dir, "rocksdb", true, 1));
        JobClient job = start(c, STEADY, dir.getFileName().toString());
        awaitCheckpoints(dir, job, 3);
        String target = uri(dir.resolve("savepoints"));
        System.out.println("canonical " + job.triggerSavepoint(target, SavepointFormatType.CANONICAL).get());
        awaitCheckpoints(dir, job, 1);
        System.out.println("native " + job.triggerSavepoint(target, SavepointFormatType.NATIVE).get());
        awaitCheckpoints(dir, job, 1);
        System.out.println("stop-with-savepoint " + job.stopWithSavepoint(false, target, SavepointFormatType.NATIVE).get());
        awaitTerminal(job);
    }

    static void savepointsHashmap(Path dir) throws Exception {
        Configuration c = smallInline(conf(dir, "hashmap", false, 1));
        JobClient job = start(c, STEADY, dir.getFileName().toString());
        awaitCheckpoints(dir, job, 2);
        String target = uri(dir.resolve("savepoints"));
        System.out.println("canonical " + job.triggerSavepoint(target, SavepointFormatType.CANONICAL).get());
        System.out.println("native " + job.triggerSavepoint(target, SavepointFormatType.NATIVE).get());
        cancel(job);
    }

    // ------------------------------------------------------------------ helpers

    private static final Pattern CHK = Pattern.compile("chk-(\\d+)");

    /** Waits until n more checkpoints of this job have completed (their _metadata exists). */
    static void awaitCheckpoints(Path dir, JobClient job, int n) throws Exception {
        Path jobDir = dir.resolve(job.getJobID().toString());
        TreeSet<Long> seen = new TreeSet<>(completed(jobDir));
        long start = seen.isEmpty() ? 0 : seen.last();
        long deadline = System.currentTimeMillis() + 600_000;
        while (true) {
            seen.addAll(completed(jobDir));
            if (seen.tailSet(start, false).size() >= n) return;
            JobStatus st = job.getJobStatus().get();
            if (st.isGloballyTerminalState()) throw new IllegalStateException("job " + job.getJobID() + " ended: " + st);
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException("timed out waiting for checkpoints in " + jobDir);
            Thread.sleep(100);
        }
    }

    static List<Long> completed(Path jobDir) throws IOException {
        if (!Files.isDirectory(jobDir)) return List.of();
        try (Stream<Path> s = Files.list(jobDir)) {
            return s.filter(p -> Files.exists(p.resolve("_metadata")))
                    .map(p -> CHK.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> Long.parseLong(m.group(1)))
                    .toList();
        }
    }

    static Optional<Path> newestCheckpoint(Path jobDir) throws IOException {
        return completed(jobDir).stream().max(Long::compare).map(n -> jobDir.resolve("chk-" + n));
    }

    static void cancel(JobClient job) throws Exception {
        job.cancel().get();
        awaitTerminal(job);
    }

    static void awaitTerminal(JobClient job) throws Exception {
        try {
            job.getJobExecutionResult().get();
        } catch (Exception expected) {
            // a cancelled job completes exceptionally
        }
        Thread.sleep(500);
    }
}
