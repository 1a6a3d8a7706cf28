package ckptlens.oracle;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.PluginUtils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real Flink writing to an S3 server through Flink's own S3 file system (the flink-s3-fs-hadoop
 * plugin, loaded by Flink's PluginManager from FLINK_PLUGINS_DIR, as a Flink distribution loads
 * plugins/). The server and credentials come from the environment ckptlens reads too
 * (AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION), handed to the
 * plugin as Flink's s3.* options.
 *
 * One job under ROOT (s3://bucket/dir/): the proof job (ProofJob) on RocksDB incremental, 3
 * retained checkpoints, a canonical savepoint into ROOT/savepoints after the 3rd checkpoint, 2
 * more checkpoints, cancelled. Then, read back through the same file system, OUT gets: every
 * _metadata at its path relative to ROOT with Flink's truth.json beside it, listing.txt (every
 * object under ROOT: size, then its path relative to ROOT) and run.json (what ran, how long).
 */
final class S3Run {
    private S3Run() {}

    static final int CHECKPOINTS_BEFORE_SAVEPOINT = 3, CHECKPOINTS_AFTER = 2, RETAINED = 3;

    /** The s3.entropy.key of the entropy run, as Flink's documentation spells it. */
    static final String ENTROPY_KEY = "_entropy_";

