package ckptlens.oracle;

import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.StreamStateHandle;
import org.apache.flink.runtime.state.filemerging.EmptySegmentFileStateHandle;
import org.apache.flink.runtime.state.filemerging.FileMergingOperatorStreamStateHandle;
import org.apache.flink.runtime.state.filemerging.SegmentFileStateHandle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Flink 1.20+: file-merging segments and the directories a file-merging operator handle claims. */
final class SegmentCompat {
    private SegmentCompat() {}

    /**
     * The segment's physical path, start and scope, or null when h is no segment. An
     * EmptySegmentFileStateHandle (an operator that wrote nothing) names no real file
     * (its path is the placeholder "empty"), so it is marked "empty".
     */
    static Map<String, Object> segment(StreamStateHandle h) {
        if (!(h instanceof SegmentFileStateHandle s)) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        if (h instanceof EmptySegmentFileStateHandle) m.put("empty", true);
        m.put("path", s.getFilePath().toString());
        m.put("startPos", s.getStartPos());
        m.put("scope", s.getScope().name());
        m.put("logicalFileId", s.getLogicalFileId() == null ? null : s.getLogicalFileId().getKeyString());
        return m;
    }

    static List<String[]> mergingDirectories(OperatorStateHandle h) {
        List<String[]> out = new ArrayList<>();
        if (h instanceof FileMergingOperatorStreamStateHandle f) {
            if (f.getTaskOwnedDirHandle() != null) out.add(new String[] {"taskowned-dir", f.getTaskOwnedDirHandle().getDirectory().toString()});
            if (f.getSharedDirHandle() != null) out.add(new String[] {"shared-dir", f.getSharedDirHandle().getDirectory().toString()});
        }
        return out;
    }
}
