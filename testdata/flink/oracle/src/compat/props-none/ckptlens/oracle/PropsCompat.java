package ckptlens.oracle;

import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;

import java.util.Map;

/** Before Flink 1.16 (header version 4) _metadata stores no checkpoint properties. */
final class PropsCompat {
    private PropsCompat() {}

    static Map<String, Object> properties(CheckpointMetadata md) {
        return null;
    }
}