    /**
     * entropy: with s3.entropy.key, checkpoints into ROOT/_entropy_/checkpoints, so data files land
     * under ROOT/<4 random letters and digits>/checkpoints/… and each _metadata under
     * ROOT/checkpoints/….
     */
    static void run(String root, Path out, boolean entropy) throws Exception {
        if (!root.startsWith("s3://") || !root.endsWith("/")) throw new IllegalArgumentException("ROOT must be s3://bucket/dir/, not " + root);
        long t0 = System.currentTimeMillis();
        Configuration fs = initFileSystems(entropy ? ENTROPY_KEY : null);
        Path work = Files.createTempDirectory("ckptlens-s3-work");
        Configuration c = Jobs.smallInline(Jobs.conf(work.resolve("s3"), "rocksdb", true, RETAINED));
        c.addAll(fs);
        Jobs.set(c, root + (entropy ? ENTROPY_KEY + "/checkpoints" : ""), "state.checkpoints.dir", "execution.checkpointing.dir");
        Jobs.set(c, root + "savepoints", "state.savepoints.dir", "execution.checkpointing.savepoint-dir");
        JobClient job = ProofJob.start(c, Proof.DELAY_MILLIS, "s3", false);
        String jobDir = root + (entropy ? "checkpoints/" : "") + job.getJobID();
        awaitCheckpoints(jobDir, job, CHECKPOINTS_BEFORE_SAVEPOINT);
        String savepoint = Proof.savepoint(job, SavepointFormatType.CANONICAL);
        awaitCheckpoints(jobDir, job, CHECKPOINTS_AFTER);
        Jobs.cancel(job);
        long jobMillis = System.currentTimeMillis() - t0;
        Files.createDirectories(out);
        TreeMap<String, Long> objects = list(root);
        StringBuilder listing = new StringBuilder();
        objects.forEach((rel, size) -> listing.append(size).append(' ').append(rel).append('\n'));
        Files.writeString(out.resolve("listing.txt"), listing, StandardCharsets.UTF_8);
        List<String> metas = new ArrayList<>();
        for (String rel : objects.keySet()) {
            if (rel.equals("_metadata") || rel.endsWith("/_metadata")) metas.add(download(root, rel, out));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("schema", "ckptlens-flink-s3/1");
        m.put("flinkVersion", org.apache.flink.runtime.util.EnvironmentInformation.getVersion());
        m.put("plugins", plugins());
        m.put("root", root);
        m.put("entropyKey", entropy ? ENTROPY_KEY : null);
        m.put("job", job.getJobID().toString());
        m.put("savepoint", savepoint);
        m.put("retained", RETAINED);
        m.put("objects", objects.size());
        m.put("metadata", metas);
        m.put("jobMillis", jobMillis);
        m.put("totalMillis", System.currentTimeMillis() - t0);
        Proof.write(out.resolve("run.json"), m);
        System.out.println("s3: " + objects.size() + " objects under " + root + ", " + metas.size() + " _metadata; job " + jobMillis + " ms");
    }

    /** Loads Flink's plugins and configures its S3 file system; entropyKey may be null. */
    static Configuration initFileSystems(String entropyKey) {
        Configuration fs = fileSystemConf();
        if (entropyKey != null) {
            fs.setString("s3.entropy.key", entropyKey);
            fs.setString("s3.entropy.length", "4");
        }
        FileSystem.initialize(fs, PluginUtils.createPluginManagerFromRootFolder(fs));
        return fs;
    }

    /** Flink's s3.* options for the server in the environment: path-style, as S3-compatible servers need. */
    static Configuration fileSystemConf() {
        Configuration c = new Configuration();
        c.setString("s3.endpoint", env("AWS_ENDPOINT_URL_S3"));
        c.setString("s3.endpoint.region", System.getenv().getOrDefault("AWS_REGION", "us-east-1"));
        c.setString("s3.path.style.access", "true");
        c.setString("s3.access-key", env("AWS_ACCESS_KEY_ID"));
        c.setString("s3.secret-key", env("AWS_SECRET_ACCESS_KEY"));
        // S3A keeps the folder markers its mkdirs writes (Hadoop 3.4's default) instead of deleting
        // them after each file: s3proxy's file-system backend takes 10 s for each such delete.
        c.setString("s3.directory.marker.retention", "keep");
        // Only these keys: the default chain would also ask an instance-metadata endpoint.
        c.setString("s3.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        return c;
    }

    /** The plugin jars Flink loaded, relative to FLINK_PLUGINS_DIR (the artefact and its version). */
    static List<String> plugins() throws IOException {
        Path dir = Path.of(env("FLINK_PLUGINS_DIR"));
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".jar")).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    static String env(String name) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) throw new IllegalStateException(name + " is not set");
        return v;
    }

    private static final Pattern CHK = Pattern.compile("chk-(\\d+)");

    /** Waits until n more checkpoints of the job have completed: their _metadata is on the storage. */
    static void awaitCheckpoints(String jobDir, JobClient job, int n) throws Exception {
        TreeSet<Long> seen = new TreeSet<>(completed(jobDir));
        long start = seen.isEmpty() ? 0 : seen.last();
        long deadline = System.currentTimeMillis() + 300_000;
        while (seen.tailSet(start, false).size() < n) {
            String ended = ProofJob.ended(job);
            if (ended != null) throw new IllegalStateException("job " + job.getJobID() + " ended: " + ended);
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException("timed out waiting for checkpoints in " + jobDir);
            Thread.sleep(300);
            seen.addAll(completed(jobDir));
        }
    }

    static List<Long> completed(String jobDir) throws IOException {
        org.apache.flink.core.fs.Path dir = new org.apache.flink.core.fs.Path(jobDir);
        FileSystem fs = dir.getFileSystem();
        if (!fs.exists(dir)) return List.of();
        List<Long> ids = new ArrayList<>();
        for (FileStatus st : fs.listStatus(dir)) {
            Matcher m = CHK.matcher(st.getPath().getName());
            if (m.matches() && fs.exists(new org.apache.flink.core.fs.Path(st.getPath(), "_metadata"))) ids.add(Long.parseLong(m.group(1)));
        }
        return ids;
    }

    /** Every object under root, relative to it, with its size, as Flink's file system lists them. */
    static TreeMap<String, Long> list(String root) throws IOException {
        org.apache.flink.core.fs.Path top = new org.apache.flink.core.fs.Path(root);
        FileSystem fs = top.getFileSystem();
        String prefix = top.toUri().getPath().replaceAll("/*$", "/");
        TreeMap<String, Long> out = new TreeMap<>();
        List<org.apache.flink.core.fs.Path> todo = new ArrayList<>(List.of(top));
        while (!todo.isEmpty()) {
            FileStatus[] children;
            try {
                children = fs.listStatus(todo.remove(todo.size() - 1));
            } catch (java.io.FileNotFoundException emptyFolder) {
                continue; // a folder marker with nothing under it (taskowned/): listed, then not found
            }
            for (FileStatus st : children) {
                if (st.isDir()) todo.add(st.getPath());
                else out.put(st.getPath().toUri().getPath().substring(prefix.length()), st.getLen());
            }
        }
        return out;
    }

    /** Copies ROOT/rel to OUT/rel, with Flink's truth.json beside it (relative handles resolved on S3). */
    static String download(String root, String rel, Path out) throws Exception {
        org.apache.flink.core.fs.Path src = new org.apache.flink.core.fs.Path(root + rel);
        Path target = out.resolve(rel);
        Files.createDirectories(target.getParent());
        try (FSDataInputStream in = src.getFileSystem().open(src); InputStream is = in) {
            Files.copy(is, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        String folder = src.getParent().toString();
        Files.writeString(target.resolveSibling("truth.json"), Json.write(Truth.dump(target, folder, root + rel)), StandardCharsets.UTF_8);
        return rel;
    }
}
