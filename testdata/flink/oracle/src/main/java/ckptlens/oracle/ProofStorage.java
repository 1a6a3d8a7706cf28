package ckptlens.oracle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The proof's side of the storage: listings as an operator takes them, the snapshots a listing
 * shows, the planner run as a user runs it, and the real deletion of what it prints.
 */
final class ProofStorage {
    private ProofStorage() {}

    /** find's listing of root, with times (%T@) or without; relative (find run on ".") for --prefix. */
    static void listing(Path root, Path out, boolean times, boolean relative) throws Exception {
        String format = times ? "%T@ %s %p\\n" : "%s %p\\n";
        ProcessBuilder pb = new ProcessBuilder("find", relative ? "." : root.toString(), "-printf", format.replace("\\n", "\n"))
                .directory(root.toFile()).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT);
        int rc = pb.start().waitFor();
        // 1: a file vanished while find walked (a running job); the listing is still what an operator gets.
        if (rc != 0 && rc != 1) throw new IOException("find " + root + " exited " + rc);
    }

    private static final Pattern CHK = Pattern.compile("(.*/chk-(\\d+))/_metadata$");

    /** The checkpoints a listing shows complete (their _metadata listed), oldest first, as directories under root. */
    static List<Path> completedCheckpoints(Path listing, Path root) throws IOException {
        TreeMap<Long, Path> byId = new TreeMap<>();
        for (String line : Files.readAllLines(listing, StandardCharsets.UTF_8)) {
            Matcher m = CHK.matcher(line.substring(line.lastIndexOf(' ') + 1));
            if (m.matches()) byId.put(Long.parseLong(m.group(2)), root.resolve(m.group(1)).normalize());
        }
        return new ArrayList<>(byId.values());
    }

    /** Savepoint directories (those holding _metadata) under root/savepoints, by name. */
    static List<Path> savepoints(Path root) throws IOException {
        Path dir = root.resolve("savepoints");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.getFileName().toString().equals("_metadata")).map(Path::getParent).sorted().toList();
        }
    }

    /** Copies the snapshots' _metadata to out at their paths relative to root. */
    static void stageMetadata(Path root, List<Path> snapshots, Path out) throws IOException {
        for (Path snapshot : snapshots) {
            Path meta = snapshot.resolve("_metadata");
            Path target = out.resolve(root.relativize(meta));
            if (Files.exists(target)) continue;
            Files.createDirectories(target.getParent());
            Files.copy(meta, target);
        }
    }

    /**
     * Flink's truth.json for a restored snapshot, beside its _metadata copy in out; read from the
     * original (relative handles resolve against its folder). Only kept and restored snapshots
     * are committed: they are what the proof is about, and keep testdata/flink under 20 MB.
     */
    static void stageTruth(Path root, Path snapshot, Path out) throws IOException {
        Path meta = snapshot.resolve("_metadata");
        Path target = out.resolve(root.relativize(meta));
        Files.createDirectories(target.getParent());
        if (!Files.exists(target)) Files.copy(meta, target);
        Files.writeString(target.resolveSibling("truth.json"), Json.write(Truth.dump(meta)), StandardCharsets.UTF_8);
    }

    record PlanRun(int exit, List<String> paths, String stderr) {}

    /**
     * Runs `ckptlens orphans --listing L [--paths] FLAGS SNAPSHOT…` as a user would: with --paths
     * for what to delete, without it for the plan a person reviews (its reasons).
     */
    static PlanRun plan(String ckptlens, Path listing, boolean paths, List<String> flags, List<String> snapshotArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ckptlens, "orphans", "--listing", listing.toString()));
        if (paths) cmd.add("--paths");
        cmd.addAll(flags);
        cmd.addAll(snapshotArgs);
        Path out = Files.createTempFile("ckptlens-plan", ".out"), err = Files.createTempFile("ckptlens-plan", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("ckptlens orphans did not finish: " + cmd);
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            List<String> printed = paths ? lines.stream().filter(l -> !l.isBlank()).toList() : lines;
            return new PlanRun(p.exitValue(), printed, Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Deletes every planned path under root (a folder ends in /). Paths are recorded relative to
     * root in deleted, or in gone when Flink had already removed them (a running job's subsumed
     * checkpoints). A path outside root is an error: the plan named storage the run never had.
     */
    static void apply(List<String> planned, Path root, Prefix prefix, List<String> deleted, List<String> gone) throws IOException {
        for (String p : planned) {
            Path local = prefix.local(p);
            if (!local.startsWith(root) || local.equals(root)) throw new IOException("plan names " + p + ", outside the scenario root " + root);
            String rel = root.relativize(local) + (p.endsWith("/") ? "/" : "");
            if (!Files.exists(local)) {
                gone.add(rel);
                continue;
            }
            deleteTree(local);
            deleted.add(rel);
        }
    }

    /** How planned paths map to the local disk: a scheme (file:, entropyfs:) is dropped; a relative path is under root. */
    record Prefix(Path root) {
        Path local(String planned) {
            String p = planned;
            if (p.matches("^[a-z][a-z0-9+.-]*:.*")) p = URI.create(p.replace(" ", "%20")).getPath();
            Path local = p.startsWith("/") ? Path.of(p) : root.resolve(p);
            return local.normalize();
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            Files.deleteIfExists(p);
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(q);
        }
    }

    /** Files and bytes under root (the proof's storage figures). */
    static Map<String, Object> usage(Path root) throws IOException {
        long files = 0, bytes = 0;
        for (Path p : files(root)) {
            try {
                bytes += Files.size(p);
                files++;
            } catch (NoSuchFileException gone) {
                // deleted by the running job meanwhile
            }
        }
        return Map.of("files", files, "bytes", bytes);
    }

    /** The regular files under root; walked again when a running job removes a folder mid-walk. */
    static List<Path> files(Path root) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> s = Files.walk(root)) {
                return s.filter(Files::isRegularFile).sorted().toList();
            } catch (IOException | UncheckedIOException e) {
                if (attempt == 5) throw e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
            }
        }
    }
}
