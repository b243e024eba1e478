package dev.junction.relay.metrics;

import java.util.Locale;

/**
 * Why the relay dropped a packet or frame: the closed set of values of the {@code reason} label of
 * {@code junction_drops_total}.
 */
public enum DropReason {
    /** A datagram that starts like STUN but does not decode. */
    MALFORMED_STUN,
    /** A STUN indication or response, or a request of a method the relay does not serve. */
    UNEXPECTED_STUN,
    /** A datagram whose first byte belongs to no protocol the relay speaks. */
    UNKNOWN_PROTOCOL,
    /** A Junction frame that does not decode. */
    MALFORMED_FRAME,
    /** A frame for a circuit that does not exist or is not the sender's. */
    UNKNOWN_CIRCUIT,
    /** A datagram from an address no reservation is bound to. */
    UNBOUND_SENDER,
    /** The receiver's send queue was full. */
    QUEUE_FULL,
    /** A circuit limit (bytes, rate) was crossed. */
    LIMIT,
    /** A control request above its connection's limits.control-requests-per-second. */
    RATE_LIMITED;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
