package ckptlens.oracle;

import org.apache.flink.runtime.checkpoint.CheckpointProperties;
import org.apache.flink.runtime.checkpoint.CkptlensPropertiesAccess;
import org.apache.flink.runtime.checkpoint.SavepointType;
import org.apache.flink.runtime.checkpoint.SnapshotType;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;

import java.util.LinkedHashMap;
import java.util.Map;

/** Flink 1.16+ (header version 4+): the CheckpointProperties stored in _metadata. */
final class PropsCompat {
    private PropsCompat() {}

    static Map<String, Object> properties(CheckpointMetadata md) {
        CheckpointProperties p = md.getCheckpointProperties();
        if (p == null) return null;
        SnapshotType t = p.getCheckpointType();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", t.getName());
        m.put("isSavepoint", p.isSavepoint());
        m.put("sharingFilesStrategy", t.getSharingFilesStrategy().name());
        if (t instanceof SavepointType s) {
            m.put("formatType", s.getFormatType().name());
            m.put("postCheckpointAction", s.getPostCheckpointAction().name());
        }
        m.putAll(CkptlensPropertiesAccess.flags(p));
        m.put("unclaimed", p.isUnclaimed());
        return m;
    }
}
