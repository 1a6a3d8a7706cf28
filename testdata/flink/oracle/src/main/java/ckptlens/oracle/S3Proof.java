package ckptlens.oracle;

import org.apache.flink.configuration.Configuration;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Proof by restore on S3 itself: `ckptlens orphans --paths` plans over the bucket (no listing
 * file), every path it prints is deleted through Flink's own S3 file system, and every kept
 * snapshot is then restored from S3 in a MiniCluster and each key's state checked (ProofJob).
 */
final class S3Proof {
    private S3Proof() {}

    /** Proves the plan over ROOT keeping the given snapshots (URLs under ROOT); writes OUT/proof.json. */
    static void main(String root, Path out, String ckptlens, String entropyKey, List<String> kept) throws Exception {
        long t0 = System.currentTimeMillis();
        Configuration fs = S3Run.initFileSystems(entropyKey);
        Map<String, Object> m = run(root, ckptlens, entropyKey, kept, fs);
        m.put("failedRestores", ((List<?>) m.get("restores")).stream().filter(r -> !Boolean.TRUE.equals(((Map<?, ?>) r).get("ok"))).count());
        m.put("proofMillis", System.currentTimeMillis() - t0);
        Proof.write(out.resolve("proof.json"), m);
    }

    static Map<String, Object> run(String root, String ckptlens, String entropyKey, List<String> kept, Configuration fs) throws Exception {
        List<String> flags = new ArrayList<>(List.of("--keep-latest", "2", "--stopped", "--margin", "1s"));
        if (entropyKey != null) flags.addAll(List.of("--entropy-key", entropyKey));
        List<String> cmd = new ArrayList<>(List.of(ckptlens, "orphans", "--paths"));
        cmd.addAll(flags);
        cmd.add(root);
        Path out = Files.createTempFile("ckptlens-s3-plan", ".out"), err = Files.createTempFile("ckptlens-s3-plan", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("ckptlens orphans did not finish: " + cmd);
        }
        List<String> planned = Files.readAllLines(out, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", "ckptlens-flink-s3-proof/1");
        m.put("flags", flags);
        m.put("exitStatus", p.exitValue());
        m.put("stderr", ProofRun.clip(Files.readString(err, StandardCharsets.UTF_8)));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        List<String> deleted = new ArrayList<>();
        if (p.exitValue() == 0) {
            for (String path : planned) {
                if (!path.startsWith(root) || path.equals(root)) throw new IllegalStateException("plan names " + path + ", outside " + root);
                org.apache.flink.core.fs.Path target = new org.apache.flink.core.fs.Path(path);
                target.getFileSystem().delete(target, path.endsWith("/"));
                deleted.add(path.substring(root.length()));
            }
        }
        m.put("deleted", deleted);
        m.put("kept", kept.stream().map(k -> k.substring(root.length())).toList());
        m.put("restores", restores(kept, root, fs));
        return m;
    }

    /** Each kept snapshot restored (NO_CLAIM) from S3, with a local scratch checkpoint dir. */
    static List<Map<String, Object>> restores(List<String> kept, String root, Configuration fs) throws Exception {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String k : kept) {
            Path scratch = Files.createTempDirectory("ckptlens-s3-restore");
            Configuration c = Jobs.smallInline(Jobs.conf(scratch, "rocksdb", true, 3));
            c.addAll(fs);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("snapshot", k.substring(root.length()));
            try {
                r.putAll(ProofJob.restoreAndCheck(c, k, "s3-restore", false));
            } catch (Exception e) {
                r.put("ok", false);
                r.put("error", ProofJob.rootCause(e));
            }
            ProofStorage.deleteTree(scratch);
            System.out.println("restore " + r);
            out.add(r);
        }
        return out;
    }
}
