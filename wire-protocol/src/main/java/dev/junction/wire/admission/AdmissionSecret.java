package dev.junction.wire.admission;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The relay's admission secrets on disk: one line of base64 (standard alphabet) per secret, each at
 * least 16 bytes; Junction generates 32. The first line is the current secret (what {@code junction
 * token} mints with); later lines are earlier secrets the relay still accepts while a rotation
 * overlaps. Blank lines and lines starting with {@code #} are ignored. Created with mode 0600; a
 * file that group or others can read is refused, as for identity files.
 */
public final class AdmissionSecret {
    public static final int GENERATED_LENGTH = 32;
    /** Shorter secrets make HMAC tokens guessable; refuse them at startup. */
    public static final int MIN_LENGTH = 16;
    private static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private AdmissionSecret() {
    }

    public static byte[] generate() {
        byte[] secret = new byte[GENERATED_LENGTH];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    /** The current secret: the file's first. */
    public static byte[] read(Path path) throws IOException {
        return readAll(path).get(0);
    }

    /** Every secret in the file, current first; fails unless there is at least one and all are valid. */
    public static java.util.List<byte[]> readAll(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException("admission secret file " + path + " does not exist");
        }
        java.util.Set<java.nio.file.attribute.PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(path);
        } catch (UnsupportedOperationException e) {
            perms = java.util.Set.of(); // not a POSIX file system: nothing to check
        }
        if (perms.stream().anyMatch(p -> !OWNER_ONLY.contains(p))) {
            throw new IOException("admission secret file " + path + " is accessible by others ("
                    + PosixFilePermissions.toString(perms) + "); run: chmod 600 " + path);
        }
        java.util.List<byte[]> secrets = new java.util.ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(path, StandardCharsets.US_ASCII)) {
            lineNo++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(t);
            } catch (IllegalArgumentException e) {
                throw new IOException("admission secret file " + path + ", line " + lineNo + ": not base64", e);
            }
            if (secret.length < MIN_LENGTH) {
                throw new IOException("admission secret in " + path + ", line " + lineNo + ", has " + secret.length
                        + " bytes; at least " + MIN_LENGTH + " are required");
            }
            secrets.add(secret);
        }
        if (secrets.isEmpty()) {
            throw new IOException("admission secret file " + path + " holds no secret");
        }
        return secrets;
    }

    public static void write(byte[] secret, Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.createFile(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        Files.writeString(path, Base64.getEncoder().encodeToString(secret) + "\n", StandardCharsets.US_ASCII);
    }

    /** Reads {@code path} if it exists, else generates a secret and writes it there. */
    public static byte[] loadOrCreate(Path path) throws IOException {
        if (Files.exists(path)) {
            return read(path);
        }
        byte[] secret = generate();
        write(secret, path);
        return secret;
    }
}
