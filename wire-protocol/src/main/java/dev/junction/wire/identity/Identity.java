package dev.junction.wire.identity;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;

/** A peer's Ed25519 key pair and the {@link PeerId} derived from it. Uses the JDK's Ed25519. */
public final class Identity {
    public static final int SIGNATURE_LENGTH = 64;

    private final KeyPair keyPair;
    private final PeerId peerId;

    public Identity(KeyPair keyPair) {
        this.keyPair = keyPair;
        this.peerId = PeerId.fromPublicKey(keyPair.getPublic());
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
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(keyPair.getPrivate());
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** True when {@code signature} is {@code signer}'s valid Ed25519 signature over {@code data}. */
    public static boolean verify(PeerId signer, byte[] data, byte[] signature) {
        if (signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(signer.toJavaPublicKey());
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
