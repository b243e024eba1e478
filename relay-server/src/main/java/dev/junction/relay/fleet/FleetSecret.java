package dev.junction.relay.fleet;

import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.identity.PeerId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret every relay of a fleet shares: it admits relays to each other's mesh (an admission
 * token minted with it for the dialling relay's PeerId) and seals what relays write to the directory,
 * so a process with access to Redis but not the secret can neither join the mesh nor make a relay
 * believe an entry it wrote. The two uses take different keys: the token HMAC uses the secret itself,
 * the directory seal an HMAC of it under its own context.
 */
public final class FleetSecret {
    /** A mesh login token lives this long: it is minted per dial and used at once. */
    static final Duration TOKEN_LIFETIME = Duration.ofMinutes(5);
    private static final byte[] DIRECTORY_CONTEXT = "junction/fleet/directory/v1".getBytes(StandardCharsets.US_ASCII);
    private static final String SEPARATOR = "|";

    private final byte[] secret;
    private final byte[] directoryKey;

    FleetSecret(byte[] secret) {
        this.secret = secret.clone();
        this.directoryKey = hmac(secret, DIRECTORY_CONTEXT);
    }

    /** The first secret in {@code file} (created, mode 0600, when missing). */
    public static FleetSecret load(Path file) throws IOException {
        return new FleetSecret(AdmissionSecret.loadOrCreate(file));
    }

    /** A token that admits relay {@code self} to another relay's mesh until {@link #TOKEN_LIFETIME} from {@code now}. */
    String meshToken(PeerId self, Instant now) {
        return AdmissionToken.mint(secret, self, now.plus(TOKEN_LIFETIME));
    }

    /** True when {@code token} was minted with this secret for {@code relay}, is current and not minted for longer than a dial needs. */
    boolean admits(String token, PeerId relay, Instant now) {
        return AdmissionToken.verify(secret, token, relay, now) == AdmissionToken.Verdict.VALID
                && !AdmissionToken.expiry(token).isAfter(now.plus(TOKEN_LIFETIME).plusSeconds(60));
    }

    /** {@code value}, sealed for directory key {@code key}: the value, '|', and the HMAC of key and value. */
    String seal(String key, String value) {
        return value + SEPARATOR + Base64.getUrlEncoder().withoutPadding().encodeToString(mac(key, value));
    }

    /** The value of {@code sealed} if it was sealed with this secret for {@code key}; empty if not (or if it is null). */
    Optional<String> open(String key, String sealed) {
        if (sealed == null) {
            return Optional.empty();
        }
        int at = sealed.lastIndexOf(SEPARATOR);
        if (at < 0) {
            return Optional.empty();
        }
        String value = sealed.substring(0, at);
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(sealed.substring(at + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return MessageDigest.isEqual(given, mac(key, value)) ? Optional.of(value) : Optional.empty();
    }

    private byte[] mac(String key, String value) {
        return hmac(directoryKey, (key + "\n" + value).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
