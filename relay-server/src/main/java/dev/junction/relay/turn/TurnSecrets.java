package dev.junction.relay.turn;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The TURN REST secrets ({@code turn.secret-file}): one secret per line, used as text, the way coturn's
 * {@code static-auth-secret} and every app server that mints TURN credentials use it (the HMAC key is
 * the line's bytes as written). The first line mints, every line verifies, so an operator rotates by
 * putting the new secret first and keeping the old one until its credentials expire; the file is
 * re-read within a second of a change. A file of its own, never the admission secret: a TURN
 * credential can never pass as an admission token, nor the other way round.
 */
public final class TurnSecrets {
    private static final System.Logger LOG = System.getLogger("junction.relay.turn");
    /** Shorter secrets make credentials guessable: refused at startup. */
    public static final int MIN_LENGTH = 16;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

    private final Path path;
    private volatile List<byte[]> secrets;
    private volatile FileTime modified;
    private volatile long nextCheck;

    private TurnSecrets(Path path) throws IOException {
        this.path = path;
        this.secrets = readAll(path);
        this.modified = Files.getLastModifiedTime(path);
        this.nextCheck = System.nanoTime() + CHECK_INTERVAL_NANOS;
    }

    /** Reads {@code path}, generating a secret there first if it does not exist. */
    public static TurnSecrets loadOrCreate(Path path) throws IOException {
        if (!Files.exists(path)) {
            byte[] raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createFile(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            Files.writeString(path, Base64.getEncoder().encodeToString(raw) + "\n", StandardCharsets.US_ASCII);
        }
        return new TurnSecrets(path);
    }

    /** The secret that mints: the file's first line. */
    public static String current(Path path) throws IOException {
        return new String(readAll(path).get(0), StandardCharsets.UTF_8);
    }

    /** The secrets in force now, current first. */
    List<byte[]> all() {
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
            secrets = readAll(path);
            modified = m;
            LOG.log(System.Logger.Level.INFO, "TURN secrets reloaded from {0}: {1} in force", path, String.valueOf(secrets.size()));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "TURN secret file {0} changed but cannot be used ({1}); the secrets held before stay in force",
                    path, e.getMessage());
            try {
                modified = Files.getLastModifiedTime(path);
            } catch (IOException gone) {
                // gone: keep trying each second
            }
        }
    }

    private static List<byte[]> readAll(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException("TURN secret file " + path + " does not exist");
        }
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(path);
        } catch (UnsupportedOperationException e) {
            perms = Set.of();
        }
        if (perms.stream().anyMatch(p -> !OWNER_ONLY.contains(p))) {
            throw new IOException("TURN secret file " + path + " is accessible by others (" + PosixFilePermissions.toString(perms)
                    + "); run: chmod 600 " + path);
        }
        List<byte[]> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            if (t.length() < MIN_LENGTH) {
                throw new IOException("TURN secret in " + path + ", line " + lineNo + ", has " + t.length() + " characters; at least "
                        + MIN_LENGTH + " are required");
            }
            out.add(t.getBytes(StandardCharsets.UTF_8));
        }
        if (out.isEmpty()) {
            throw new IOException("TURN secret file " + path + " holds no secret");
        }
        return List.copyOf(out);
    }
}
