package ckptlens.oracle;

import org.apache.flink.streaming.api.datastream.KeyedStream;

/** Flink 1.x has no async state API in the DataStream API: the ForSt scenarios are 2.x only. */
final class AsyncCompat {
    private AsyncCompat() {}

    static final boolean SUPPORTED = false;

    static void counter(KeyedStream<Long, Long> keyed) {
        throw new UnsupportedOperationException("the async state API needs Flink 2.x");
    }
}
