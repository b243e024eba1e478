package dev.junction.wire.control;

import dev.junction.wire.Bytes;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.codec.Fields;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * A relay's previous identity key vouching for its next one (PROTOCOL.md section 5.1): "the relay
 * that was {@code previous} is {@code next} until {@code expires}". Written once, when the operator
 * rotates the relay's key ({@code junction rotate-key}), signed with the old private key, and sent
 * in CHALLENGE to clients that announce they follow rotations; a client that pinned
 * {@code previous} then accepts {@code next}, and pins it from then on.
 * <pre>
 * Endorsement = previous:PeerId | next:PeerId | expires_s:u64 | signature:64
 * signature   = Ed25519_previous("junction/rotate/v1" ‖ every byte before the signature)
 * </pre>
 */
public record KeyEndorsement(PeerId previous, PeerId next, long expiresSeconds, Bytes signature) {
    private static final byte[] CONTEXT = "junction/rotate/v1".getBytes(StandardCharsets.US_ASCII);
    /** First word of the text form kept in a file beside the relay's key. */
    private static final String TEXT_TAG = "junction-key-endorsement-v1";

    public KeyEndorsement {
        if (signature.length() != Identity.SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("signature must be 64 bytes");
        }
        if (expiresSeconds < 0) {
            throw new IllegalArgumentException("expiry out of range: " + expiresSeconds);
        }
    }

    /** {@code previous} vouching for {@code next} until {@code expires}. */
    public static KeyEndorsement sign(Identity previous, PeerId next, Instant expires) {
        long e = expires.getEpochSecond();
        return new KeyEndorsement(previous.peerId(), next, e, Bytes.of(previous.sign(signedBytes(previous.peerId(), next, e))));
    }

    /** True when {@code previous}'s key made the signature over this statement. */
    public boolean signatureValid() {
        return !previous.equals(next) && Identity.verify(previous, signedBytes(previous, next, expiresSeconds), signature.toArray());
    }

    /** True when this endorsement lets a client that pinned {@code pinned} accept {@code presented} at {@code now}. */
    public boolean vouches(PeerId pinned, PeerId presented, Instant now) {
        return previous.equals(pinned) && next.equals(presented) && !expiredAt(now) && signatureValid();
    }

    public boolean expiredAt(Instant now) {
        return now.getEpochSecond() >= expiresSeconds;
    }

    public Instant expires() {
        return Instant.ofEpochSecond(expiresSeconds);
    }

    public void encode(ByteBuf out) {
        writeStatement(out, previous, next, expiresSeconds);
        out.writeBytes(signature.toArray());
    }

    public static KeyEndorsement decode(ByteBuf in) {
        PeerId previous = Fields.readPeerId(in);
        PeerId next = Fields.readPeerId(in);
        long expires = Fields.readU64(in, "expires");
        WireFormatException.check(expires >= 0, "endorsement expiry out of range");
        return new KeyEndorsement(previous, next, expires, Fields.readFixed(in, Identity.SIGNATURE_LENGTH, "signature"));
    }

    /** One line: {@code junction-key-endorsement-v1 PREVIOUS NEXT EXPIRES SIGNATURE} (base64url, no padding). */
    public String toText() {
        return TEXT_TAG + " " + previous + " " + next + " " + expiresSeconds + " "
                + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.toArray());
    }

    /** Parses {@link #toText()}'s form; the reason in the exception names what is wrong. */
    public static KeyEndorsement parse(String text) {
        String[] w = text.strip().split("\\s+");
        if (w.length != 5 || !w[0].equals(TEXT_TAG)) {
            throw new WireFormatException("not a key endorsement (expected: " + TEXT_TAG + " PREVIOUS NEXT EXPIRES SIGNATURE)");
        }
        try {
            return new KeyEndorsement(PeerId.parse(w[1]), PeerId.parse(w[2]), Long.parseLong(w[3]),
                    Bytes.of(Base64.getUrlDecoder().decode(w[4])));
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("malformed key endorsement: " + e.getMessage());
        }
    }

    private static void writeStatement(ByteBuf out, PeerId previous, PeerId next, long expires) {
        Fields.writePeerId(out, previous);
        Fields.writePeerId(out, next);
        out.writeLong(expires);
    }

    static byte[] signedBytes(PeerId previous, PeerId next, long expires) {
        ByteBuf b = Unpooled.buffer(128);
        try {
            b.writeBytes(CONTEXT);
            writeStatement(b, previous, next, expires);
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }
}
