package dev.junction.wire.identity;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A peer's Ed25519 key pair and the {@link PeerId} derived from it. Keys are the JDK's (TLS and the
 * key files use them); signatures are made and checked with BouncyCastle's RFC 8032 code, which gives
 * the same (deterministic) signatures several times faster than JDK 17's EdDSA.
 */
public final class Identity {
    public static final int SIGNATURE_LENGTH = 64;

    private final KeyPair keyPair;
    private final PeerId peerId;
    /** The 32-byte private seed and public key, as RFC 8032 takes them. */
    private final byte[] seed;
    private final byte[] publicKey;

    public Identity(KeyPair keyPair) {
        this.keyPair = keyPair;
        this.peerId = PeerId.fromPublicKey(keyPair.getPublic());
        if (!(keyPair.getPrivate() instanceof EdECPrivateKey ed) || ed.getBytes().isEmpty()) {
            throw new IllegalArgumentException("not an Ed25519 private key with its seed: " + keyPair.getPrivate().getAlgorithm());
        }
        this.seed = ed.getBytes().get();
        this.publicKey = peerId.publicKey();
        byte[] derived = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, derived, 0);
        if (!java.security.MessageDigest.isEqual(derived, publicKey)) {
            throw new IllegalArgumentException("the Ed25519 private key does not match its public key");
        }
    }

    /** A new random identity. */
    public static Identity generate() {
        try {
            return new Identity(KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK 15+ always has Ed25519", e);
        }
    }

    public PeerId peerId() {
        return peerId;
    }

    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    public PublicKey publicKey() {
        return keyPair.getPublic();
    }

    public KeyPair keyPair() {
        return keyPair;
    }

    /** An Ed25519 signature (64 bytes) over {@code data}. */
    public byte[] sign(byte[] data) {
        byte[] signature = new byte[SIGNATURE_LENGTH];
        Ed25519.sign(seed, 0, publicKey, 0, data, 0, data.length, signature, 0);
        return signature;
    }

    /**
     * True when {@code signature} is {@code signer}'s valid Ed25519 signature over {@code data}
     * (RFC 8032 verification: a non-canonical S or an invalid point fails).
     */
    public static boolean verify(PeerId signer, byte[] data, byte[] signature) {
        if (signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            return Ed25519.verify(signature, 0, signer.publicKey(), 0, data, 0, data.length);
        } catch (RuntimeException e) {
            return false; // a key that is not a curve point
        }
    }
}
