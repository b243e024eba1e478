package dev.junction.relay.admission;

import dev.junction.wire.admission.AdmissionSecret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

/**
 * The admission secrets, re-read when their file changes, so an operator rotates without a restart:
 * put the new secret on the first line and keep the old one below it until every token minted with
 * it has expired (at most {@code admission.max-token-lifetime}). The file's time stamp is looked at
 * no more than once per {@link #CHECK_INTERVAL_NANOS}; a file that has become unreadable or invalid
 * is logged and the secrets held before stay in force.
 */
final class SecretFile {
    private static final System.Logger LOG = System.getLogger("junction.relay.admission");
    /** Rotations take effect within a second; a login storm costs at most one stat a second. */
    static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

    private final Path path;
    private volatile List<byte[]> secrets;
    private volatile FileTime modified;
    private volatile long nextCheck;

    SecretFile(Path path, List<byte[]> secrets) throws IOException {
        this.path = path;
        this.secrets = List.copyOf(secrets);
        this.modified = Files.getLastModifiedTime(path);
        this.nextCheck = System.nanoTime() + CHECK_INTERVAL_NANOS;
    }

    /** The secrets in force now, current first. */
    List<byte[]> secrets() {
        long now = System.nanoTime();
        if (now - nextCheck >= 0) {
            nextCheck = now + CHECK_INTERVAL_NANOS;
            reloadIfChanged();
        }
        return secrets;
    }

    private synchronized void reloadIfChanged() {
        try {
            FileTime m = Files.getLastModifiedTime(path);
            if (m.equals(modified)) {
                return;
            }
            List<byte[]> fresh = AdmissionSecret.readAll(path);
            secrets = List.copyOf(fresh);
            modified = m;
            LOG.log(System.Logger.Level.INFO, "admission secrets reloaded from {0}: {1} in force", path, String.valueOf(fresh.size()));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "admission secret file {0} changed but cannot be used ({1}); the secrets held before stay in force",
                    path, e.getMessage());
            try {
                modified = Files.getLastModifiedTime(path); // one warning per change, not one per second
            } catch (IOException gone) {
                // the file is gone; keep trying each second
            }
        }
    }
}
