package dev.junction.client;

import java.time.Duration;

/**
 * Tuning of a {@link TraversalClient}. The defaults ({@link #DEFAULTS}) suit almost everyone; change
 * settings by name with a {@link Builder}:
 *
 * <pre>{@code
 * ClientOptions options = ClientOptions.builder().keepalive(Duration.ofSeconds(10)).punch(false).build();
 * }</pre>
 *
 * <p>or one setting with the {@code with...} methods. Each setting is also a config key under
 * {@code junction.client} ({@link ClientConfig}). Every setting is checked when the options are
 * built; a value out of range fails with an {@link IllegalArgumentException} whose message names
 * the setting and its config key:
 * {@code ClientOptions.keepalive (junction.client.keepalive): must be above 0 and at most 60s, was 300s}.
 * Immutable and thread-safe.
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
 * @param portMapping whether to ask the gateway (PCP, then NAT-PMP) to map the session's UDP port and
 *     offer the mapped address to peers; off by default, as it talks to the user's router
 * @param congestionControl how sessions pace what this client sends ({@link CongestionControl#CUBIC}
 *     by default; see {@link CongestionControl} for what the others measured)
 */
public record ClientOptions(Duration keepalive, Duration connectTimeout, boolean relayUdp, Duration sessionIdleTimeout,
                            boolean punch, PortPrediction prediction, IncomingStreamLimits streams,
                            PunchLimits punchLimits, boolean portMapping, CongestionControl congestionControl) {
    /** The relay's own upper bound of its keepalive: longer and idle NAT mappings would close. */
    static final Duration MAX_KEEPALIVE = Duration.ofSeconds(60);
    /**
     * A session sends a keepalive datagram every third of its idle timeout but not more often than
     * every 500 ms; from 2 s on, at least three fit into the timeout, so one lost does not end it.
     */
    static final Duration MIN_SESSION_IDLE_TIMEOUT = Duration.ofSeconds(2);

    /**
     * keepalive 20 s, connect timeout 15 s, relay over UDP on, sessions idle out after 60 s, hole
     * punching on, {@link PortPrediction#DEFAULTS}, {@link IncomingStreamLimits#DEFAULTS} and
     * {@link PunchLimits#DEFAULTS}, port mapping off, CUBIC congestion control (the same values as the
     * library's reference.conf).
     */
    public static final ClientOptions DEFAULTS = new ClientOptions(Duration.ofSeconds(20), Duration.ofSeconds(15), true,
            Duration.ofSeconds(60), true, PortPrediction.DEFAULTS, IncomingStreamLimits.DEFAULTS, PunchLimits.DEFAULTS, false,
            CongestionControl.CUBIC);

    /**
     * Options with CUBIC congestion control.
     *
     * @param keepalive see {@link #keepalive()}
     * @param connectTimeout see {@link #connectTimeout()}
     * @param relayUdp see {@link #relayUdp()}
     * @param sessionIdleTimeout see {@link #sessionIdleTimeout()}
     * @param punch see {@link #punch()}
     * @param prediction see {@link #prediction()}
     * @param streams see {@link #streams()}
     * @param punchLimits see {@link #punchLimits()}
     * @param portMapping see {@link #portMapping()}
     * @throws IllegalArgumentException as the canonical constructor
     * @deprecated nine positional settings, three of them booleans, are easy to swap; use {@link #builder()}
     */
    @Deprecated
    public ClientOptions(Duration keepalive, Duration connectTimeout, boolean relayUdp, Duration sessionIdleTimeout,
                         boolean punch, PortPrediction prediction, IncomingStreamLimits streams, PunchLimits punchLimits,
                         boolean portMapping) {
        this(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, punch, prediction, streams, punchLimits, portMapping,
                CongestionControl.CUBIC);
    }

    /**
     * Options without port mapping.
     *
     * @param keepalive see {@link #keepalive()}
     * @param connectTimeout see {@link #connectTimeout()}
     * @param relayUdp see {@link #relayUdp()}
     * @param sessionIdleTimeout see {@link #sessionIdleTimeout()}
     * @param punch see {@link #punch()}
     * @param prediction see {@link #prediction()}
     * @param streams see {@link #streams()}
     * @param punchLimits see {@link #punchLimits()}
     * @throws IllegalArgumentException as the canonical constructor
     * @deprecated positional booleans are easy to swap; use {@link #builder()}
     */
    @Deprecated
    public ClientOptions(Duration keepalive, Duration connectTimeout, boolean relayUdp, Duration sessionIdleTimeout,
                         boolean punch, PortPrediction prediction, IncomingStreamLimits streams, PunchLimits punchLimits) {
        this(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, punch, prediction, streams, punchLimits, false);
    }

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
     * @deprecated positional booleans are easy to swap; use {@link #builder()}, e.g.
     *     {@code ClientOptions.builder().keepalive(k).connectTimeout(t).punch(false).build()}
     */
    @Deprecated
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
     * @deprecated positional booleans are easy to swap; use {@link #builder()}, e.g.
     *     {@code ClientOptions.builder().keepalive(k).connectTimeout(t).punch(false).build()}
     */
    @Deprecated
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
     * @deprecated positional booleans are easy to swap; use {@link #builder()}, e.g.
     *     {@code ClientOptions.builder().keepalive(k).connectTimeout(t).punch(false).build()}
     */
    @Deprecated
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
     * @deprecated a positional boolean is easy to get wrong; use {@link #builder()}, e.g.
     *     {@code ClientOptions.builder().keepalive(k).connectTimeout(t).relayUdp(false).build()}
     */
    @Deprecated
    public ClientOptions(Duration keepalive, Duration connectTimeout, boolean relayUdp, Duration sessionIdleTimeout) {
        this(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, true);
    }

    /**
     * Checks every setting; the one place where they are checked ({@link Builder#build()} and the
     * {@code with...} methods come here).
     *
     * @param keepalive see {@link #keepalive()}
     * @param connectTimeout see {@link #connectTimeout()}
     * @param relayUdp see {@link #relayUdp()}
     * @param sessionIdleTimeout see {@link #sessionIdleTimeout()}
     * @param punch see {@link #punch()}
     * @param prediction see {@link #prediction()}
     * @param streams see {@link #streams()}
     * @param punchLimits see {@link #punchLimits()}
     * @param portMapping see {@link #portMapping()}
     * @param congestionControl see {@link #congestionControl()}
     * @throws IllegalArgumentException if {@code keepalive} is not above 0 and at most 60 s,
     *     {@code connectTimeout} is not positive, or {@code sessionIdleTimeout} is under 2 s; the
     *     message names the setting and its config key
     * @throws NullPointerException if a duration, {@code prediction}, {@code streams},
     *     {@code punchLimits} or {@code congestionControl} is null; the message names it
     * @deprecated nine positional settings, three of them booleans, are easy to swap; use
     *     {@link #builder()} or {@link #toBuilder()}
     */
    @Deprecated
    public ClientOptions {
        requireNonNull(keepalive, "keepalive");
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(sessionIdleTimeout, "sessionIdleTimeout");
        requireNonNull(prediction, "prediction");
        requireNonNull(streams, "streams");
        requireNonNull(punchLimits, "punchLimits");
        requireNonNull(congestionControl, "congestionControl");
        if (keepalive.isNegative() || keepalive.isZero() || keepalive.compareTo(MAX_KEEPALIVE) > 0) {
            throw InvalidSettingException.of("ClientOptions.keepalive", "keepalive",
                    "must be above 0 and at most " + InvalidSettingException.format(MAX_KEEPALIVE)
                            + ", was " + InvalidSettingException.format(keepalive));
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw InvalidSettingException.of("ClientOptions.connectTimeout", "connect-timeout",
                    "must be above 0, was " + InvalidSettingException.format(connectTimeout));
        }
        if (sessionIdleTimeout.compareTo(MIN_SESSION_IDLE_TIMEOUT) < 0) {
            throw InvalidSettingException.of("ClientOptions.sessionIdleTimeout", "session-idle-timeout",
                    "must be at least " + InvalidSettingException.format(MIN_SESSION_IDLE_TIMEOUT)
                            + ", was " + InvalidSettingException.format(sessionIdleTimeout));
        }
    }

    private static void requireNonNull(Object value, String option) {
        if (value == null) {
            throw new NullPointerException("ClientOptions." + option + " must not be null");
        }
    }

    /**
     * A builder starting from {@link #DEFAULTS}.
     *
     * @return a new builder; set what differs from the defaults, then {@link Builder#build()}
     */
    public static Builder builder() {
        return DEFAULTS.toBuilder();
    }

    /**
     * A builder starting from these options, to change some of them.
     *
     * @return a new builder holding every setting of these options; this one is unchanged
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * These options with relaying over UDP on or off.
     *
     * @param udp false forces the TLS relay path even when UDP reaches the relay
     * @return new options; this one is unchanged
     */
    public ClientOptions withRelayUdp(boolean udp) {
        return toBuilder().relayUdp(udp).build();
    }

    /**
     * These options with another keepalive interval.
     *
     * @param d above 0 and at most 60 s
     * @return new options; this one is unchanged
     * @throws IllegalArgumentException if {@code d} is out of range
     */
    public ClientOptions withKeepalive(Duration d) {
        return toBuilder().keepalive(d).build();
    }

    /**
     * These options with hole punching on or off.
     *
     * @param p false keeps every session on the relay
     * @return new options; this one is unchanged
     */
    public ClientOptions withPunch(boolean p) {
        return toBuilder().punch(p).build();
    }

    /**
     * These options with other port prediction limits.
     *
     * @param p the limits; {@link PortPrediction#OFF} turns prediction off
     * @return new options; this one is unchanged
     * @throws NullPointerException if {@code p} is null
     */
    public ClientOptions withPrediction(PortPrediction p) {
        return toBuilder().prediction(p).build();
    }

    /**
     * These options with other limits on the streams peers open toward this client.
     *
     * @param limits the limits
     * @return new options; this one is unchanged
     * @throws NullPointerException if {@code limits} is null
     */
    public ClientOptions withStreams(IncomingStreamLimits limits) {
        return toBuilder().streams(limits).build();
    }

    /**
     * These options with other punch limits.
     *
     * @param l the limits
     * @return new options; this one is unchanged
     * @throws NullPointerException if {@code l} is null
     */
    public ClientOptions withPunchLimits(PunchLimits l) {
        return toBuilder().punchLimits(l).build();
    }

    /**
     * These options with gateway port mapping on or off.
     *
     * @param on true asks the gateway (PCP, then NAT-PMP) for a mapping of the session's UDP port
     * @return new options; this one is unchanged
     */
    public ClientOptions withPortMapping(boolean on) {
        return toBuilder().portMapping(on).build();
    }

    /**
     * These options with another congestion control for sessions.
     *
     * @param c the algorithm
     * @return new options; this one is unchanged
     * @throws NullPointerException if {@code c} is null
     */
    public ClientOptions withCongestionControl(CongestionControl c) {
        return toBuilder().congestionControl(c).build();
    }

    /**
     * Client options by name; every setting starts from the options the builder was made from
     * ({@link ClientOptions#DEFAULTS} for {@link ClientOptions#builder()}). Nothing is checked
     * until {@link #build()}. Not thread-safe; the options it builds are.
     */
    public static final class Builder {
        private Duration keepalive;
        private Duration connectTimeout;
        private boolean relayUdp;
        private Duration sessionIdleTimeout;
        private boolean punch;
        private PortPrediction prediction;
        private IncomingStreamLimits streams;
        private PunchLimits punchLimits;
        private boolean portMapping;
        private CongestionControl congestionControl;

        private Builder(ClientOptions from) {
            keepalive = from.keepalive;
            connectTimeout = from.connectTimeout;
            relayUdp = from.relayUdp;
            sessionIdleTimeout = from.sessionIdleTimeout;
            punch = from.punch;
            prediction = from.prediction;
            streams = from.streams;
            punchLimits = from.punchLimits;
            portMapping = from.portMapping;
            congestionControl = from.congestionControl;
        }

        /**
         * How often the client proves liveness to the relay and refreshes NAT mappings (config key
         * {@code junction.client.keepalive}; default 20 s).
         *
         * @param interval above 0 and at most 60 s; below 30 s suits most NATs
         * @return this builder
         */
        public Builder keepalive(Duration interval) {
            this.keepalive = interval;
            return this;
        }

        /**
         * How long start (login) and each {@code connect} may take before they fail (config key
         * {@code junction.client.connect-timeout}; default 15 s).
         *
         * @param timeout above 0
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Whether to relay over UDP when it works (config key {@code junction.client.relay-udp};
         * default true).
         *
         * @param udp false forces the TLS relay path even when UDP reaches the relay
         * @return this builder
         */
        public Builder relayUdp(boolean udp) {
            this.relayUdp = udp;
            return this;
        }

        /**
         * How long a session's peer may be silent before the session ends (config key
         * {@code junction.client.session-idle-timeout}; default 60 s).
         *
         * @param timeout at least 2 s
         * @return this builder
         */
        public Builder sessionIdleTimeout(Duration timeout) {
            this.sessionIdleTimeout = timeout;
            return this;
        }

        /**
         * Whether sessions look for a direct path by UDP hole punching while they run on the relay
         * (config key {@code junction.client.punch}; default true).
         *
         * @param punch false keeps every session on the relay
         * @return this builder
         */
        public Builder punch(boolean punch) {
            this.punch = punch;
            return this;
        }

        /**
         * Port prediction against "symmetric" NATs while punching (config block
         * {@code junction.client.port-prediction}; default {@link PortPrediction#DEFAULTS}).
         *
         * @param prediction the limits; {@link PortPrediction#OFF} turns prediction off
         * @return this builder
         */
        public Builder prediction(PortPrediction prediction) {
            this.prediction = prediction;
            return this;
        }

        /**
         * Limits on the streams peers open toward this client (config block
         * {@code junction.client.incoming-streams}; default {@link IncomingStreamLimits#DEFAULTS}).
         *
         * @param limits the limits
         * @return this builder
         */
        public Builder streams(IncomingStreamLimits limits) {
            this.streams = limits;
            return this;
        }

        /**
         * How much punching a peer can make this client do (config block
         * {@code junction.client.punch-limits}; default {@link PunchLimits#DEFAULTS}).
         *
         * @param limits the limits
         * @return this builder
         */
        public Builder punchLimits(PunchLimits limits) {
            this.punchLimits = limits;
            return this;
        }

        /**
         * Whether to ask the gateway for a mapping of the session's UDP port, PCP first, then
         * NAT-PMP, and offer the mapped address to peers as a candidate (config key
         * {@code junction.client.port-mapping}; default false: it talks to the user's router, so
         * an app turns it on deliberately). The relayed path never waits for it.
         *
         * @param on true to ask
         * @return this builder
         */
        public Builder portMapping(boolean on) {
            this.portMapping = on;
            return this;
        }

        /**
         * How sessions pace what this client sends (config key {@code junction.client.congestion-control};
         * default {@link CongestionControl#CUBIC}). Each peer chooses for its own sending.
         *
         * @param c the algorithm
         * @return this builder
         */
        public Builder congestionControl(CongestionControl c) {
            this.congestionControl = c;
            return this;
        }

        /**
         * Checks every setting and makes the options; the builder may be used again.
         *
         * @return the options
         * @throws IllegalArgumentException if a setting is out of its range; the message names the
         *     setting and its config key, e.g.
         *     {@code ClientOptions.sessionIdleTimeout (junction.client.session-idle-timeout): must be at least 2s, was 1s}
         * @throws NullPointerException if a setting was set to null; the message names it
         */
        public ClientOptions build() {
            return new ClientOptions(keepalive, connectTimeout, relayUdp, sessionIdleTimeout, punch, prediction, streams,
                    punchLimits, portMapping, congestionControl);
        }
    }
}
