package ckptlens.oracle;

import ckptlens.oracle.Proof.Setup;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** The proof's scenarios: which jobs run, what is kept, which flags the planner gets. */
final class ProofScenarios {
    private ProofScenarios() {}

    static List<String> plain(Path snapshot) {
        return List.of(snapshot.resolve("_metadata").toString());
    }

    /**
     * Incremental chain with savepoints. First plan: kept the 2nd and 3rd newest checkpoints (not
     * the newest) and both savepoints; second plan: the newest 2 and both savepoints.
     */
    static void incremental(ProofRun r) throws Exception {
        Setup s = Setup.of("rocksdb", 5);
        JobClient job = withSavepoints(r, s, r.dir, SavepointFormatType.CANONICAL, SavepointFormatType.NATIVE);
        List<Path> chk = checkpoints(r.dir, job);
        List<Path> kept = new ArrayList<>(chk.subList(chk.size() - 3, chk.size() - 1));
        kept.addAll(ProofStorage.savepoints(r.dir));
        planAndRestore(r, s, "older", "listing.txt", true, Proof.STOPPED, kept);
        kept = new ArrayList<>(chk.subList(chk.size() - 2, chk.size()));
        kept.addAll(ProofStorage.savepoints(r.dir));
        planAndRestore(r, s, "newest", "listing-newest.txt", true, Proof.STOPPED, kept);
    }

    /** A second job restores the first one's newest checkpoint in CLAIM mode; kept: its newest checkpoint only. */
    static void claim(ProofRun r) throws Exception {
        JobClient first = Proof.start(r, Setup.of("rocksdb", 2));
        Jobs.awaitCheckpoints(r.dir, first, 3);
        Jobs.cancel(first);
        Path chk = last(checkpoints(r.dir, first));
        Setup s = Setup.of("rocksdb", 3);
        Configuration c = Proof.conf(r.dir, s);
        Jobs.set(c, Jobs.uri(chk), "execution.savepoint.path", "execution.state-recovery.path");
        Jobs.set(c, "CLAIM", "execution.savepoint-restore-mode", "execution.state-recovery.claim-mode");
        JobClient second = Proof.start(r, s, c);
        Jobs.awaitCheckpoints(r.dir, second, 3);
        Jobs.cancel(second);
        r.jobsDone();
        planAndRestore(r, s, "stopped", "listing.txt", true, Proof.STOPPED, List.of(last(checkpoints(r.dir, second))));
    }

    /** A job that checkpoints 3 times, then after each savepoint twice more; cancelled. */
    static JobClient withSavepoints(ProofRun r, Setup s, Path cpRoot, SavepointFormatType... formats) throws Exception {
        JobClient job = Proof.start(r, s);
        Jobs.awaitCheckpoints(cpRoot, job, 3);
        for (SavepointFormatType f : formats) {
            Proof.savepoint(job, f);
            Jobs.awaitCheckpoints(cpRoot, job, 2);
        }
        Jobs.cancel(job);
        r.jobsDone();
        return job;
    }

    /** One job, n checkpoints; kept: the newest `keep`. */
    static void simple(ProofRun r, Setup s, int n, int keep) throws Exception {
        JobClient job = Proof.start(r, s);
        Jobs.awaitCheckpoints(r.dir, job, n);
        Jobs.cancel(job);
        r.jobsDone();
        List<Path> chk = checkpoints(r.dir, job);
        planAndRestore(r, s, "stopped", "listing.txt", true, Proof.STOPPED, chk.subList(chk.size() - keep, chk.size()));
    }

    /** ForSt with its default primary dir (the live database under shared/); kept: the newest checkpoint and a native savepoint. */
    static void forst(ProofRun r) throws Exception {
        Setup s = Setup.of("forst", 3);
        JobClient job = withSavepoints(r, s, r.dir, SavepointFormatType.NATIVE);
        List<Path> kept = new ArrayList<>(List.of(last(checkpoints(r.dir, job))));
        kept.addAll(ProofStorage.savepoints(r.dir));
        planAndRestore(r, s, "stopped", "listing.txt", true, Proof.STOPPED, kept);
    }

    /**
     * Entropy injection (EntropyFs): data files under a random segment each, _metadata under the
     * plain path. The listing is relative (find run in the root, as `aws s3 ls` prints keys), so
     * the planner gets --prefix, and each snapshot its --base on the entropy file system. First
     * plan: the entropy segments learned (no --entropy-key), kept the 2nd and 3rd newest
     * checkpoints (the newest one's files must be protected) and the savepoint; second plan: with
     * --entropy-key, the newest 2 and the savepoint.
     */
    static void entropy(ProofRun r) throws Exception {
        Setup s = new Setup("rocksdb", false, false, true, 4);
        Path cp = Proof.checkpointRoot(r.dir, s);
        JobClient job = withSavepoints(r, s, cp, SavepointFormatType.CANONICAL);
        List<Path> chk = checkpoints(cp, job);
        List<Path> older = new ArrayList<>(chk.subList(chk.size() - 3, chk.size() - 1));
        older.addAll(ProofStorage.savepoints(r.dir));
        entropyPlan(r, s, "learned", "listing.txt", List.of(), older);
        List<Path> newest = new ArrayList<>(chk.subList(chk.size() - 2, chk.size()));
        newest.addAll(ProofStorage.savepoints(r.dir));
        entropyPlan(r, s, "key", "listing-key.txt", List.of("--entropy-key", EntropyFs.KEY), newest);
    }

