package dev.junction.wire.control;

/**
 * Why a circuit closed (CIRCUIT_CLOSE) or the relay goes away (GOING_AWAY). The lower-case names
 * are also metric label values. Unknown codes decode as {@link #UNKNOWN}.
 */
public enum CloseReason {
    UNKNOWN(0),
    NORMAL(1),
    PEER_CLOSED(2),
    BYTE_LIMIT(3),
    DURATION_LIMIT(4),
    RATE_LIMIT(5),
    PEER_GONE(6),
    RELAY_DRAINING(7),
    REJECTED(8),
    IDLE(9),
    /** The same PeerId logged in again; the newer connection holds the reservation now. */
    REPLACED(10),
    /** The reservation's lifetime ran out without a REFRESH. */
    EXPIRED(11),
    /** The circuit spanned two relays of a fleet and the link between them went down. */
    RELAY_UNREACHABLE(12);

    private final int wire;

    CloseReason(int wire) {
        this.wire = wire;
    }

    public int wireValue() {
        return wire;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static CloseReason valueOf(int wire) {
        for (CloseReason r : values()) {
            if (r.wire == wire) {
                return r;
            }
        }
        return UNKNOWN;
    }
}
