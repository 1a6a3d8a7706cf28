package ckptlens.oracle;

import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.StateHandleID;
import org.apache.flink.runtime.state.StreamStateHandle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Flink up to 1.17: shared and private state are maps from the local file name to the handle. */
final class SharedStateCompat {
    private SharedStateCompat() {}

    static StreamStateHandle meta(IncrementalRemoteKeyedStateHandle h) {
        return h.getMetaStateHandle();
    }

    static List<Object[]> shared(IncrementalRemoteKeyedStateHandle h) {
        return entries(h.getSharedState());
    }

    static List<Object[]> privateState(IncrementalRemoteKeyedStateHandle h) {
        return entries(h.getPrivateState());
    }

    private static List<Object[]> entries(Map<StateHandleID, StreamStateHandle> map) {
        List<Object[]> out = new ArrayList<>();
        for (Map.Entry<StateHandleID, StreamStateHandle> e : map.entrySet()) {
            out.add(new Object[] {e.getKey().getKeyString(), e.getValue()});
        }
        return out;
    }
}
