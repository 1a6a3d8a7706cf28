package ckptlens.oracle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Entry point of the oracle (see ../oracle.sh):
 *   truth METADATA [OUT.json]       Flink's view of one _metadata file
 *   truth-tree ROOT                 truth.json beside every _metadata under ROOT
 *   truth-shared FIXTURES OUT [--only-missing]
 *                                   OUT/<fixture-id>.json for every FIXTURES/<id>/_metadata this release reads
 *   bench METADATA ITERATIONS [T0]  time Flink's loader; T0 = launch time in epoch ms
 *   jobs ROOT SCENARIO...           run MiniCluster scenarios under ROOT
 *   proof ROOT OUT CKPTLENS SCENARIO...
 *                                   proof by restore (Proof): run, plan with CKPTLENS, delete, restore, check
 *   s3 ROOT OUT [entropy]           a job writing to s3://… through Flink's S3 plugin (S3Run), recorded in OUT
 *   s3-proof ROOT OUT CKPTLENS ENTROPY_KEY|- KEPT...
 *                                   CKPTLENS's plan over ROOT applied, each KEPT snapshot restored (S3Proof)
 */
public final class Main {
    public static void main(String[] args) {
        try {
            dispatch(args);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1); // a failed MiniCluster job leaves non-daemon threads behind
        }
        System.exit(0);
    }

    private static void dispatch(String[] args) throws Exception {
        if (args.length == 0) usage();
        switch (args[0]) {
            case "truth" -> {
                if (args.length < 2) usage();
                String json = Json.write(Truth.dump(Paths.get(args[1])));
                if (args.length > 2) Files.writeString(Paths.get(args[2]), json, StandardCharsets.UTF_8);
                else System.out.print(json);
            }
            case "truth-tree" -> {
                if (args.length < 2) usage();
                truthTree(Paths.get(args[1]));
            }
            case "truth-shared" -> {
                if (args.length < 3) usage();
                truthShared(Paths.get(args[1]), Paths.get(args[2]), args.length > 3 && args[3].equals("--only-missing"));
            }
            case "bench" -> {
                if (args.length < 3) usage();
                long launched = args.length > 3 ? Long.parseLong(args[3]) : -1;
                bench(Paths.get(args[1]), Integer.parseInt(args[2]), launched);
            }
            case "proof" -> {
                if (args.length < 5) usage();
                Proof.run(Paths.get(args[1]), Paths.get(args[2]), args[3], Arrays.asList(args).subList(4, args.length));
            }
            case "s3" -> {
                if (args.length < 3) usage();
                S3Run.run(args[1], Paths.get(args[2]), args.length > 3 && args[3].equals("entropy"));
            }
            case "s3-proof" -> {
                if (args.length < 6) usage();
                String key = args[4].equals("-") ? null : args[4];
                S3Proof.main(args[1], Paths.get(args[2]), args[3], key, Arrays.asList(args).subList(5, args.length));
            }
            case "jobs" -> {
                if (args.length < 3) usage();
                Jobs.run(Paths.get(args[1]), Arrays.asList(args).subList(2, args.length));
            }
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: truth METADATA [OUT] | truth-tree ROOT | bench METADATA ITERATIONS [LAUNCH_EPOCH_MS] | jobs ROOT SCENARIO... | proof ROOT OUT CKPTLENS SCENARIO... | s3 ROOT OUT [entropy] | s3-proof ROOT OUT CKPTLENS ENTROPY_KEY|- KEPT...");
        System.exit(2);
    }

    private static void truthTree(Path root) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            s.filter(p -> p.getFileName().toString().equals("_metadata")).sorted().forEach(found::add);
        }
        for (Path p : found) {
            Files.writeString(p.resolveSibling("truth.json"), Json.write(Truth.dump(p)), StandardCharsets.UTF_8);
            System.out.println("truth " + p);
        }
    }

    private static void truthShared(Path fixtures, Path out, boolean onlyMissing) throws IOException {
        Files.createDirectories(out);
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> s = Files.list(fixtures)) {
            s.filter(d -> Files.exists(d.resolve("_metadata"))).sorted().forEach(dirs::add);
        }
        int ok = 0, failed = 0, skipped = 0;
        for (Path d : dirs) {
            String id = d.getFileName().toString();
            Path target = out.resolve(id + ".json");
            if (onlyMissing && Files.exists(target)) {
                skipped++;
                continue;
            }
            try {
                // Relative handles resolve against the fixture's real directory; the
                // truth names it by its place inside ../shared so that it is portable.
                String dir = d.toAbsolutePath().toString();
                Map<String, Object> t = Truth.dump(d.resolve("_metadata"), dir, "fixtures/flink/" + id + "/_metadata");
                String json = Json.write(t).replace("file:" + dir + "/", "fixtures/flink/" + id + "/").replace(dir + "/", "fixtures/flink/" + id + "/");
                Files.writeString(target, "{\n  \"fixture\": " + Json.write(id).trim() + "," + json.substring(1), StandardCharsets.UTF_8);
                ok++;
            } catch (Exception | LinkageError e) {
                failed++;
                System.err.println("unreadable " + id + ": " + e);
            }
        }
        System.err.printf("truth-shared: %d written, %d unreadable by this release, %d already present%n", ok, failed, skipped);
    }

    private static void bench(Path metadata, int iterations, long launchedMillis) throws IOException {
        long t0 = System.nanoTime();
        int operators = Truth.load(metadata).getOperatorStates().size();
        long first = System.nanoTime() - t0;
        long afterFirstMillis = System.currentTimeMillis();
        double[] ms = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long s = System.nanoTime();
            Truth.load(metadata);
            ms[i] = (System.nanoTime() - s) / 1e6;
        }
        double sum = 0;
        for (double m : ms) sum += m;
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("tool", "flink-loadCheckpointMetadata");
        out.put("flinkVersion", org.apache.flink.runtime.util.EnvironmentInformation.getVersion());
        out.put("metadata", metadata.toAbsolutePath().toString());
        out.put("bytes", Files.size(metadata));
        out.put("headerVersion", Truth.headerVersion(metadata));
        out.put("operators", operators);
        out.put("coldFirstLoadMs", launchedMillis > 0 ? (double) (afterFirstMillis - launchedMillis) : null);
        out.put("firstLoadMs", first / 1e6);
        out.put("iterations", iterations);
        out.put("warmMeanMs", iterations > 0 ? sum / iterations : null);
        out.put("warmMedianMs", iterations > 0 ? sorted[iterations / 2] : null);
        out.put("warmMinMs", iterations > 0 ? sorted[0] : null);
        System.out.print(Json.write(out));
    }
}
