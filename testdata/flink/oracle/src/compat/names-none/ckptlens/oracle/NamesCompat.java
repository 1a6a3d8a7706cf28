package ckptlens.oracle;

import org.apache.flink.runtime.checkpoint.OperatorState;

/** Flink 1.x keeps no operator names or uids in _metadata. */
final class NamesCompat {
    private NamesCompat() {}

    static String name(OperatorState op) {
        return "";
    }

    static String uid(OperatorState op) {
        return "";
    }
}
