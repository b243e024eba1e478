package dev.junction.client;

import java.util.Locale;

/** The kinds of path a session's datagrams can take. */
public enum PathKind {
    /** Through the relay, UDP between each side and the relay. */
    RELAY_UDP,
    /** Through the relay, on the TLS control connection (when UDP is blocked). */
    RELAY_TCP,
    /** Straight to the peer over UDP (a punched or public path). */
    DIRECT_UDP,
    /** Straight to the peer over TCP. */
    DIRECT_TCP;

    /**
     * The name used in events and on the command line.
     *
     * @return lower case with dashes: {@code relay-udp}, {@code direct-udp}, …
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Whether the path goes through the relay.
     *
     * @return true for {@link #RELAY_UDP} and {@link #RELAY_TCP}
     */
    public boolean relayed() {
        return this == RELAY_UDP || this == RELAY_TCP;
    }
}
