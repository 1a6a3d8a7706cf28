package ckptlens.oracle;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Proof by restore: a scenario runs the proof job (ProofJob) into a scratch root and keeps every
 * state file; the planner is run on a real listing of that root, as a user runs it; every path it
 * prints is really deleted; then every kept checkpoint and savepoint is restored in real Flink and
 * each key's restored counter is checked. OUT receives the listings, every _metadata with its
 * truth.json, and proof.json (what was kept, deleted and restored).
 */
final class Proof {
    private Proof() {}

    /** How a scenario's jobs store state. */
    record Setup(String backend, boolean changelog, boolean fileMerging, boolean entropy, int retained) {
        static Setup of(String backend, int retained) {
            return new Setup(backend, false, false, false, retained);
        }

        /** ForSt runs its disaggregated (asynchronous) backend only for operators on the async state API. */
        boolean asyncState() {
            return backend.equals("forst");
        }
    }

    static final int DELAY_MILLIS = 5; // ~200 records/s: every checkpoint uploads new SST files
    static final List<String> STOPPED = List.of("--stopped", "--margin", "1s");

    static void run(Path root, Path out, String ckptlens, List<String> scenarios) throws Exception {
        for (String s : scenarios) {
            Path dir = root.resolve(s);
            Path o = out.resolve(s);
            Files.createDirectories(o);
            System.out.println("proof " + s + " -> " + dir);
            ProofRun r = new ProofRun(s, dir, o, ckptlens);
            switch (s) {
                case "incremental" -> ProofScenarios.incremental(r);
                case "claim" -> ProofScenarios.claim(r);
                case "file-merging" -> ProofScenarios.simple(r, new Setup("rocksdb", false, true, false, 3), 5, 1);
                case "changelog" -> ProofScenarios.simple(r, new Setup("rocksdb", true, false, false, 3), 6, 2);
                case "forst" -> ProofScenarios.forst(r);
                case "entropy" -> ProofScenarios.entropy(r);
                case "running" -> ProofScenarios.runningWithTimes(r);
                case "running-notimes" -> ProofScenarios.runningWithoutTimes(r);
                default -> throw new IllegalArgumentException("unknown proof scenario " + s);
            }
            r.finish();
        }
    }

    /** The configuration of a scenario's jobs whose checkpoints go under dir. */
    static Configuration conf(Path dir, Setup s) {
        Configuration c = Jobs.smallInline(Jobs.conf(dir, s.backend(), true, s.retained()));
        Path work = Path.of("/tmp/ckptlens-proof-work").resolve(dir.getParent().getFileName()).resolve(dir.getFileName());
        Jobs.set(c, work.resolve("rocksdb").toString(), "state.backend.rocksdb.localdir");
        Jobs.set(c, work.resolve("forst").toString(), "state.backend.forst.local-dir");
        Jobs.set(c, work.resolve("io").toString(), "io.tmp.dirs");
        if (s.changelog()) {
            Jobs.set(c, "true", "state.backend.changelog.enabled");
            Jobs.set(c, "filesystem", "state.backend.changelog.storage");
            Jobs.set(c, Jobs.uri(dir.resolve("dstl")), "dstl.dfs.base-path");
            Jobs.set(c, "4s", "state.backend.changelog.periodic-materialize.interval");
        }
        if (s.fileMerging()) Jobs.set(c, "true", "execution.checkpointing.file-merging.enabled");
        if (s.entropy()) {
            // As s3.entropy.key documents it: s3://bucket/_entropy_/checkpoints.
            Jobs.set(c, entropyUri(dir) + EntropyFs.KEY + "/checkpoints", "state.checkpoints.dir", "execution.checkpointing.dir");
            Jobs.set(c, entropyUri(dir) + EntropyFs.KEY + "/savepoints", "state.savepoints.dir", "execution.checkpointing.savepoint-dir");
        }
        return c;
    }

    /** dir on the entropy file system, ending in /, spelled as Flink writes its paths. */
    static String entropyUri(Path dir) {
        return EntropyFs.SCHEME + ":" + dir.toAbsolutePath() + "/";
    }

    /** Where a scenario's checkpoints' job folders are. */
    static Path checkpointRoot(Path dir, Setup s) {
        return s.entropy() ? dir.resolve("checkpoints") : dir;
    }

    static JobClient start(ProofRun r, Setup s) throws Exception {
        return start(r, s, conf(r.dir, s));
    }

    static JobClient start(ProofRun r, Setup s, Configuration c) throws Exception {
        return ProofJob.start(c, DELAY_MILLIS, r.scenario, s.asyncState());
    }

    /** A savepoint into the configured savepoint dir. */
    static String savepoint(JobClient job, SavepointFormatType format) throws Exception {
        String p = job.triggerSavepoint(null, format).get();
        System.out.println(format + " savepoint " + p);
        return p;
    }

    /** The restore of one kept snapshot, with the scenario's own backend and a scratch checkpoint dir. */
    static Map<String, Object> restore(ProofRun r, Setup s, Path snapshot, String phase) throws Exception {
        Path scratch = Path.of("/tmp/ckptlens-proof-restore").resolve(r.dir.getParent().getFileName()).resolve(r.scenario);
        ProofStorage.deleteTree(scratch);
        Setup plain = new Setup(s.backend(), s.changelog(), s.fileMerging(), false, s.retained());
        Configuration c = conf(scratch, plain);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("snapshot", r.rel(snapshot));
        m.put("phase", phase);
        try {
            ProofStorage.stageTruth(r.dir, snapshot, r.out); // a kept _metadata deleted fails the restore here
            m.putAll(ProofJob.restoreAndCheck(c, Jobs.uri(snapshot), r.scenario + "-restore", s.asyncState()));
        } catch (Exception e) {
            m.put("ok", false);
            m.put("error", ProofJob.rootCause(e));
        }
        ProofStorage.deleteTree(scratch);
        System.out.println("restore " + m);
        return m;
    }

    static void write(Path p, Object o) throws Exception {
        Files.writeString(p, Json.write(o), StandardCharsets.UTF_8);
    }
}
