package dev.junction.relay.metrics;

import java.util.Locale;

/**
 * Why the relay closed or refused a TCP connection on its own: the closed set of values of the
 * {@code reason} label of {@code junction_connections_closed_total}.
 */
public enum ConnectionCloseReason {
    /** A control connection whose send queue took nothing for limits.write-timeout. */
    SLOW_CONSUMER,
    /** A new connection from a source (an IPv4 address or an IPv6 /64) already at limits.connections-per-ip. */
    PER_IP_LIMIT,
    /** A STUN/TCP connection that did not complete a message within its message timeout. */
    INCOMPLETE_MESSAGE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
