package ckptlens.oracle;

import org.apache.flink.runtime.checkpoint.OperatorState;

/** Flink 2.x stores operator names and uids (header version 5+). */
final class NamesCompat {
    private NamesCompat() {}

    static String name(OperatorState op) {
        return op.getOperatorName().orElse("");
    }

    static String uid(OperatorState op) {
        return op.getOperatorUid().orElse("");
    }
}
