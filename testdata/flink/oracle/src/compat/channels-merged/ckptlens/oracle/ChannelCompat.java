package ckptlens.oracle;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.AbstractChannelStateHandle;
import org.apache.flink.runtime.state.AbstractMergedChannelStateHandle;
import org.apache.flink.runtime.state.StateObject;
import org.apache.flink.runtime.state.StreamStateHandle;

import java.util.Collection;

/** Flink 2.1+: channel-state handles may be merged (one delegate for several channels). */
final class ChannelCompat {
    private ChannelCompat() {}

    static StreamStateHandle delegate(StateObject h) {
        if (h instanceof AbstractChannelStateHandle<?> c) return c.getDelegate();
        if (h instanceof AbstractMergedChannelStateHandle<?, ?> m) return m.getDelegate();
        return null;
    }

    /** Flink 2.3 also keeps upstream output-buffer state per subtask. */
    static Collection<? extends StateObject> extra(OperatorSubtaskState s) {
        return s.getUpstreamOutputBufferState();
    }
}
