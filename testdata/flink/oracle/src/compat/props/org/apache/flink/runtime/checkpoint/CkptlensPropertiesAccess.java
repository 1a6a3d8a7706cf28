package org.apache.flink.runtime.checkpoint;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CheckpointProperties' forced and discard flags have package-private getters;
 * this accessor lives in Flink's package (ckptlens code, not Flink code) so the
 * oracle reads them without reflection.
 */
public final class CkptlensPropertiesAccess {
    private CkptlensPropertiesAccess() {}

    public static Map<String, Object> flags(CheckpointProperties p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("forced", p.forceCheckpoint());
        m.put("discardSubsumed", p.discardOnSubsumed());
        m.put("discardFinished", p.discardOnJobFinished());
        m.put("discardCancelled", p.discardOnJobCancelled());
        m.put("discardFailed", p.discardOnJobFailed());
        m.put("discardSuspended", p.discardOnJobSuspended());
        return m;
    }
}
