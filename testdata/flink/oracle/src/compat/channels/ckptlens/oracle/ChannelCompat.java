package ckptlens.oracle;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.AbstractChannelStateHandle;
import org.apache.flink.runtime.state.StateObject;
import org.apache.flink.runtime.state.StreamStateHandle;

import java.util.Collection;
import java.util.List;

/** Flink up to 2.0: one channel-state handle per channel, each with its own delegate. */
final class ChannelCompat {
    private ChannelCompat() {}

    static StreamStateHandle delegate(StateObject h) {
        return h instanceof AbstractChannelStateHandle<?> c ? c.getDelegate() : null;
    }

    /** Channel-state collections beyond input and result-subpartition state. */
    static Collection<? extends StateObject> extra(OperatorSubtaskState s) {
        return List.of();
    }
}
