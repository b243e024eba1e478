package dev.junction.relay.config;

import dev.junction.wire.identity.PeerId;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The relay's configuration as typed, validated values. Built only by {@link RelayConfigLoader};
 * every field mirrors a key of {@code junction.relay} in reference.conf, which documents it.
 */
public record RelayConfig(
        List<Bind> binds,
        int stunPort,
        int stunAltPort,
        int controlPort,
        Path dataDir,
        Path identityFile,
        Optional<Path> tlsCertFile,
        Optional<Path> tlsKeyFile,
        Admission admission,
        Limits limits,
        Duration keepalive,
        List<InetAddress> adminBinds,
        int adminPort,
        Duration drainGracePeriod,
        String reconnectHint,
        Stun stun,
        Optional<Fleet> fleet,
        Optional<Turn> turn,
        TlsEngine tlsEngine,
        int udpSockets,
        int udpReadBatch) {

    public RelayConfig {
        binds = List.copyOf(binds);
        adminBinds = List.copyOf(adminBinds);
    }

    /** The admin endpoint's first bind address ({@code admin.bind}). */
    public InetAddress adminBind() {
        return adminBinds.get(0);
    }

    /**
     * One address family's listeners ({@code bind}, {@code alt-ip}): every listener but admin binds
     * {@code ip}, with the same port numbers in each family.
     *
     * @param ip    the IP the family's listeners bind
     * @param altIp its second IP for RFC 5780 NAT behaviour discovery, if any
     */
    public record Bind(InetAddress ip, Optional<InetAddress> altIp) {
    }

    /** Most UDP sockets {@code udp-sockets} may ask for per bind address. */
    public static final int MAX_UDP_SOCKETS = 64;
    /** Most datagrams {@code udp-read-batch} may ask one read for. */
    public static final int MAX_UDP_READ_BATCH = 64;

    /**
     * The UDP sockets to open at each bind address's STUN port: {@code udp-sockets}, or one per core
     * when that is 0; one where SO_REUSEPORT is not to be had ({@code reusePort} false).
     */
    public int udpSocketCount(boolean reusePort) {
        if (!reusePort) {
            return 1;
        }
        return udpSockets == 0 ? Math.min(MAX_UDP_SOCKETS, Runtime.getRuntime().availableProcessors()) : udpSockets;
    }

    /** The first bind address (the one the fleet and TURN default to). */
    public InetAddress bind() {
        return binds.get(0).ip();
    }

    /** The first bind address's second IP for RFC 5780, if any. */
    public Optional<InetAddress> altIp() {
        return binds.get(0).altIp();
    }

    /** Which TLS implementation serves the relay's TLS ports ({@code tls.engine}). */
    public enum TlsEngine {
        AUTO,
        OPENSSL,
        JDK
    }

    /**
     * TURN on the STUN ports ({@code junction.relay.turn}); absent when turned off, or when bind is a
     * wildcard and no relayed-ip says which address to hand out.
     *
     * @param options    what the TURN server enforces
     * @param secretFile the REST secret (one per line, the first mints)
     * @param tlsPort    TURN over TLS's own port (0 picks a free one), or -1 for none
     */
    public record Turn(dev.junction.relay.turn.TurnOptions options, Path secretFile, int tlsPort) {
    }

    /**
     * Membership of a fleet of relays ({@code junction.relay.fleet}); absent when {@code directory}
     * is empty: then the relay runs alone with its in-memory directory.
     *
     * @param directory         a Redis URI as Lettuce's {@code RedisURI} reads it (standalone, Sentinel)
     * @param cluster           the URI names a node of a Redis Cluster
     * @param secretFile        the fleet secret, shared by every relay of the fleet (mode 0600)
     * @param region            this relay's region, published with it
     * @param advertise         the IP other relays and clients reach this relay at
     * @param heartbeat         how often the relay re-registers itself (its entry lives three times this)
     * @param directoryTimeout  how long one directory command may take before it counts as failed
     */
    public record Fleet(String directory, boolean cluster, Path secretFile, String region, InetAddress advertise,
                        Duration heartbeat, Duration directoryTimeout, Set<PeerId> allowList) {
        /** True when {@code relay} may belong to this fleet: the allow-list is empty or names it. */
        public boolean allows(PeerId relay) {
            return allowList.isEmpty() || allowList.contains(relay);
        }
    }

    /** How logins are admitted. */
    public enum AdmissionMode {
        TOKEN,
        ALLOW_LIST,
        OPEN
    }

    /** STUN answer policy ({@code junction.relay.stun}). */
    public record Stun(boolean software, Duration responsePortWindow, int responsePortPerSecond) {
    }

    public record Admission(AdmissionMode mode, Path secretFile, Set<PeerId> allowList, Duration maxTokenLifetime) {
    }

    /** Zero in a circuit limit means unlimited. */
    public record Limits(
            int reservationsTotal,
            int reservationsPerIp,
            Duration reservationLifetime,
            int circuitsPerReservation,
            long circuitBytes,
            Duration circuitDuration,
            int circuitPacketsPerSecond,
            int sendQueueFrames,
            int sendQueueBytes,
            int controlRequestsPerSecond,
            int connectionsPerIp,
            Duration unauthenticatedTimeout,
            Duration writeTimeout,
            Set<PeerId> unlimitedPeers) {
    }
}
