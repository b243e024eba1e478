package dev.junction.wire.identity;

import java.math.BigInteger;

/**
 * Ed25519 public keys that prove nothing: points of small order (the eight torsion points, for which
 * a signature with R = identity and S = 0 verifies for every message under lax verifiers) and
 * non-canonical encodings (y at or above the field prime). A PeerId never holds one.
 *
 * <p>The torsion points have y in {1, p-1, 0, Y8, p-Y8}, where Y8 is the y of the order-8 points
 * (the list libsodium's {@code has_small_order} checks); the sign bit picks x and does not matter.
 */
final class WeakKeys {
    /** The field prime 2^255 - 19. */
    static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    /** y of the order-8 points. */
    static final BigInteger Y8 = new BigInteger("2707385501144840649318225287225658788936804267575313519463743609750303402022");
    private static final BigInteger[] SMALL_ORDER_Y = {BigInteger.ZERO, BigInteger.ONE, P.subtract(BigInteger.ONE), Y8, P.subtract(Y8)};

    private WeakKeys() {
    }

    /** Why {@code rawKey} (32 bytes) is unusable as an identity, or null when it is fine. */
    static String problem(byte[] rawKey) {
        byte[] be = new byte[32];
        for (int i = 0; i < 32; i++) {
            be[i] = rawKey[31 - i];
        }
        be[0] &= 0x7f; // the top bit of the last byte is x's sign, not part of y
        BigInteger y = new BigInteger(1, be);
        if (y.compareTo(P) >= 0) {
            return "a non-canonical Ed25519 public key (y is not below the field prime)";
        }
        for (BigInteger small : SMALL_ORDER_Y) {
            if (y.equals(small)) {
                return "an Ed25519 public key of small order, which any signature can match";
            }
        }
        return null;
    }
}
