package dev.junction.relay.turn;

import dev.junction.wire.stun.StunAttribute;
import dev.junction.wire.stun.StunIntegrity;
import dev.junction.wire.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.OptionalLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Long-term credential authentication of TURN requests (RFC 8489 section 9.2) with TURN REST API
 * user names and passwords ({@link TurnCredentials}). Nonces are stateless: the nonce's expiry in
 * hex, then an HMAC (under a key made at start) of that expiry and the client's IP, so the relay
 * keeps nothing per client before it authenticates and a nonce is good only from the address it was
 * handed to, until it expires (then 438 and a fresh one).
 */
final class TurnAuth {
    /** What to do with a request. */
    sealed interface Verdict {
    }

    /**
     * Authenticated (or open and unauthenticated: then username and key are null).
     *
     * @param sha256 the request used MESSAGE-INTEGRITY-SHA256, so the response does too
     */
    record Pass(String username, byte[] key, boolean sha256) implements Verdict {
    }

    /** Refused with this error; {@code challenge} adds REALM and a fresh NONCE (401, 438). */
    record Refuse(int code, String reason, boolean challenge) implements Verdict {
    }

    private final boolean open;
    private final String realm;
    private final TurnSecrets secrets;
    private final Duration nonceLifetime;
    private final Duration maxCredentialLifetime;
    private final Clock clock;
    private final TurnMetrics metrics;
    private final byte[] nonceKey = new byte[32];

    TurnAuth(boolean open, String realm, TurnSecrets secrets, Duration nonceLifetime, Duration maxCredentialLifetime, Clock clock,
             TurnMetrics metrics) {
        this.open = open;
        this.realm = realm;
        this.secrets = secrets;
        this.nonceLifetime = nonceLifetime;
        this.maxCredentialLifetime = maxCredentialLifetime;
        this.clock = clock;
        this.metrics = metrics;
        new SecureRandom().nextBytes(nonceKey);
    }

    String realm() {
        return realm;
    }

    /** Checks {@code request} (whose wire bytes are {@code raw}) from {@code client}. */
    Verdict check(StunMessage request, ByteBuf raw, InetAddress client) {
        boolean sha256 = request.attribute(StunAttribute.MessageIntegritySha256.class).isPresent();
        boolean integrity = sha256 || request.attribute(StunAttribute.MessageIntegrity.class).isPresent();
        if (!integrity) {
            if (open) {
                return new Pass(null, null, false);
            }
            metrics.auth(TurnMetrics.Auth.CHALLENGED);
            return new Refuse(StunAttribute.ErrorCode.UNAUTHENTICATED, "Unauthenticated", true);
        }
        Optional<StunAttribute.Username> user = request.attribute(StunAttribute.Username.class);
        Optional<StunAttribute.Realm> theirRealm = request.attribute(StunAttribute.Realm.class);
        Optional<StunAttribute.Nonce> nonce = request.attribute(StunAttribute.Nonce.class);
        if (user.isEmpty() || theirRealm.isEmpty() || nonce.isEmpty()) {
            metrics.auth(TurnMetrics.Auth.REFUSED);
            return new Refuse(StunAttribute.ErrorCode.BAD_REQUEST, "USERNAME, REALM and NONCE are required with MESSAGE-INTEGRITY", false);
        }
        if (!nonceValid(nonce.get().text(), client)) {
            metrics.auth(TurnMetrics.Auth.STALE_NONCE);
            return new Refuse(StunAttribute.ErrorCode.STALE_NONCE, "Stale Nonce", true);
        }
        String username = user.get().text();
        OptionalLong expiry = TurnCredentials.expiry(username);
        long now = clock.instant().getEpochSecond();
        if (!theirRealm.get().text().equals(realm) || expiry.isEmpty() || expiry.getAsLong() <= now
                || expiry.getAsLong() > now + maxCredentialLifetime.toSeconds()) {
            metrics.auth(TurnMetrics.Auth.REFUSED);
            return new Refuse(StunAttribute.ErrorCode.UNAUTHENTICATED, "Unauthenticated", true);
        }
        for (byte[] secret : secrets.all()) {
            byte[] key = StunIntegrity.longTermKey(username, realm, TurnCredentials.password(secret, username));
            if (StunIntegrity.verify(raw, key)) {
                metrics.auth(TurnMetrics.Auth.OK);
                return new Pass(username, key, sha256);
            }
        }
        metrics.auth(TurnMetrics.Auth.REFUSED);
        return new Refuse(StunAttribute.ErrorCode.UNAUTHENTICATED, "Unauthenticated", true);
    }

    /** A fresh nonce for {@code client}: 8 hex digits of expiry (Unix seconds), 16 characters of HMAC. */
    String nonce(InetAddress client) {
        String expiry = String.format("%08x", clock.instant().getEpochSecond() + nonceLifetime.toSeconds());
        return expiry + mac(expiry, client);
    }

    private boolean nonceValid(String nonce, InetAddress client) {
        if (nonce.length() != 24) {
            return false;
        }
        String expiry = nonce.substring(0, 8);
        long until;
        try {
            until = Long.parseLong(expiry, 16);
        } catch (NumberFormatException e) {
            return false;
        }
        return until > clock.instant().getEpochSecond()
                && MessageDigest.isEqual(mac(expiry, client).getBytes(StandardCharsets.US_ASCII),
                nonce.substring(8).getBytes(StandardCharsets.US_ASCII));
    }

    private String mac(String expiry, InetAddress client) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(nonceKey, "HmacSHA256"));
            mac.update(expiry.getBytes(StandardCharsets.US_ASCII));
            mac.update(client.getAddress());
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal()).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK always has HmacSHA256", e);
        }
    }
}
