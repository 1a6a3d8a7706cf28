package ckptlens.oracle;

import org.apache.flink.core.fs.EntropyInjectingFileSystem;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystemFactory;
import org.apache.flink.core.fs.local.LocalFileSystem;

import java.net.URI;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The local file system under its own scheme, entropyfs:///, with entropy injection as S3 does it
 * with s3.entropy.key: Flink replaces the key in a data file's path by a random segment of its own
 * and drops the key from _metadata's path (EntropyInjector). Files land on the local disk at the
 * rewritten paths, so a run leaves the layout an S3 bucket with entropy would hold.
 */
public final class EntropyFs extends LocalFileSystem implements EntropyInjectingFileSystem {
    static final String SCHEME = "entropyfs";
    /** The marker in the checkpoint directory, as users set s3.entropy.key. */
    static final String KEY = "_entropy_";
    /** Hex digits per injected segment (s3.entropy.length). */
    static final int LENGTH = 4;

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public boolean isDistributedFS() {
        return true; // as S3: the checkpoint storage then treats paths as shared between processes
    }

    @Override
    public String getEntropyInjectionKey() {
        return KEY;
    }

    @Override
    public String generateEntropy() {
        StringBuilder sb = new StringBuilder(LENGTH);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int i = 0; i < LENGTH; i++) sb.append(Character.forDigit(r.nextInt(16), 16));
        return sb.toString();
    }

    /** Found by Flink's FileSystem through META-INF/services on the classpath. */
    public static final class Factory implements FileSystemFactory {
        @Override
        public String getScheme() {
            return SCHEME;
        }

        @Override
        public FileSystem create(URI fsUri) {
            return new EntropyFs();
        }
    }
}
