package dev.junction.wire.admission;

import dev.junction.wire.identity.PeerId;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Admission tokens in the style of the TURN REST API: an app backend that shares the relay's
 * admission secret mints, for one PeerId, a token valid until an expiry time.
 * <pre>
 * token = EXPIRY ":" PEERID ":" MAC
 *   EXPIRY = Unix time in seconds, decimal
 *   PEERID = the PeerId's text form
 *   MAC    = base64url without padding of HMAC-SHA256(secret, EXPIRY ":" PEERID)
 * </pre>
 * Verification compares MACs in constant time and fails closed.
 */
public final class AdmissionToken {
    /** Longest token accepted; a PeerId is 53 characters, so this leaves ample room and bounds parsing. */
    public static final int MAX_LENGTH = 256;

    /** Why a token was accepted or not; the names are also metric label values. */
    public enum Verdict {
        VALID,
        MALFORMED,
        EXPIRED,
        WRONG_PEER,
        BAD_MAC
    }

    private AdmissionToken() {
    }

    public static String mint(byte[] secret, PeerId peer, Instant expiry) {
        String claim = expiry.getEpochSecond() + ":" + peer;
        return claim + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(secret, claim));
    }

    /** The EXPIRY a token names, for a token that {@link #verify} found VALID. */
    public static Instant expiry(String token) {
        return Instant.ofEpochSecond(Long.parseLong(token.substring(0, token.indexOf(':'))));
    }

    /** Checks {@code token} for {@code presenter} (who proved key possession) at time {@code now}. */
    public static Verdict verify(byte[] secret, String token, PeerId presenter, Instant now) {
        if (token == null || token.length() > MAX_LENGTH) {
            return Verdict.MALFORMED;
        }
        int first = token.indexOf(':');
        int last = token.lastIndexOf(':');
        if (first <= 0 || last <= first) {
            return Verdict.MALFORMED;
        }
        String claim = token.substring(0, last);
        byte[] mac;
        long expiry;
        try {
            mac = Base64.getUrlDecoder().decode(token.substring(last + 1));
            expiry = Long.parseLong(token.substring(0, first));
        } catch (IllegalArgumentException e) {
            return Verdict.MALFORMED;
        }
        // The MAC is checked before anything it covers is believed.
        if (!MessageDigest.isEqual(mac, hmac(secret, claim))) {
            return Verdict.BAD_MAC;
        }
        if (!token.substring(first + 1, last).equals(presenter.toString())) {
            return Verdict.WRONG_PEER;
        }
        if (now.getEpochSecond() >= expiry) {
            return Verdict.EXPIRED;
        }
        return Verdict.VALID;
    }

    private static byte[] hmac(byte[] secret, String claim) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(claim.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 with the admission secret failed", e);
        }
    }
}
