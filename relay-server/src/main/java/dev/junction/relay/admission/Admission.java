package dev.junction.relay.admission;

import dev.junction.relay.config.RelayConfig;
import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.identity.PeerId;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * Decides whether a PeerId that has proven its key may hold a reservation, and until when. Fails
 * closed: anything not positively admitted is refused with the code that tells the client what to
 * do. A token is valid under any secret in force ({@link SecretFile}) and only up to
 * {@code maxTokenLifetime} ahead, so a token minted for year 9999 buys nothing.
 */
public final class Admission {
    private final RelayConfig.AdmissionMode mode;
    private final SecretFile secrets;
    private final Set<PeerId> allowList;
    private final Duration maxTokenLifetime;
    private final Clock clock;

    /** The verdict: {@code error} null when admitted, then {@code until} is when the admission ends (Instant.MAX: never). */
    public record Decision(ErrorCode error, Instant until) {
        static Decision refuse(ErrorCode code) {
            return new Decision(code, null);
        }

        public boolean admitted() {
            return error == null;
        }
    }

    /** {@code secretFile} may be null unless the mode is token; it is read here and re-read when it changes. */
    public Admission(RelayConfig.AdmissionMode mode, Path secretFile, Set<PeerId> allowList, Duration maxTokenLifetime, Clock clock)
            throws IOException {
        if (mode == RelayConfig.AdmissionMode.TOKEN && secretFile == null) {
            throw new IllegalArgumentException("token admission needs a secret file");
        }
        this.mode = mode;
        this.secrets = mode == RelayConfig.AdmissionMode.TOKEN ? new SecretFile(secretFile, AdmissionSecret.readAll(secretFile)) : null;
        this.allowList = Set.copyOf(allowList);
        this.maxTokenLifetime = maxTokenLifetime;
        this.clock = clock;
    }

    public RelayConfig.AdmissionMode mode() {
        return mode;
    }

    /** Whether {@code peer} is admitted with {@code token}, and until when. */
    public Decision admit(PeerId peer, String token) {
        if (mode == RelayConfig.AdmissionMode.OPEN || allowList.contains(peer)) {
            return new Decision(null, Instant.MAX);
        }
        if (mode == RelayConfig.AdmissionMode.ALLOW_LIST) {
            return Decision.refuse(ErrorCode.NOT_ALLOWED);
        }
        if (token == null || token.isEmpty()) {
            return Decision.refuse(ErrorCode.TOKEN_MISSING);
        }
        Instant now = clock.instant();
        AdmissionToken.Verdict verdict = AdmissionToken.Verdict.BAD_MAC;
        for (byte[] secret : secrets.secrets()) {
            verdict = AdmissionToken.verify(secret, token, peer, now);
            if (verdict != AdmissionToken.Verdict.BAD_MAC) {
                break;
            }
        }
        return switch (verdict) {
            case VALID -> {
                Instant expiry = AdmissionToken.expiry(token);
                yield expiry.isAfter(now.plus(maxTokenLifetime)) ? Decision.refuse(ErrorCode.TOKEN_INVALID) : new Decision(null, expiry);
            }
            case EXPIRED -> Decision.refuse(ErrorCode.TOKEN_EXPIRED);
            case MALFORMED, BAD_MAC, WRONG_PEER -> Decision.refuse(ErrorCode.TOKEN_INVALID);
        };
    }
}
