package ckptlens.oracle;

import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The proof's job: keyed counters whose every value is known. One source subtask emits
 * 0, 1, 2, … in order, so key k = v mod KEYS sees k, k+KEYS, k+2·KEYS, … in that order, and
 * before v its counter must hold (v − k) / KEYS and its last value the payload of v − KEYS.
 * After a restore, the first v a key sees comes from the source's restored position, which is
 * independent of the keyed state: comparing the two checks every key's restored state exactly.
 */
final class ProofJob {
    private ProofJob() {}

    static final int KEYS = 500;
    static final int PAYLOAD_CHARS = 1000; // incompressible: SST files grow past the inline threshold

    /** Per key, {first v seen after the (re)start, the count the state held then}; one job at a time. */
    static final ConcurrentHashMap<Long, long[]> FIRST = new ConcurrentHashMap<>();
    static final ConcurrentLinkedQueue<String> MISMATCHES = new ConcurrentLinkedQueue<>();

    static void resetChecks() {
        FIRST.clear();
        MISMATCHES.clear();
    }

    /** asyncState: the counter on the async state API (AsyncCompat), as ForSt's disaggregated backend needs. */
    static JobClient start(Configuration c, int delayMillis, String name, boolean asyncState) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(c);
        KeyedStream<Long, Long> keyed = env
                .fromSource(new NumberSequenceSource(0, Long.MAX_VALUE), WatermarkStrategy.noWatermarks(), "numbers")
                .uid("numbers").name("numbers").setParallelism(1)
                .map(new Pace(delayMillis)).uid("pace").name("pace").setParallelism(1)
                .keyBy(new Key());
        if (asyncState) AsyncCompat.counter(keyed);
        else keyed.process(new Counter()).uid("counter").name("counter").setMaxParallelism(256);
        return env.executeAsync(name);
    }

    static final class Key implements KeySelector<Long, Long> {
        @Override
        public Long getKey(Long v) {
            return v % KEYS;
        }
    }

    /** Sleeps per record, so that state grows steadily between checkpoints. */
    static final class Pace implements MapFunction<Long, Long> {
        private final int delayMillis;

        Pace(int delayMillis) {
            this.delayMillis = delayMillis;
        }

        @Override
        public Long map(Long v) throws Exception {
            if (delayMillis > 0) Thread.sleep(delayMillis);
            return v;
        }
    }

    /** Counts per key and keeps the last value's payload; checks both on a key's first record. */
    static final class Counter extends KeyedProcessFunction<Long, Long, Long> {
        private transient Set<Long> checked;

        @Override
        public void processElement(Long v, Context ctx, Collector<Long> out) throws Exception {
            ValueState<Long> count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
            ValueState<String> last = getRuntimeContext().getState(new ValueStateDescriptor<>("last", Types.STRING));
            if (checked == null) checked = new HashSet<>();
            long k = v % KEYS;
            long c = count.value() == null ? 0 : count.value();
            if (checked.add(k)) check(v, c, last.value());
            count.update(c + 1);
            last.update(Jobs.payload(v, PAYLOAD_CHARS));
        }

    }

    /** Checks a key's state as its first record after a (re)start, v, finds it: count c, last value. */
    static void check(long v, long c, String last) {
            long k = v % KEYS;
            long want = (v - k) / KEYS;
            if (c != want) {
                mismatch("key " + k + ": count " + c + " before " + v + ", want " + want);
            } else if (c > 0 && !Jobs.payload(v - KEYS, PAYLOAD_CHARS).equals(last)) {
                mismatch("key " + k + ": last value is not the payload of " + (v - KEYS));
            }
            FIRST.put(k, new long[] {v, c});
        }

    private static void mismatch(String m) {
        if (MISMATCHES.size() < 20) MISMATCHES.add(m);
    }

    /**
     * Restores a snapshot (NO_CLAIM, so the scratch storage is only read) and runs until every
     * key has been checked once. The result is the proof's record of that restore.
     */
    static Map<String, Object> restoreAndCheck(Configuration c, String snapshotUri, String name, boolean asyncState) throws Exception {
        resetChecks();
        Jobs.set(c, snapshotUri, "execution.savepoint.path", "execution.state-recovery.path");
        Jobs.set(c, "NO_CLAIM", "execution.savepoint-restore-mode", "execution.state-recovery.claim-mode");
        Jobs.set(c, "1h", "execution.checkpointing.interval");
        long t0 = System.currentTimeMillis();
        Map<String, Object> r = new LinkedHashMap<>();
        String error = null;
        JobClient job = start(c, 0, name, asyncState);
        try {
            error = awaitAllKeys(job, t0 + 300_000);
        } finally {
            stop(job);
        }
        long position = Long.MAX_VALUE, sum = 0, withState = 0;
        for (long[] f : FIRST.values()) {
            position = Math.min(position, f[0]);
            sum += f[1];
            if (f[1] > 0) withState++;
        }
        List<String> mismatches = new ArrayList<>(MISMATCHES);
        if (error == null && withState == 0) error = "no key had any state: nothing restored";
        r.put("ok", error == null && mismatches.isEmpty());
        r.put("keysChecked", FIRST.size());
        r.put("keysWithState", withState);
        r.put("restoredPosition", FIRST.isEmpty() ? null : position);
        r.put("countsSum", sum);
        r.put("mismatches", mismatches);
        r.put("error", error);
        r.put("millis", System.currentTimeMillis() - t0);
        return r;
    }

    /** null when every key was checked; otherwise why not (the job failed, or time ran out). */
    private static String awaitAllKeys(JobClient job, long deadline) throws Exception {
        while (FIRST.size() < KEYS) {
            String ended = ended(job);
            if (ended != null) return "job ended before every key was checked: " + ended;
            if (System.currentTimeMillis() > deadline) return "timed out with " + FIRST.size() + " of " + KEYS + " keys checked";
            Thread.sleep(100);
        }
        return null;
    }

    /** null while the job runs; otherwise how it ended (a per-job MiniCluster is gone once its job ended). */
    static String ended(JobClient job) {
        try {
            JobStatus st = job.getJobStatus().get();
            if (!st.isGloballyTerminalState()) return null;
            try {
                job.getJobExecutionResult().get();
                return st.toString();
            } catch (Exception e) {
                return st + ": " + rootCause(e);
            }
        } catch (Exception e) {
            return "unknown (" + rootCause(e) + ")";
        }
    }

    /** Cancels the job unless it already ended. */
    static void stop(JobClient job) throws Exception {
        if (ended(job) == null) Jobs.cancel(job);
    }

    static String rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        String m = c.toString();
        return m.length() > 500 ? m.substring(0, 500) + "…" : m;
    }
}
