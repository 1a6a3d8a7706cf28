package ckptlens.oracle;

import org.apache.flink.runtime.state.IncrementalKeyedStateHandle.HandleAndLocalPath;
import org.apache.flink.runtime.state.IncrementalRemoteKeyedStateHandle;
import org.apache.flink.runtime.state.StreamStateHandle;

import java.util.ArrayList;
import java.util.List;

/** Flink 1.18+: shared and private state are lists of (handle, local path). */
final class SharedStateCompat {
    private SharedStateCompat() {}

    static StreamStateHandle meta(IncrementalRemoteKeyedStateHandle h) {
        return h.getMetaDataStateHandle();
    }

    static List<Object[]> shared(IncrementalRemoteKeyedStateHandle h) {
        return entries(h.getSharedState());
    }

    static List<Object[]> privateState(IncrementalRemoteKeyedStateHandle h) {
        return entries(h.getPrivateState());
    }

    private static List<Object[]> entries(List<HandleAndLocalPath> list) {
        List<Object[]> out = new ArrayList<>();
        for (HandleAndLocalPath e : list) out.add(new Object[] {e.getLocalPath(), e.getHandle()});
        return out;
    }
}