    /** One entropy plan: --prefix for the relative listing, --base on entropyfs for each snapshot; then the restores. */
    static void entropyPlan(ProofRun r, Setup s, String phase, String listing, List<String> extra, List<Path> kept) throws Exception {
        List<String> flags = new ArrayList<>(Proof.STOPPED);
        flags.addAll(extra);
        flags.addAll(List.of("--prefix", Proof.entropyUri(r.dir)));
        Function<Path, List<String>> withBase = k -> List.of("--base", Proof.entropyUri(k).replaceAll("/$", ""), k.resolve("_metadata").toString());
        r.plan(phase, listing, true, true, flags, kept, withBase, new ProofStorage.Prefix(r.dir), true);
        for (Path k : kept) r.restored(Proof.restore(r, s, k, phase));
    }

    /**
     * (a) A ForSt job (default primary dir) runs while the listing with times is taken and the plan
     * applied (--margin 5s; the job checkpoints every second, each in well under a second); it
     * checkpoints 5 more times, stops; kept and newest are restored. It runs 16 checkpoints first,
     * so that older ones fall outside the margin.
     */
    static void runningWithTimes(ProofRun r) throws Exception {
        Setup s = Setup.of("forst", 20);
        JobClient job = Proof.start(r, s);
        List<Path> kept = whileRunning(r, job, 16, "listing.txt", true, List.of("--margin", "5s"));
        restoreAfterStop(r, s, job, kept, "running");
    }

    /**
     * (b) The same job, listings without times: while it runs (no --stopped: the plan must keep
     * what the job may still write or need), then after it stopped, with --stopped.
     */
    static void runningWithoutTimes(ProofRun r) throws Exception {
        Setup s = Setup.of("forst", 10); // the kept ones outlive the 5 checkpoints after the deletion
        JobClient job = Proof.start(r, s);
        List<Path> kept = whileRunning(r, job, 8, "listing-running.txt", false, List.of());
        restoreAfterStop(r, s, job, kept, "running");
        List<Path> chk = checkpoints(r.dir, job);
        planAndRestore(r, s, "stopped", "listing-stopped.txt", false, List.of("--stopped"), chk.subList(chk.size() - 2, chk.size()));
    }

    /**
     * After n checkpoints, plans with the newest 2 kept and deletes while the job runs; the job
     * must then complete 5 more checkpoints. Returns the kept checkpoints.
     */
    static List<Path> whileRunning(ProofRun r, JobClient job, int n, String listing, boolean times, List<String> flags) throws Exception {
        Jobs.awaitCheckpoints(r.dir, job, n);
        List<Path> chk = checkpoints(r.dir, job);
        List<Path> kept = chk.subList(chk.size() - 2, chk.size());
        r.jobsDone();
        r.plan("running", listing, times, false, flags, kept, ProofScenarios::plain, new ProofStorage.Prefix(r.dir), true);
        survive(r, job, 5);
        return kept;
    }

    /**
     * The running job checkpoints n more times after a deletion, within a minute (it takes ~1 s
     * each); a failure or a stall is recorded as the proof's.
     */
    static void survive(ProofRun r, JobClient job, int n) throws Exception {
        Path jobDir = r.dir.resolve(job.getJobID().toString());
        long before = Jobs.completed(jobDir).stream().max(Long::compare).orElse(0L);
        long deadline = System.currentTimeMillis() + 60_000;
        while (Jobs.completed(jobDir).stream().filter(id -> id > before).count() < n) {
            String ended = ProofJob.ended(job);
            if (ended != null) {
                r.jobFailures.add("after the deletion, the running job ended: " + ended);
                return;
            }
            if (System.currentTimeMillis() > deadline) {
                r.jobFailures.add("after the deletion, the running job completed no " + n + " checkpoints within 60 s");
                return;
            }
            Thread.sleep(200);
        }
    }

    /** Stops the job, then restores the kept snapshots and the newest checkpoint completed after the deletion. */
    static void restoreAfterStop(ProofRun r, Setup s, JobClient job, List<Path> kept, String phase) throws Exception {
        ProofJob.stop(job);
        List<Path> all = new ArrayList<>(kept);
        Path newest = last(checkpoints(r.dir, job));
        if (!all.contains(newest)) all.add(newest);
        for (Path k : all) r.restored(Proof.restore(r, s, k, phase));
    }

    static void planAndRestore(ProofRun r, Setup s, String phase, String listing, boolean times, List<String> flags, List<Path> kept) throws Exception {
        r.plan(phase, listing, times, false, flags, kept, ProofScenarios::plain, new ProofStorage.Prefix(r.dir), true);
        for (Path k : kept) r.restored(Proof.restore(r, s, k, phase));
    }

    /** A job's completed checkpoints, oldest first. */
    static List<Path> checkpoints(Path cpRoot, JobClient job) throws Exception {
        Path jobDir = cpRoot.resolve(job.getJobID().toString());
        return Jobs.completed(jobDir).stream().sorted().map(n -> jobDir.resolve("chk-" + n)).toList();
    }

    static Path last(List<Path> l) {
        if (l.isEmpty()) throw new IllegalStateException("no completed checkpoint");
        return l.get(l.size() - 1);
    }
}
