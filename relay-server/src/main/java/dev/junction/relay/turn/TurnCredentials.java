package dev.junction.relay.turn;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TURN REST API credentials (draft-uberti-behave-turn-rest-00, as coturn's {@code use-auth-secret}
 * and WebRTC app servers use them): {@code username = EXPIRY[:USER]} with EXPIRY in Unix seconds,
 * {@code password = base64(HMAC-SHA1(secret, username))}. The server needs no user database: it
 * recomputes the password from the user name and checks that EXPIRY has not passed.
 */
public final class TurnCredentials {
    /** The largest TTL minted: a day, as long as an admission token may live by default. */
    public static final Duration MAX_TTL = Duration.ofDays(1);

    /** One minted credential: what an app server hands a browser. */
    public record Minted(String username, String password, long ttlSeconds) {
    }

    private TurnCredentials() {
    }

    /** Mints a credential for {@code user} (may be empty) valid for {@code ttl} from {@code now}. */
    public static Minted mint(String secret, String user, Duration ttl, Instant now) {
        if (user.contains(":")) {
            throw new IllegalArgumentException("the user name must not contain ':' (it separates the expiry from the user)");
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("the TTL must be between 1 s and " + MAX_TTL.toHours() + " h");
        }
        String username = (now.getEpochSecond() + ttl.toSeconds()) + (user.isEmpty() ? "" : ":" + user);
        return new Minted(username, password(secret.getBytes(StandardCharsets.UTF_8), username), ttl.toSeconds());
    }

    /** The password of {@code username} under {@code secret}: base64(HMAC-SHA1(secret, username)). */
    public static String password(byte[] secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always has HmacSHA1", e);
        }
    }

    /** The expiry (Unix seconds) a REST user name carries, or empty when it has none. */
    public static OptionalLong expiry(String username) {
        int colon = username.indexOf(':');
        String head = colon < 0 ? username : username.substring(0, colon);
        if (head.isEmpty() || head.length() > 12 || !head.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Long.parseLong(head));
    }
}
