package dev.junction.relay.tls;

import dev.junction.wire.WireFormatException;
import dev.junction.wire.control.KeyEndorsement;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.IdentityFile;
import dev.junction.wire.identity.PeerId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;

/**
 * Rotating a relay's identity key with an overlap (PROTOCOL.md section 5.1). {@link #rotate} makes a
 * new key, has the old one sign a {@link KeyEndorsement} for it, keeps the old key file beside the
 * new one, and writes the endorsement to {@code IDENTITY.endorsement}. A relay started on the new
 * key {@link #load loads} that file and sends the endorsement in CHALLENGE until it expires, so
 * clients that pinned the old PeerId follow to the new one instead of being stranded.
 */
public final class KeyRotation {
    /** How long clients pinned to the old key can follow, when the operator names no overlap. */
    public static final Duration DEFAULT_OVERLAP = Duration.ofDays(30);
    /** Longest overlap accepted: an endorsement is a standing promise by a key that may be retired. */
    public static final Duration MAX_OVERLAP = Duration.ofDays(365);

    /** What {@link #rotate} did. */
    public record Rotated(PeerId previous, PeerId next, Instant expires, Path previousKeyFile, Path endorsementFile) {
    }

    private KeyRotation() {
    }

    /** Where the endorsement of the key in {@code identityFile} lives. */
    public static Path endorsementFile(Path identityFile) {
        return identityFile.resolveSibling(identityFile.getFileName() + ".endorsement");
    }

    /**
     * Replaces the key in {@code identityFile} by a new one, endorsed by the old one until
     * {@code now + overlap}; the old key is kept as {@code IDENTITY.previous-EPOCHSECONDS}.
     */
    public static Rotated rotate(Path identityFile, Duration overlap, Instant now) throws IOException {
        if (overlap.isNegative() || overlap.isZero() || overlap.compareTo(MAX_OVERLAP) > 0) {
            throw new IOException("overlap must be more than 0 and at most " + MAX_OVERLAP.toDays() + " days, not " + overlap);
        }
        Identity previous = IdentityFile.read(identityFile);
        Identity next = Identity.generate();
        KeyEndorsement endorsement = KeyEndorsement.sign(previous, next.peerId(), now.plus(overlap));
        Path staged = identityFile.resolveSibling(identityFile.getFileName() + ".next");
        Files.deleteIfExists(staged);
        IdentityFile.write(next, staged);
        Path endorsementFile = endorsementFile(identityFile);
        Path endorsementStaged = endorsementFile.resolveSibling(endorsementFile.getFileName() + ".tmp");
        Files.writeString(endorsementStaged, "# " + previous.peerId() + " vouches for " + next.peerId() + " until " + endorsement.expires()
                + "\n" + endorsement.toText() + "\n", StandardCharsets.US_ASCII);
        Path kept = identityFile.resolveSibling(identityFile.getFileName() + ".previous-" + now.getEpochSecond());
        Files.move(identityFile, kept);
        Files.move(staged, identityFile, StandardCopyOption.ATOMIC_MOVE);
        Files.move(endorsementStaged, endorsementFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return new Rotated(previous.peerId(), next.peerId(), endorsement.expires(), kept, endorsementFile);
    }

    /**
     * The endorsement of {@code current} beside {@code identityFile}, or null when there is none.
     * Fails naming the file and the reason when it is not an endorsement of this key by another
     * key whose signature verifies; an expired one loads (the caller says so and sends nothing).
     */
    public static KeyEndorsement load(Path identityFile, PeerId current) throws IOException {
        Path file = endorsementFile(identityFile);
        if (!Files.exists(file)) {
            return null;
        }
        KeyEndorsement e = null;
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
            if (!line.isBlank() && !line.startsWith("#")) {
                try {
                    e = KeyEndorsement.parse(line);
                } catch (WireFormatException bad) {
                    throw new IOException("key endorsement " + file + ": " + bad.getMessage() + "; remove the file or rotate again", bad);
                }
                break;
            }
        }
        if (e == null) {
            throw new IOException("key endorsement " + file + " is empty; remove it or rotate again");
        }
        if (!e.next().equals(current)) {
            throw new IOException("key endorsement " + file + " vouches for " + e.next() + ", not this relay's key " + current
                    + " (from " + identityFile + "); remove the file or put back the key it names");
        }
        if (!e.signatureValid()) {
            throw new IOException("key endorsement " + file + " is not signed by the key it names (" + e.previous() + "); remove it");
        }
        return e;
    }
}
