package dev.junction.client;

import java.time.Duration;

/**
 * Tuning of a {@link TraversalClient}. The defaults ({@link #DEFAULTS}) suit almost everyone; change
 * one setting with the {@code with...} methods. Immutable and thread-safe.
 *
 * @param keepalive how often the client proves liveness to the relay and refreshes NAT mappings;
 *     below 30 s because many NATs drop idle UDP mappings after 30 s (the relay may ask for less)
 * @param connectTimeout how long {@code connect} may take before it fails
 * @param relayUdp whether to relay over UDP when it works; false forces the TLS relay path
 * @param sessionIdleTimeout a session whose peer is silent this long is closed
 * @param punch whether sessions try for a direct path (UDP hole punching) while they run on the relay
 * @param prediction port prediction against "symmetric" NATs while punching
 * @param streams how many streams peers may open toward this client and the threads their handlers get
 * @param punchLimits how much punching a peer can make this client do
 */
public record ClientOptions(Duration keepalive, Duration connectTimeout, boolean relayUdp, Duration sessionIdleTimeout,
                            boolean punch, PortPrediction prediction, IncomingStreamLimits streams,
                            PunchLimits punchLimits) {
    /**
     * keepalive 20 s, connect timeout 15 s, relay over UDP on, sessions idle out after 60 s, hole
     * punching on, {@link PortPrediction#DEFAULTS}, {@link IncomingStreamLimits#DEFAULTS} and
     * {@link PunchLimits#DEFAULTS} (the same values as the library's reference.conf).
     */
    public static final ClientOptions DEFAULTS =
            new ClientOptions(Duration.ofSeconds(20), Duration.ofSeconds(15), true, Duration.ofSeconds(60), true);

    /**
     * Options with the default punch limits.
     *
     * @param keepalive see {@link #keepalive()}
     * @param connectTimeout see {@link #connectTimeout()}
     * @param relayUdp see {@link #relayUdp()}
     * @param sessionIdleTimeout see {@link #sessionIdleTimeout()}
     * @param punch see {@link #punch()}
     * @param prediction see {@link #prediction()}
     * @param streams see {@link #streams()}
     * @throws IllegalArgumentException as the canonical constructor
     */
    public ClientOptions(Duration keepalive, Duration connectTimeout, boolean relayUdp, Duration sessionIdleTimeout,
                         boolean punch, PortPrediction prediction, IncomingStreamLimits streams) {
        this(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, punch, prediction, streams, PunchLimits.DEFAULTS);
    }

    /**
     * Options with the default incoming stream limits and punch limits.
     *
     * @param keepalive see {@link #keepalive()}
     * @param connectTimeout see {@link #connectTimeout()}
     * @param relayUdp see {@link #relayUdp()}
     * @param sessionIdleTimeout see {@link #sessionIdleTimeout()}
     * @param punch see {@link #punch()}
     * @param prediction see {@link #prediction()}
     * @throws IllegalArgumentException as the canonical constructor
     */
    public ClientOptions(Duration keepalive, Duration connectTimeout, boolean relayUdp, Duration sessionIdleTimeout,
                         boolean punch, PortPrediction prediction) {
        this(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, punch, prediction, IncomingStreamLimits.DEFAULTS);
    }

    /**
     * Options with the default port prediction and limits.
     *
     * @param keepalive see {@link #keepalive()}
     * @param connectTimeout see {@link #connectTimeout()}
     * @param relayUdp see {@link #relayUdp()}
     * @param sessionIdleTimeout see {@link #sessionIdleTimeout()}
     * @param punch see {@link #punch()}
     * @throws IllegalArgumentException as the canonical constructor
     */
    public ClientOptions(Duration keepalive, Duration connectTimeout, boolean relayUdp, Duration sessionIdleTimeout, boolean punch) {
        this(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, punch, PortPrediction.DEFAULTS);
    }

    /**
     * Options with hole punching on and the default port prediction and limits.
     *
     * @param keepalive see {@link #keepalive()}
     * @param connectTimeout see {@link #connectTimeout()}
     * @param relayUdp see {@link #relayUdp()}
     * @param sessionIdleTimeout see {@link #sessionIdleTimeout()}
     * @throws IllegalArgumentException as the canonical constructor
     */
    public ClientOptions(Duration keepalive, Duration connectTimeout, boolean relayUdp, Duration sessionIdleTimeout) {
        this(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, true);
    }

    /**
     * Checks every setting.
     *
     * @param keepalive see {@link #keepalive()}
     * @param connectTimeout see {@link #connectTimeout()}
     * @param relayUdp see {@link #relayUdp()}
     * @param sessionIdleTimeout see {@link #sessionIdleTimeout()}
     * @param punch see {@link #punch()}
     * @param prediction see {@link #prediction()}
     * @param streams see {@link #streams()}
     * @param punchLimits see {@link #punchLimits()}
     * @throws IllegalArgumentException if {@code keepalive} is not above 0 and at most 60 s,
     *     {@code connectTimeout} is not positive, or {@code sessionIdleTimeout} is under 2 s
     * @throws NullPointerException if a duration, {@code prediction}, {@code streams} or
     *     {@code punchLimits} is null
     */
    public ClientOptions {
        if (keepalive.isNegative() || keepalive.isZero() || keepalive.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("keepalive must be between 0 and 60 s: " + keepalive);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive");
        }
        if (sessionIdleTimeout.compareTo(Duration.ofSeconds(2)) < 0) {
            throw new IllegalArgumentException("sessionIdleTimeout must be at least 2 s");
        }
        java.util.Objects.requireNonNull(prediction, "prediction");
        java.util.Objects.requireNonNull(streams, "streams");
        java.util.Objects.requireNonNull(punchLimits, "punchLimits");
    }

    /**
     * These options with relaying over UDP on or off.
     *
     * @param udp false forces the TLS relay path even when UDP reaches the relay
     * @return new options; this one is unchanged
     */
    public ClientOptions withRelayUdp(boolean udp) {
        return new ClientOptions(keepalive, connectTimeout, udp, sessionIdleTimeout, punch, prediction, streams, punchLimits);
    }

    /**
     * These options with another keepalive interval.
     *
     * @param d above 0 and at most 60 s
     * @return new options; this one is unchanged
     * @throws IllegalArgumentException if {@code d} is out of range
     */
    public ClientOptions withKeepalive(Duration d) {
        return new ClientOptions(d, connectTimeout, relayUdp, sessionIdleTimeout, punch, prediction, streams, punchLimits);
    }

    /**
     * These options with hole punching on or off.
     *
     * @param p false keeps every session on the relay
     * @return new options; this one is unchanged
     */
    public ClientOptions withPunch(boolean p) {
        return new ClientOptions(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, p, prediction, streams, punchLimits);
    }

    /**
     * These options with other port prediction limits.
     *
     * @param p the limits; {@link PortPrediction#OFF} turns prediction off
     * @return new options; this one is unchanged
     * @throws NullPointerException if {@code p} is null
     */
    public ClientOptions withPrediction(PortPrediction p) {
        return new ClientOptions(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, punch, p, streams, punchLimits);
    }

    /**
     * These options with other limits on the streams peers open toward this client.
     *
     * @param limits the limits
     * @return new options; this one is unchanged
     * @throws NullPointerException if {@code limits} is null
     */
    public ClientOptions withStreams(IncomingStreamLimits limits) {
        return new ClientOptions(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, punch, prediction, limits, punchLimits);
    }

    /**
     * These options with other punch limits.
     *
     * @param l the limits
     * @return new options; this one is unchanged
     * @throws NullPointerException if {@code l} is null
     */
    public ClientOptions withPunchLimits(PunchLimits l) {
        return new ClientOptions(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, punch, prediction, streams, l);
    }
}
