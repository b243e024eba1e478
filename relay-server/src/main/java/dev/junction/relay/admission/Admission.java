package dev.junction.relay.admission;

import dev.junction.relay.config.RelayConfig;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.identity.PeerId;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a PeerId that has proven its key may hold a reservation. Fails closed: anything
 * not positively admitted is refused with the code that tells the client what to do.
 */
public final class Admission {
    private final RelayConfig.AdmissionMode mode;
    private final byte[] secret;
    private final Set<PeerId> allowList;
    private final Clock clock;

    /** {@code secret} may be null unless the mode is token. */
    public Admission(RelayConfig.AdmissionMode mode, byte[] secret, Set<PeerId> allowList, Clock clock) {
        if (mode == RelayConfig.AdmissionMode.TOKEN && secret == null) {
            throw new IllegalArgumentException("token admission needs a secret");
        }
        this.mode = mode;
        this.secret = secret == null ? null : secret.clone();
        this.allowList = Set.copyOf(allowList);
        this.clock = clock;
    }

    public RelayConfig.AdmissionMode mode() {
        return mode;
    }

    /** Empty when admitted, else the error to send. */
    public Optional<ErrorCode> admit(PeerId peer, String token) {
        if (mode == RelayConfig.AdmissionMode.OPEN || allowList.contains(peer)) {
            return Optional.empty();
        }
        if (mode == RelayConfig.AdmissionMode.ALLOW_LIST) {
            return Optional.of(ErrorCode.NOT_ALLOWED);
        }
        if (token == null || token.isEmpty()) {
            return Optional.of(ErrorCode.TOKEN_MISSING);
        }
        return switch (AdmissionToken.verify(secret, token, peer, clock.instant())) {
            case VALID -> Optional.empty();
            case EXPIRED -> Optional.of(ErrorCode.TOKEN_EXPIRED);
            case MALFORMED, BAD_MAC, WRONG_PEER -> Optional.of(ErrorCode.TOKEN_INVALID);
        };
    }
}
