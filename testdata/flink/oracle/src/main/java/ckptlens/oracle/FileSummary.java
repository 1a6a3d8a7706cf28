package ckptlens.oracle;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Aggregations of a truth's file references; plain maps only, so every release's dumper (1.10 too) shares them. */
final class FileSummary {
    private FileSummary() {}

    /** References and bytes per handle class and role, e.g. RelativeFileStateHandle/keyed. */
    static Map<String, Object> byHandleClass(List<Map<String, Object>> refs) {
        Map<String, Object> out = new java.util.TreeMap<>();
        for (Map<String, Object> r : refs) {
            String key = r.get("handle") + "/" + r.get("role");
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) out.computeIfAbsent(key, k -> {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("references", 0L);
                n.put("bytes", 0L);
                return n;
            });
            m.put("references", (Long) m.get("references") + 1);
            m.put("bytes", (Long) m.get("bytes") + (Long) r.get("bytes"));
        }
        return out;
    }

    /**
     * One entry per distinct path, as ckptlens's model lists files: the recorded
     * size, or for file-merging physical files the sum of the distinct segments
     * referenced in them; the kind is the handle's role, or "segment".
     */
    static List<Map<String, Object>> summarize(List<Map<String, Object>> refs) {
        Map<String, Map<String, Object>> byPath = new LinkedHashMap<>();
        Map<String, Set<String>> segmentsSeen = new LinkedHashMap<>();
        for (Map<String, Object> r : refs) {
            String path = (String) r.get("path");
            Map<String, Object> s = byPath.get(path);
            boolean isSegment = r.containsKey("segment");
            long bytes = (Long) r.get("bytes");
            if (s == null) {
                s = new LinkedHashMap<>();
                s.put("path", path);
                s.put("relative", r.get("relative"));
                s.put("bytes", 0L);
                s.put("kind", isSegment ? "segment" : r.get("role"));
                s.put("roles", new ArrayList<String>());
                s.put("operators", new ArrayList<String>());
                s.put("segments", 0);
                s.put("references", 0);
                byPath.put(path, s);
                segmentsSeen.put(path, new LinkedHashSet<>());
            }
            s.put("references", (Integer) s.get("references") + 1);
            @SuppressWarnings("unchecked") List<String> roles = (List<String>) s.get("roles");
            if (!roles.contains((String) r.get("role"))) roles.add((String) r.get("role"));
            @SuppressWarnings("unchecked") List<String> ops = (List<String>) s.get("operators");
            if (!ops.contains((String) r.get("operator"))) ops.add((String) r.get("operator"));
            if (isSegment) {
                @SuppressWarnings("unchecked") Map<String, Object> seg = (Map<String, Object>) r.get("segment");
                if (segmentsSeen.get(path).add(seg.get("startPos") + "+" + bytes)) {
                    s.put("segments", (Integer) s.get("segments") + 1);
                    s.put("bytes", (Long) s.get("bytes") + bytes);
                }
            } else {
                long prev = (Long) s.get("bytes");
                if (prev != 0 && prev != bytes) s.put("conflictingBytes", bytes);
                s.put("bytes", Math.max(prev, bytes));
            }
        }
        return new ArrayList<>(byPath.values());
    }
}
