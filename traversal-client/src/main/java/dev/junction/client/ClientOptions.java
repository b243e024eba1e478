package dev.junction.client;

import java.time.Duration;

/**
 * Tuning of a {@link TraversalClient}. The defaults suit almost everyone.
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
    public static final ClientOptions DEFAULTS =
            new ClientOptions(Duration.ofSeconds(20), Duration.ofSeconds(15), true, Duration.ofSeconds(60), true);

    /** Options with the default punch limits. */
    public ClientOptions(Duration keepalive, Duration connectTimeout, boolean relayUdp, Duration sessionIdleTimeout,
                         boolean punch, PortPrediction prediction, IncomingStreamLimits streams) {
        this(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, punch, prediction, streams, PunchLimits.DEFAULTS);
    }

    /** Options with the default incoming stream limits. */
    public ClientOptions(Duration keepalive, Duration connectTimeout, boolean relayUdp, Duration sessionIdleTimeout,
                         boolean punch, PortPrediction prediction) {
        this(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, punch, prediction, IncomingStreamLimits.DEFAULTS);
    }

    /** Options with the default port prediction. */
    public ClientOptions(Duration keepalive, Duration connectTimeout, boolean relayUdp, Duration sessionIdleTimeout, boolean punch) {
        this(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, punch, PortPrediction.DEFAULTS);
    }

    /** Options with hole punching on. */
    public ClientOptions(Duration keepalive, Duration connectTimeout, boolean relayUdp, Duration sessionIdleTimeout) {
        this(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, true);
    }

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

    public ClientOptions withRelayUdp(boolean udp) {
        return new ClientOptions(keepalive, connectTimeout, udp, sessionIdleTimeout, punch, prediction, streams, punchLimits);
    }

    public ClientOptions withKeepalive(Duration d) {
        return new ClientOptions(d, connectTimeout, relayUdp, sessionIdleTimeout, punch, prediction, streams, punchLimits);
    }

    /** These options with hole punching on or off (off: sessions stay on the relay). */
    public ClientOptions withPunch(boolean p) {
        return new ClientOptions(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, p, prediction, streams, punchLimits);
    }

    /** These options with other port prediction limits ({@link PortPrediction#OFF} turns it off). */
    public ClientOptions withPrediction(PortPrediction p) {
        return new ClientOptions(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, punch, p, streams, punchLimits);
    }

    /** These options with other limits on the streams peers open toward this client. */
    public ClientOptions withStreams(IncomingStreamLimits limits) {
        return new ClientOptions(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, punch, prediction, limits, punchLimits);
    }

    /** These options with other punch limits. */
    public ClientOptions withPunchLimits(PunchLimits l) {
        return new ClientOptions(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, punch, prediction, streams, l);
    }
}
