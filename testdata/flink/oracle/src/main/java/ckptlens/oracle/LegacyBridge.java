package ckptlens.oracle;

import java.util.List;
import java.util.Map;

/** Public entry to the package-private JSON writer and file aggregation, for the Flink 1.10 dumper (../oracle-1.10). */
public final class LegacyBridge {
    private LegacyBridge() {}

    public static String json(Object value) {
        return Json.write(value);
    }

    public static List<Map<String, Object>> summarize(List<Map<String, Object>> refs) {
        return FileSummary.summarize(refs);
    }

    public static Map<String, Object> byHandleClass(List<Map<String, Object>> refs) {
        return FileSummary.byHandleClass(refs);
    }
}
