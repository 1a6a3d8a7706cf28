package ckptlens.oracle;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One scenario's proof as it runs: its plans (phases), restores and findings, written as proof.json. */
final class ProofRun {
    final String scenario;
    final Path dir, out;
    final String ckptlens;
    final long started = System.currentTimeMillis();
    final List<Map<String, Object>> phases = new ArrayList<>();
    final List<Map<String, Object>> restores = new ArrayList<>();
    final List<String> findings = new ArrayList<>();
    final List<String> jobFailures = new ArrayList<>();
    long runMillis = -1;

    ProofRun(String scenario, Path dir, Path out, String ckptlens) throws Exception {
        this.scenario = scenario;
        this.dir = dir;
        this.out = out;
        this.ckptlens = ckptlens;
        ProofStorage.deleteTree(dir);
        Files.createDirectories(dir);
    }

    String rel(Path p) {
        return dir.relativize(p).toString();
    }

    /** The jobs have written what the plan is to be made from. */
    void jobsDone() {
        if (runMillis < 0) runMillis = System.currentTimeMillis() - started;
    }

    /**
     * One plan: a listing of the storage as it is now (written to OUT/listingName), the planner on
     * it with flags and the kept snapshots (each one's arguments from snapshotArgs), and the real
     * deletion of what it printed. expectDeletion: an empty plan is then a finding.
     */
    Map<String, Object> plan(String name, String listingName, boolean times, boolean relative, List<String> flags,
                             List<Path> kept, java.util.function.Function<Path, List<String>> snapshotArgs,
                             ProofStorage.Prefix prefix, boolean expectDeletion) throws Exception {
        Path listing = out.resolve(listingName);
        ProofStorage.listing(dir, listing, times, relative);
        ProofStorage.stageMetadata(dir, kept, out);
        List<String> used = dropUnsupported(flags);
        List<String> snaps = new ArrayList<>();
        for (Path k : kept) snaps.addAll(snapshotArgs.apply(k));
        Map<String, Object> usage = ProofStorage.usage(dir);
        ProofStorage.PlanRun p = ProofStorage.plan(ckptlens, listing, true, used, snaps);
        ProofStorage.PlanRun text = ProofStorage.plan(ckptlens, listing, false, used, snaps);
        Files.writeString(out.resolve("plan-" + name + ".txt"), String.join("\n", text.paths()) + "\n" + text.stderr(), StandardCharsets.UTF_8);
        List<String> deleted = new ArrayList<>(), gone = new ArrayList<>();
        if (p.exit() == 0) ProofStorage.apply(p.paths(), dir, prefix, deleted, gone);
        Map<String, Object> ph = new LinkedHashMap<>();
        ph.put("name", name);
        ph.put("listing", listingName);
        ph.put("planText", "plan-" + name + ".txt");
        ph.put("listingTimes", times);
        ph.put("flags", used);
        ph.put("flagsDropped", flags.size() == used.size() ? List.of() : flags.stream().filter(f -> !used.contains(f)).toList());
        ph.put("kept", kept.stream().map(this::rel).toList());
        ph.put("snapshotArgs", snaps.stream().map(a -> a.startsWith(dir.toString()) ? rel(Path.of(a)) : a).toList());
        ph.put("exitStatus", p.exit());
        ph.put("stderr", clip(p.stderr()));
        ph.put("storageBefore", usage);
        ph.put("deleted", deleted);
        ph.put("alreadyGone", gone);
        phases.add(ph);
        if (p.exit() != 0) findings.add(name + ": ckptlens orphans exited " + p.exit() + ": " + clip(p.stderr()));
        else if (expectDeletion && deleted.isEmpty()) findings.add(name + ": the plan deleted nothing where old checkpoints were deletable");
        System.out.println("plan " + name + ": exit " + p.exit() + ", deleted " + deleted.size() + ", gone " + gone.size());
        return ph;
    }

    /** The flags the CLI in use does not know yet (CKPTLENS_DROP_FLAGS="--stopped --margin"), with their values. */
    static List<String> dropUnsupported(List<String> flags) {
        String drop = System.getenv().getOrDefault("CKPTLENS_DROP_FLAGS", "");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < flags.size(); i++) {
            String f = flags.get(i);
            boolean hasValue = !f.equals("--stopped") && i + 1 < flags.size() && !flags.get(i + 1).startsWith("--");
            if (List.of(drop.split("[ ,]+")).contains(f)) {
                if (hasValue) i++;
                continue;
            }
            out.add(f);
        }
        return out;
    }

    void restored(Map<String, Object> r) {
        restores.add(r);
    }

    void finish() throws Exception {
        long failed = restores.stream().filter(r -> !Boolean.TRUE.equals(r.get("ok"))).count();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", "ckptlens-flink-proof/1");
        m.put("scenario", scenario);
        m.put("flinkVersion", org.apache.flink.runtime.util.EnvironmentInformation.getVersion());
        m.put("root", dir.toString());
        m.put("ckptlensCommit", System.getenv().getOrDefault("CKPTLENS_COMMIT", "unknown"));
        m.put("keys", ProofJob.KEYS);
        m.put("phases", phases);
        m.put("restores", restores);
        m.put("failedRestores", failed);
        m.put("jobFailures", jobFailures);
        m.put("findings", findings);
        m.put("runMillis", runMillis);
        m.put("proofMillis", System.currentTimeMillis() - started);
        Proof.write(out.resolve("proof.json"), m);
        System.out.println("proof " + scenario + ": " + restores.size() + " restores, " + failed + " failed, findings " + findings);
    }

    static String clip(String s) {
        s = s.strip();
        return s.length() > 2000 ? s.substring(0, 2000) + "…" : s;
    }
}
