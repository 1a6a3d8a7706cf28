package ckptlens.oracle;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.v2.ValueState;
import org.apache.flink.api.common.state.v2.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.HashSet;
import java.util.Set;

/**
 * Flink 2.x: the proof's counter on the async state API (state v2). Only an operator that uses it
 * gets ForSt's asynchronous keyed backend, whose live database sits in the checkpoint storage
 * (the default primary dir: shared/op_…__attempt_N/db/); with the synchronous API ForSt keeps a
 * local database and uploads files as RocksDB does.
 */
final class AsyncCompat {
    private AsyncCompat() {}

    static final boolean SUPPORTED = true;

    static void counter(KeyedStream<Long, Long> keyed) {
        keyed.enableAsyncState().process(new AsyncCounter()).uid("counter").name("counter").setMaxParallelism(256);
    }

    static final class AsyncCounter extends KeyedProcessFunction<Long, Long, Long> {
        private transient ValueState<Long> count;
        private transient ValueState<String> last;
        private transient Set<Long> checked;

        @Override
        public void open(OpenContext ctx) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
            last = getRuntimeContext().getState(new ValueStateDescriptor<>("last", Types.STRING));
            checked = new HashSet<>();
        }

        @Override
        public void processElement(Long v, Context ctx, Collector<Long> out) {
            count.asyncValue()
                    .thenCombine(last.asyncValue(), (c, l) -> {
                        long n = c == null ? 0 : c;
                        if (checked.add(v % ProofJob.KEYS)) ProofJob.check(v, n, l);
                        return n;
                    })
                    .thenAccept(n -> {
                        count.asyncUpdate(n + 1);
                        last.asyncUpdate(Jobs.payload(v, ProofJob.PAYLOAD_CHARS));
                    });
        }
    }
}
