package dev.junction.wire.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.wire.WireFormatException;
import java.math.BigInteger;
import java.security.Signature;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Finding 9: small-order and non-canonical Ed25519 keys are never PeerIds. */
class WeakKeysTest {
    /** Little-endian 32-byte encoding of y, with x's sign bit set as asked. */
    static byte[] encode(BigInteger y, boolean sign) {
        byte[] be = y.toByteArray();
        byte[] le = new byte[32];
        for (int i = 0; i < be.length && i < 32; i++) {
            le[i] = be[be.length - 1 - i];
        }
        if (sign) {
            le[31] |= (byte) 0x80;
        }
        return le;
    }

    static byte[] wire(byte[] key) {
        byte[] b = new byte[PeerId.LENGTH];
        byte[] prefix = {0x00, 0x24, 0x08, 0x01, 0x12, 0x20};
        System.arraycopy(prefix, 0, b, 0, prefix.length);
        System.arraycopy(key, 0, b, prefix.length, 32);
        return b;
    }

    @Test
    void everyTorsionPointAndNonCanonicalEncodingIsRefused() {
        BigInteger p = WeakKeys.P;
        BigInteger[] ys = {BigInteger.ZERO, BigInteger.ONE, p.subtract(BigInteger.ONE), WeakKeys.Y8, p.subtract(WeakKeys.Y8),
                p, p.add(BigInteger.ONE), BigInteger.TWO.pow(255).subtract(BigInteger.ONE)};
        for (BigInteger y : ys) {
            for (boolean sign : new boolean[] {false, true}) {
                byte[] key = encode(y, sign);
                assertThatThrownBy(() -> PeerId.fromBytes(wire(key))).as("y = %s", y).isInstanceOf(WireFormatException.class)
                        .hasMessageContaining("not a usable identity");
                assertThatThrownBy(() -> PeerId.fromPublicKey(key)).isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    @Test
    void theOrderEightYIsOnTheCurve() {
        // -x^2 + y^2 = 1 + d x^2 y^2  =>  x^2 = (y^2 - 1) / (d y^2 + 1); on the curve when that is a square mod p.
        BigInteger p = WeakKeys.P;
        BigInteger d = BigInteger.valueOf(-121665).multiply(BigInteger.valueOf(121666).modInverse(p)).mod(p);
        BigInteger y = WeakKeys.Y8;
        BigInteger x2 = y.pow(2).subtract(BigInteger.ONE).multiply(d.multiply(y.pow(2)).add(BigInteger.ONE).modInverse(p)).mod(p);
        assertThat(x2.modPow(p.subtract(BigInteger.ONE).shiftRight(1), p)).as("x^2 is a quadratic residue").isEqualTo(BigInteger.ONE);
    }

    @Test
    void ordinaryKeysStillWork() throws Exception {
        for (int i = 0; i < 50; i++) {
            Identity id = Identity.generate();
            assertThat(PeerId.fromBytes(id.peerId().toBytes())).isEqualTo(id.peerId());
        }
    }

    @Test
    void theForgeryASmallOrderKeyWouldAllowIsWhatIsShutOut() throws Exception {
        // With A = identity, R = identity and S = 0, sB = R + hA holds for every message.
        byte[] identityPoint = encode(BigInteger.ONE, false);
        byte[] signature = Arrays.copyOf(identityPoint, 64);
        byte[] der = new byte[44];
        byte[] x509 = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
        System.arraycopy(x509, 0, der, 0, x509.length);
        System.arraycopy(identityPoint, 0, der, 12, 32);
        boolean jdkAccepts;
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(java.security.KeyFactory.getInstance("Ed25519").generatePublic(new java.security.spec.X509EncodedKeySpec(der)));
            s.update("any login challenge".getBytes());
            jdkAccepts = s.verify(signature);
        } catch (java.security.GeneralSecurityException e) {
            jdkAccepts = false;
        }
        System.out.println("JDK Ed25519 verify of the small-order forgery: " + (jdkAccepts ? "accepted" : "refused"));
        assertThatThrownBy(() -> PeerId.fromPublicKey(identityPoint)).isInstanceOf(IllegalArgumentException.class);
    }
}
