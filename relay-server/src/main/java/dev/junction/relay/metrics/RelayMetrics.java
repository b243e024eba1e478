package dev.junction.relay.metrics;

import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The relay's meters in one Prometheus registry. Names are stable, prefixed {@code junction_},
 * documented in docs/OPERATIONS.md; every label value comes from a closed enum.
 */
public final class RelayMetrics implements AutoCloseable {
    /** Values of {@code junction_stun_requests_total{outcome}}. */
    public enum StunOutcome {
        SUCCESS,
        ERROR_RESPONSE
    }

    /** Values of the {@code transport} label of the relayed-traffic counters. */
    public enum Transport {
        UDP,
        TCP
    }

    /** Values of the {@code direction} label: into the relay from a client, or out to one. */
    public enum Direction {
        IN,
        OUT
    }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<DropReason, Counter> drops = new EnumMap<>(DropReason.class);
    private final Map<StunOutcome, Counter> stun = new EnumMap<>(StunOutcome.class);
    private final Counter[] relayedBytes = new Counter[4];
    private final Counter[] relayedPackets = new Counter[4];
    private final Counter[] meshBytes = new Counter[2];
    private final Counter[] meshPackets = new Counter[2];
    /** Characters of a relay's PeerId in its mesh link's label. */
    static final int LINK_LABEL_CHARS = 8;
    /** Per mesh link: bytes in, bytes out, packets in, packets out; one entry per relay of the fleet, so bounded by its size. */
    private final java.util.Map<dev.junction.wire.identity.PeerId, Counter[]> meshLinks = new java.util.concurrent.ConcurrentHashMap<>();
    private final Counter loginsOk;
    /** Successful logins by address family of the control connection, [ipv4, ipv6]. */
    private final Counter[] loginsByFamily = new Counter[2];
    /** Relayed bytes by the address family of the client the datagram came from (in) or went to (out): [family * 2 + direction]. */
    private final Counter[] relayedByFamily = new Counter[4];
    private final Map<ErrorCode, Counter> loginsRefused = new EnumMap<>(ErrorCode.class);
    private final Counter circuitsOpened;
    /** Signed statements of clients' UDP addresses sent, [after a BIND, after an ATTEST]. */
    private final Counter[] statements = new Counter[2];
    private final Map<CloseReason, Counter> circuitsClosed = new EnumMap<>(CloseReason.class);
    private final Map<ConnectionCloseReason, Counter> connectionsClosed = new EnumMap<>(ConnectionCloseReason.class);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public RelayMetrics() {
        for (DropReason r : DropReason.values()) {
            drops.put(r, Counter.builder("junction.drops").description("Packets and frames dropped, by reason")
                    .tag("reason", r.label()).register(registry));
        }
        for (StunOutcome o : StunOutcome.values()) {
            stun.put(o, Counter.builder("junction.stun.requests").description("STUN requests answered, by outcome")
                    .tag("outcome", label(o)).register(registry));
        }
        for (Transport t : Transport.values()) {
            for (Direction d : Direction.values()) {
                int i = t.ordinal() * 2 + d.ordinal();
                relayedBytes[i] = Counter.builder("junction.relayed.bytes").baseUnit("bytes")
                        .description("Session bytes relayed on circuits, by transport and direction")
                        .tags("transport", label(t), "direction", label(d)).register(registry);
                relayedPackets[i] = Counter.builder("junction.relayed.packets")
                        .description("Session datagrams relayed on circuits, by transport and direction")
                        .tags("transport", label(t), "direction", label(d)).register(registry);
            }
        }
        for (Direction d : Direction.values()) {
            meshBytes[d.ordinal()] = Counter.builder("junction.mesh.forwarded.bytes").baseUnit("bytes")
                    .description("Session bytes of cross-relay circuits, from (in) or to (out) the other relays of the fleet")
                    .tag("direction", label(d)).register(registry);
            meshPackets[d.ordinal()] = Counter.builder("junction.mesh.forwarded.packets")
                    .description("Session datagrams of cross-relay circuits, from (in) or to (out) the other relays of the fleet")
                    .tag("direction", label(d)).register(registry);
        }
        loginsOk = Counter.builder("junction.logins").description("Login attempts, by outcome")
                .tag("outcome", "success").register(registry);
        for (ErrorCode c : ErrorCode.values()) {
            loginsRefused.put(c, Counter.builder("junction.logins").description("Login attempts, by outcome")
                    .tag("outcome", label(c)).register(registry));
        }
        String[] families = {"ipv4", "ipv6"};
        for (int f = 0; f < 2; f++) {
            loginsByFamily[f] = Counter.builder("junction.logins.by.family")
                    .description("Successful logins, by the address family of the client's control connection")
                    .tag("family", families[f]).register(registry);
            for (Direction d : Direction.values()) {
                relayedByFamily[f * 2 + d.ordinal()] = Counter.builder("junction.relayed.by.family").baseUnit("bytes")
                        .description("Session bytes relayed on circuits, by the address family of the client they came from (in) or went to (out)")
                        .tags("family", families[f], "direction", label(d)).register(registry);
            }
        }
        statements[0] = Counter.builder("junction.address.statements").description("Signed statements of a client's UDP address sent (BIND_ACK), "
                + "by what asked: a BIND, or an ATTEST in the relay's other address family").tag("request", "bind").register(registry);
        statements[1] = Counter.builder("junction.address.statements").description("Signed statements of a client's UDP address sent (BIND_ACK), "
                + "by what asked: a BIND, or an ATTEST in the relay's other address family").tag("request", "attest").register(registry);
        circuitsOpened = Counter.builder("junction.circuits.opened").description("Circuits opened").register(registry);
        for (CloseReason r : CloseReason.values()) {
            circuitsClosed.put(r, Counter.builder("junction.circuits.closed").description("Circuits closed, by reason")
                    .tag("reason", r.label()).register(registry));
        }
        for (ConnectionCloseReason r : ConnectionCloseReason.values()) {
            connectionsClosed.put(r, Counter.builder("junction.connections.closed")
                    .description("TCP connections the relay closed or refused on its own, by reason")
                    .tag("reason", r.label()).register(registry));
        }
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Registers gauges of the configuration that alerts compare live state with: the reservation
     * limit, the per-reservation circuit limit, and the TLS certificate's expiry (Unix seconds).
     */
    public void config(long reservationsLimit, long circuitsPerReservation, java.time.Instant certificateNotAfter) {
        Gauge.builder("junction.reservations.limit", () -> reservationsLimit)
                .description("Configured limits.reservations-total").register(registry);
        Gauge.builder("junction.circuits.per.reservation.limit", () -> circuitsPerReservation)
                .description("Configured limits.circuits-per-reservation").register(registry);
        Gauge.builder("junction.tls.certificate.expiry", () -> certificateNotAfter.getEpochSecond()).baseUnit("seconds")
                .description("When the control channel's TLS certificate expires (Unix time)").register(registry);
    }

    /** Registers the gauges of live state: reservations and circuits held now. */
    public void gauges(Supplier<Number> reservations, Supplier<Number> circuits, Supplier<Number> draining) {
        Gauge.builder("junction.reservations", reservations).description("Reservations held").register(registry);
        Gauge.builder("junction.circuits", circuits).description("Circuits open or pending").register(registry);
        Gauge.builder("junction.draining", draining).description("1 while the relay drains, else 0").register(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public void drop(DropReason reason) {
        drops.get(reason).increment();
    }

    public void stun(StunOutcome outcome) {
        stun.get(outcome).increment();
    }

    /** {@code bytes} relayed from (IN) or to (OUT) a client at {@code client} (null: a mesh link's, not counted here). */
    public void relayedFamily(java.net.InetSocketAddress client, Direction direction, int bytes) {
        if (client != null) {
            relayedByFamily[(client.getAddress() instanceof java.net.Inet6Address ? 2 : 0) + direction.ordinal()].increment(bytes);
        }
    }

    public void relayed(Transport transport, Direction direction, int bytes) {
        int i = transport.ordinal() * 2 + direction.ordinal();
        relayedBytes[i].increment(bytes);
        relayedPackets[i].increment();
    }

    /**
     * A datagram of a cross-relay circuit crossed the mesh link to relay {@code link}
     * ({@code direction} IN: from it): counted in all and per link.
     */
    public void meshForwarded(Direction direction, int bytes, dev.junction.wire.identity.PeerId link) {
        meshBytes[direction.ordinal()].increment(bytes);
        meshPackets[direction.ordinal()].increment();
        Counter[] c = meshLinks.computeIfAbsent(link, this::linkCounters);
        c[direction.ordinal()].increment(bytes);
        c[2 + direction.ordinal()].increment();
    }

    /**
     * The label a mesh link's counters carry: the other relay's PeerId's last {@value #LINK_LABEL_CHARS}
     * characters (enough to tell a fleet's relays apart; never a client's identity).
     */
    public static String linkLabel(dev.junction.wire.identity.PeerId relay) {
        String s = relay.toString();
        return s.substring(s.length() - LINK_LABEL_CHARS);
    }

    private Counter[] linkCounters(dev.junction.wire.identity.PeerId relay) {
        String label = linkLabel(relay);
        Counter[] c = new Counter[4];
        for (Direction d : Direction.values()) {
            c[d.ordinal()] = Counter.builder("junction.mesh.link.forwarded.bytes").baseUnit("bytes")
                    .description("Session bytes of cross-relay circuits per mesh link (relay: the other relay's PeerId's last characters)")
                    .tags("relay", label, "direction", label(d)).register(registry);
            c[2 + d.ordinal()] = Counter.builder("junction.mesh.link.forwarded.packets")
                    .description("Session datagrams of cross-relay circuits per mesh link (relay: the other relay's PeerId's last characters)")
                    .tags("relay", label, "direction", label(d)).register(registry);
        }
        return c;
    }

    /** A BIND_ACK with the relay's statement went out, asked by an ATTEST ({@code attest}) or a BIND. */
    public void statement(boolean attest) {
        statements[attest ? 1 : 0].increment();
    }

    /** A login succeeded on a control connection from {@code from}. */
    public void loginSucceeded(java.net.InetSocketAddress from) {
        loginsOk.increment();
        loginsByFamily[from != null && from.getAddress() instanceof java.net.Inet6Address ? 1 : 0].increment();
    }

    public void loginRefused(ErrorCode code) {
        loginsRefused.get(code).increment();
    }

    public void circuitOpened() {
        circuitsOpened.increment();
    }

    public void circuitClosed(CloseReason reason) {
        circuitsClosed.get(reason).increment();
    }

    public void connectionClosed(ConnectionCloseReason reason) {
        connectionsClosed.get(reason).increment();
    }

    /** The Prometheus text exposition of every meter. */
    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
