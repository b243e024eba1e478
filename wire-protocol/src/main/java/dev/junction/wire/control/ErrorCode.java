package dev.junction.wire.control;

/**
 * The code of an ERROR frame. Each carries the hint a client shows its user: what to do about it.
 * Unknown codes decode as {@link #UNKNOWN} so a newer relay's errors still reach the user.
 */
public enum ErrorCode {
    UNKNOWN(0, "the relay reported an error this client does not know; upgrade the client"),
    UNSUPPORTED_VERSION(1, "the relay speaks another protocol version; upgrade the older side"),
    BAD_SIGNATURE(2, "the key-possession proof failed; check the identity file"),
    TOKEN_MISSING(3, "the relay requires an admission token; pass --token"),
    TOKEN_EXPIRED(4, "the admission token has expired; mint a new one"),
    TOKEN_INVALID(5, "the admission token is not valid for this relay or this peer; mint one with the relay's secret for this PeerId"),
    NOT_ALLOWED(6, "this PeerId is not on the relay's allow list"),
    RESERVATION_LIMIT(7, "the relay holds as many reservations as it allows (in total or from this IP); try later or another relay"),
    PEER_NOT_FOUND(8, "the peer holds no reservation on this relay; check the PeerId and that the peer is listening"),
    CIRCUIT_LIMIT(9, "too many circuits; close some or try later"),
    REJECTED(10, "the peer refused the session"),
    DRAINING(11, "the relay is shutting down; reconnect to the hinted relay"),
    MALFORMED(12, "the relay could not parse a frame; this is a bug in one of the two sides"),
    RATE_LIMITED(13, "too many requests; slow down"),
    TIMEOUT(14, "the relay waited too long for the next step"),
    INTERNAL(15, "the relay failed internally; see its log"),
    /** The peer's home relay is another relay of the fleet, and the link to it is down. */
    RELAY_UNREACHABLE(16, "the peer is homed on another relay of the fleet that cannot be reached now; retry in a few seconds"),
    /** The fleet's peer directory cannot be reached and this relay does not know where the peer is. */
    DIRECTORY_UNAVAILABLE(17, "the relay cannot reach its fleet's peer directory; peers on the same relay still connect, retry others shortly");

    private final int wire;
    private final String hint;

    ErrorCode(int wire, String hint) {
        this.wire = wire;
        this.hint = hint;
    }

    public int wireValue() {
        return wire;
    }

    /** One line telling the user what to do. */
    public String hint() {
        return hint;
    }

    public static ErrorCode valueOf(int wire) {
        for (ErrorCode c : values()) {
            if (c.wire == wire) {
                return c;
            }
        }
        return UNKNOWN;
    }
}
