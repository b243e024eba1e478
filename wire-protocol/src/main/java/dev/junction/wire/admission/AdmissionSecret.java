package dev.junction.wire.admission;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The relay's admission secret on disk: one line of base64 (standard alphabet) holding at least
 * 16 bytes; Junction generates 32. Created with mode 0600.
 */
public final class AdmissionSecret {
    public static final int GENERATED_LENGTH = 32;
    /** Shorter secrets make HMAC tokens guessable; refuse them at startup. */
    public static final int MIN_LENGTH = 16;

    private AdmissionSecret() {
    }

    public static byte[] generate() {
        byte[] secret = new byte[GENERATED_LENGTH];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    public static byte[] read(Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new IOException("admission secret file " + path + " does not exist");
        }
        byte[] secret;
        try {
            secret = Base64.getDecoder().decode(Files.readString(path, StandardCharsets.US_ASCII).strip());
        } catch (IllegalArgumentException e) {
            throw new IOException("admission secret file " + path + " is not one line of base64", e);
        }
        if (secret.length < MIN_LENGTH) {
            throw new IOException("admission secret in " + path + " has " + secret.length
                    + " bytes; at least " + MIN_LENGTH + " are required");
        }
        return secret;
    }

    public static void write(byte[] secret, Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
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
