package ckptlens.oracle;

import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.StreamStateHandle;

import java.util.List;
import java.util.Map;

/** Before Flink 1.20 there is no file merging. */
final class SegmentCompat {
    private SegmentCompat() {}

    static Map<String, Object> segment(StreamStateHandle h) {
        return null;
    }

    static List<String[]> mergingDirectories(OperatorStateHandle h) {
        return List.of();
    }
}
