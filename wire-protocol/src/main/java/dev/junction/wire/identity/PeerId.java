package dev.junction.wire.identity;

import dev.junction.wire.Bytes;
import dev.junction.wire.WireFormatException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/**
 * A peer's identity: the multihash of its Ed25519 public key, printed in multibase.
 *
 * <p>Bytes (38): the identity multihash (code 0x00, length 0x24) of the libp2p protobuf
 * {@code PublicKey} message for an Ed25519 key (field 1 varint 1 = Ed25519, field 2 bytes[32]),
 * so the bytes are those of a libp2p Ed25519 peer ID:
 * <pre>
 * 00 24 | 08 01 | 12 20 | 32-byte Ed25519 public key
 * </pre>
 * Text: multibase base58btc, the letter {@code z} then base58btc of the 38 bytes
 * ({@code z12D3KooW…}). {@link #parse} also takes libp2p's bare form ({@code 12D3KooW…}).
 * The identity hash means the key is recoverable from the PeerId, so a peer can check a signature
 * knowing only the PeerId.
 */
public final class PeerId implements Comparable<PeerId> {
    public static final int KEY_LENGTH = 32;
    public static final int LENGTH = 38;
    private static final byte[] PREFIX = {0x00, 0x24, 0x08, 0x01, 0x12, 0x20};
    /** DER prefix of an X.509 SubjectPublicKeyInfo holding a raw Ed25519 key (RFC 8410 section 4). */
    private static final byte[] X509_ED25519_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private final Bytes bytes;

    private PeerId(Bytes bytes) {
        this.bytes = bytes;
    }

    /** The PeerId of a raw 32-byte Ed25519 public key. */
    public static PeerId fromPublicKey(byte[] rawKey) {
        if (rawKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, not " + rawKey.length);
        }
        String weak = WeakKeys.problem(rawKey);
        if (weak != null) {
            throw new IllegalArgumentException("not a usable identity: " + weak);
        }
        byte[] b = Arrays.copyOf(PREFIX, LENGTH);
        System.arraycopy(rawKey, 0, b, PREFIX.length, KEY_LENGTH);
        return new PeerId(Bytes.of(b));
    }

    /** The PeerId of a JDK Ed25519 public key. */
    public static PeerId fromPublicKey(PublicKey key) {
        byte[] der = key.getEncoded();
        if (!"Ed25519".equals(key.getAlgorithm()) && !"EdDSA".equals(key.getAlgorithm()) || der.length != 44) {
            throw new IllegalArgumentException("not an Ed25519 public key: " + key.getAlgorithm());
        }
        return fromPublicKey(Arrays.copyOfRange(der, X509_ED25519_PREFIX.length, der.length));
    }

    /** Reads the 38 wire bytes; throws {@link WireFormatException} unless they are an Ed25519 PeerId. */
    public static PeerId fromBytes(byte[] b) {
        WireFormatException.check(b.length == LENGTH, "a PeerId has 38 bytes, not " + b.length);
        WireFormatException.check(Arrays.equals(b, 0, PREFIX.length, PREFIX, 0, PREFIX.length),
                "not an identity multihash of an Ed25519 key");
        String weak = WeakKeys.problem(Arrays.copyOfRange(b, PREFIX.length, LENGTH));
        WireFormatException.check(weak == null, weak == null ? "" : "not a usable identity: " + weak);
        return new PeerId(Bytes.of(b));
    }

    /** Parses the text form; the message of the exception says what is wrong with it. */
    public static PeerId parse(String text) {
        String t = text.strip();
        if (t.startsWith("z")) {
            return fromBytes(Base58.decode(t.substring(1)));
        }
        if (t.startsWith("12D3KooW")) {
            return fromBytes(Base58.decode(t));
        }
        throw new WireFormatException("a PeerId starts with 'z12D3KooW' (multibase base58btc): '" + abbreviate(t) + "'");
    }

    public byte[] toBytes() {
        return bytes.toArray();
    }

    /** The raw 32-byte Ed25519 public key. */
    public byte[] publicKey() {
        byte[] b = bytes.toArray();
        return Arrays.copyOfRange(b, PREFIX.length, LENGTH);
    }

    /** The key as a JDK {@link PublicKey}, for {@link java.security.Signature}. */
    public PublicKey toJavaPublicKey() {
        byte[] der = Arrays.copyOf(X509_ED25519_PREFIX, X509_ED25519_PREFIX.length + KEY_LENGTH);
        System.arraycopy(publicKey(), 0, der, X509_ED25519_PREFIX.length, KEY_LENGTH);
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK 15+ always has Ed25519", e);
        }
    }

    /** A short form for logs: the first characters after the common prefix. */
    public String shortString() {
        String s = toString();
        return s.substring(0, Math.min(s.length(), 17)) + "…";
    }

    @Override
    public String toString() {
        return "z" + Base58.encode(bytes.toArray());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerId other && bytes.equals(other.bytes);
    }

    @Override
    public int hashCode() {
        return bytes.hashCode();
    }

    @Override
    public int compareTo(PeerId o) {
        return Arrays.compareUnsigned(bytes.toArray(), o.bytes.toArray());
    }

    private static String abbreviate(String s) {
        return s.length() <= 24 ? s : s.substring(0, 24) + "…";
    }
}
