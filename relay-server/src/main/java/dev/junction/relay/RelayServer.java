package dev.junction.relay;

import dev.junction.relay.admin.AdminServer;
import dev.junction.relay.admission.Admission;
import dev.junction.relay.circuit.CircuitLimits;
import dev.junction.relay.circuit.CircuitTable;
import dev.junction.relay.circuit.Forwarder;
import dev.junction.relay.circuit.UdpRelayHandler;
import dev.junction.relay.config.RelayConfig;
import dev.junction.relay.control.ControlChannelInitializer;
import dev.junction.relay.control.MeshDialer;
import dev.junction.relay.fleet.FleetMetrics;
import dev.junction.relay.fleet.FleetSecret;
import dev.junction.relay.fleet.Mesh;
import dev.junction.relay.fleet.PublishingRegistry;
import dev.junction.relay.fleet.RedisDirectory;
import dev.junction.relay.fleet.RelayEntry;
import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.relay.net.ConnectionLimiter;
import dev.junction.relay.net.Listening;
import dev.junction.relay.net.SocketReads;
import dev.junction.relay.net.Transports;
import dev.junction.relay.reservation.LocalReservationRegistry;
import dev.junction.relay.reservation.Reservation;
import dev.junction.relay.reservation.ReservationRegistry;
import dev.junction.relay.stun.StunResponder;
import dev.junction.relay.stun.StunTcpInitializer;
import dev.junction.relay.stun.StunUdpHandler;
import dev.junction.relay.turn.TurnMetrics;
import dev.junction.relay.turn.TurnSecrets;
import dev.junction.relay.turn.TurnServer;
import dev.junction.relay.tls.KeyRotation;
import dev.junction.relay.tls.RelayTls;
import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.IdentityFile;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The relay: binds its listeners, wires the components together, drains and stops. The components
 * (registry, circuit table, forwarder) never open sockets; this class hands them channels.
 */
public final class RelayServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("junction.relay");
    /** How often expired reservations and over-age circuits are swept. */
    static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);
    /** Bytes a client's outbound queue may hold per queued frame, to turn the frame limit into a water mark. */
    static final int BYTES_PER_QUEUED_FRAME = 1500;

    private final RelayConfig config;
    private final Identity identity;
    /** The previous key's endorsement of {@link #identity}, or null (no rotation, or it failed to load: start fails then). */
    private final dev.junction.wire.control.KeyEndorsement endorsement;
    private final RelayMetrics metrics;
    private final ReservationRegistry reservations;
    /** The fleet's directory and mesh; null when the relay runs alone. */
    private final RedisDirectory directory;
    private final Mesh mesh;
    private final CircuitTable circuits;
    private final EventLoopGroup group;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Map<InetSocketAddress, Channel> udpSockets = new ConcurrentHashMap<>();
    private final List<Channel> listeners = new ArrayList<>();
    private final Clock clock = Clock.systemUTC();
    private final Admission admission;
    private AdminServer admin;
    /** Per bind address (family), in config order. */
    private final List<Channel> control = new ArrayList<>();
    private final List<Channel> stunTcp = new ArrayList<>();
    private final List<Channel> turnTls = new ArrayList<>();
    /**
     * Bytes read of each UDP datagram: what Netty's datagram channels read by default, and more than
     * any Junction (1205), STUN or TURN datagram the relay serves needs.
     */
    static final int UDP_SLOT = 2048;
    /** The event loop the next UDP socket goes to: sockets sharing a port each get their own. */
    private int udpLoop;
    private String tlsEngine;
    private final TurnServer turn;
    /** The relay's own endpoints, which TURN never relays to (filled as listeners bind). */
    private final java.util.Set<InetSocketAddress> services = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> sweeper;
    private ScheduledFuture<?> heartbeat;
    private volatile boolean draining;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private RelayServer(RelayConfig config, Identity identity, dev.junction.wire.control.KeyEndorsement endorsement) throws IOException {
        this.endorsement = endorsement;
        this.config = config;
        this.identity = identity;
        this.metrics = new RelayMetrics();
        RelayConfig.Limits l = config.limits();
        LocalReservationRegistry local = new LocalReservationRegistry(l.reservationsTotal(), l.reservationsPerIp(), l.reservationLifetime(), clock);
        if (config.fleet().isPresent()) {
            RelayConfig.Fleet f = config.fleet().get();
            if (!f.allows(identity.peerId())) {
                throw new IOException("junction.relay.fleet.allow-list does not name this relay (" + identity.peerId()
                        + "): list every relay of the fleet, this one included");
            }
            FleetMetrics fleetMetrics = new FleetMetrics(metrics.registry());
            FleetSecret secret = FleetSecret.load(f.secretFile());
            this.directory = new RedisDirectory(f, identity.peerId(), secret, l.reservationLifetime(), fleetMetrics);
            this.mesh = new Mesh(identity.peerId(), directory, secret, fleetMetrics, clock);
            this.reservations = new PublishingRegistry(local, directory);
        } else {
            this.directory = null;
            this.mesh = null;
            this.reservations = local;
        }
        this.circuits = new CircuitTable(l.circuitsPerReservation(),
                new CircuitLimits(l.circuitBytes(), l.circuitDuration(), l.circuitPacketsPerSecond()), l.unlimitedPeers(), metrics, clock);
        this.admission = new Admission(config.admission().mode(),
                config.admission().mode() == RelayConfig.AdmissionMode.TOKEN ? config.admission().secretFile() : null,
                config.admission().allowList(), config.admission().maxTokenLifetime(), clock);
        // One event loop per core, not Netty's default of two: every handler here is non-blocking, and
        // with two loops per core a frame relayed between two TLS connections crossed loops (a task and
        // a wake-up) more often; bench section 1 at 100 pairs, one run each: TLS path 34936 -> 46041
        // round trips/s, 14.28 -> 10.32 us of relay CPU per frame (issue 18).
        this.group = Transports.group(Runtime.getRuntime().availableProcessors());
        if (config.turn().isPresent()) {
            RelayConfig.Turn t = config.turn().get();
            this.turn = new TurnServer(t.options(), TurnSecrets.loadOrCreate(t.secretFile()),
                    config.admission().mode() == RelayConfig.AdmissionMode.OPEN, services, new TurnMetrics(metrics.registry()), clock);
        } else {
            this.turn = null;
        }
        metrics.gauges(reservations::size, circuits::size, () -> draining ? 1 : 0);
    }

    /** Loads the identity and secret (creating them in the data dir on first start) and binds everything. */
    public static RelayServer start(RelayConfig config) throws IOException, InterruptedException {
        Identity identity = IdentityFile.loadOrCreate(config.identityFile());
        dev.junction.wire.control.KeyEndorsement endorsement = KeyRotation.load(config.identityFile(), identity.peerId());
        if (endorsement != null) {
            if (endorsement.expiredAt(Instant.now())) {
                LOG.log(System.Logger.Level.WARNING, "the key endorsement by {0} expired at {1}: clients that pinned that key no longer"
                        + " follow to {2}; remove {3}", endorsement.previous(), endorsement.expires(), identity.peerId(),
                        KeyRotation.endorsementFile(config.identityFile()));
                endorsement = null;
            } else {
                LOG.log(System.Logger.Level.INFO, "identity rotated: {0} vouches for this relay''s key until {1}",
                        endorsement.previous(), endorsement.expires());
            }
        }
        if (config.admission().mode() == RelayConfig.AdmissionMode.TOKEN) {
            AdmissionSecret.loadOrCreate(config.admission().secretFile());
        }
        RelayServer server = new RelayServer(config, identity, endorsement);
        try {
            server.bind();
        } catch (Throwable e) {
            // Netty's sync() rethrows a failed bind (BindException, an IOException) undeclared.
            server.close();
            throw e;
        }
        return server;
    }

    private void bind() throws InterruptedException, BindException {
        RelayTls.Server server = RelayTls.server(config, identity);
        tlsEngine = server.engine();
        SslContext tls = server.context();
        metrics.config(config.limits().reservationsTotal(), config.limits().circuitsPerReservation(), server.notAfter());
        StunResponder.Options stunOptions = new StunResponder.Options(config.stun().software(),
                config.stun().responsePortWindow(), config.stun().responsePortPerSecond());
        Forwarder forwarder = new Forwarder(circuits, metrics);
        UdpRelayHandler relay = new UdpRelayHandler(reservations, forwarder, metrics, identity, clock);
        int queueBytes = (int) Math.min(Integer.MAX_VALUE / 2, (long) config.limits().sendQueueFrames() * BYTES_PER_QUEUED_FRAME);
        WriteBufferWaterMark waterMark = new WriteBufferWaterMark(queueBytes / 2, queueBytes);

        // STUN answers on the same port number over UDP and TCP, and every family uses the first
        // family's UDP port (LOGIN_OK names one). With stun-port 0 the UDP port is ephemeral and its
        // number may be taken on TCP or in the other family: then all are bound afresh (a few times).
        int udpPort = 0;
        for (int attempt = 1; stunTcp.isEmpty(); attempt++) {
            List<Channel> bound = new ArrayList<>();
            try {
                for (RelayConfig.Bind b : config.binds()) {
                    int port = bound.isEmpty() ? config.stunPort() : udpPort;
                    StunUdpHandler stun = new StunUdpHandler(new StunResponder(b.ip(), b.altIp(), port, config.stunAltPort(), stunOptions),
                            udpSockets, metrics, turn);
                    List<InetSocketAddress> udp = new ArrayList<>();
                    udp.add(new InetSocketAddress(b.ip(), port));
                    if (b.altIp().isPresent()) {
                        InetAddress alt = b.altIp().get();
                        udp.add(new InetSocketAddress(b.ip(), config.stunAltPort()));
                        udp.add(new InetSocketAddress(alt, port));
                        udp.add(new InetSocketAddress(alt, config.stunAltPort()));
                    }
                    Bootstrap udpBootstrap = new Bootstrap().channel(Transports.datagramChannel())
                            .option(ChannelOption.SO_RCVBUF, 4 << 20).option(ChannelOption.SO_SNDBUF, 4 << 20)
                            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark)
                            .handler(new ChannelInitializer<Channel>() {
                                @Override
                                protected void initChannel(Channel c) {
                                    c.pipeline().addLast("stun", stun).addLast("relay", relay);
                                }
                            });
                    if (Transports.epoll() && config.udpReadBatch() > 1) {
                        // recvmmsg: one system call reads up to udp-read-batch datagrams into slots of one buffer.
                        udpBootstrap.option(io.netty.channel.epoll.EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, UDP_SLOT)
                                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(UDP_SLOT * config.udpReadBatch()));
                    }
                    for (int i = 0; i < udp.size(); i++) {
                        InetSocketAddress a = udp.get(i);
                        String setting = a.getPort() == config.stunAltPort() && config.stunAltPort() != 0
                                ? "junction.relay.stun-alt-port" : "junction.relay.stun-port";
                        boolean first = bound.isEmpty();
                        // The main address (relaying, bindings, most STUN) gets a socket per loop; the RFC 5780 ones answer STUN only.
                        List<Channel> sockets = bindUdp(udpBootstrap, a, i == 0 ? config.udpSocketCount(Transports.reusePort()) : 1, setting);
                        if (i == 0) {
                            for (int k = 0; k < sockets.size(); k++) {
                                sockets.get(k).pipeline().addFirst("reads", new SocketReads(
                                        b.ip() instanceof java.net.Inet6Address ? "ipv6" : "ipv4", k));
                            }
                        }
                        bound.addAll(sockets);
                        if (first) {
                            udpPort = ((InetSocketAddress) bound.get(0).localAddress()).getPort();
                        }
                    }
                    InetSocketAddress tcpAt = new InetSocketAddress(b.ip(), udpPort);
                    stunTcp.add(Listening.await(new ServerBootstrap().group(group).channel(Transports.serverChannel())
                            .childHandler(new StunTcpInitializer(metrics, StunTcpInitializer.responder(b.ip(), udpPort, stunOptions),
                                    new ConnectionLimiter(config.limits().connectionsPerIp(), metrics), turn, null))
                            .bind(tcpAt), "stun: tcp", tcpAt, "junction.relay.stun-port"));
                }
            } catch (BindException e) {
                bound.forEach(Channel::close);
                stunTcp.forEach(Channel::close);
                stunTcp.clear();
                if (config.stunPort() != 0 || attempt >= 10) {
                    throw e;
                }
                continue;
            }
            for (Channel ch : bound) {
                udpSockets.putIfAbsent((InetSocketAddress) ch.localAddress(), ch); // one socket per address answers from it
                listeners.add(ch);
                if (ch.pipeline().get("reads") instanceof SocketReads reads) {
                    reads.register(metrics.registry());
                }
            }
        }
        listeners.addAll(stunTcp);

        RelayContext context = new RelayContext(identity, admission, reservations, circuits, forwarder, metrics, clock,
                config.limits().reservationLifetime(), config.keepalive(), config.limits().unauthenticatedTimeout(), config.limits(), udpPort,
                mesh, endorsement, udpMains(udpPort));
        ControlChannelInitializer init = new ControlChannelInitializer(tls, context);
        ConnectionLimiter controlLimiter = new ConnectionLimiter(config.limits().connectionsPerIp(), metrics);
        ServerBootstrap controlBootstrap = new ServerBootstrap().group(group).channel(Transports.serverChannel())
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.limits().sendQueueBytes() / 2, config.limits().sendQueueBytes()))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        channels.add(c);
                        c.pipeline().addLast(controlLimiter, init);
                    }
                });
        for (RelayConfig.Bind b : config.binds()) {
            control.add(Listening.bindInFamily(controlBootstrap, b.ip(), control.isEmpty() ? null : control.get(0), config.controlPort(),
                    "control: tls", "junction.relay.control-port"));
        }
        listeners.addAll(control);

        if (turn != null && config.turn().get().tlsPort() >= 0) {
            for (RelayConfig.Bind b : config.binds()) {
                ServerBootstrap turnTlsBootstrap = new ServerBootstrap().group(group).channel(Transports.serverChannel())
                        .childHandler(new StunTcpInitializer(metrics, StunTcpInitializer.responder(b.ip(), udpPort, stunOptions),
                                new ConnectionLimiter(config.limits().connectionsPerIp(), metrics), turn, tls));
                turnTls.add(Listening.bindInFamily(turnTlsBootstrap, b.ip(), turnTls.isEmpty() ? null : turnTls.get(0), config.turn().get().tlsPort(),
                        "turn: tls", "junction.relay.turn.tls-port"));
            }
            listeners.addAll(turnTls);
        }
        admin = AdminServer.bind(group, config.adminBinds(), config.adminPort(), metrics::scrape, () -> !draining);
        for (Channel ch : listeners) {
            services.add((InetSocketAddress) ch.localAddress());
        }
        services.addAll(admin.addresses());
        if (mesh != null) {
            RelayConfig.Fleet f = config.fleet().get();
            // The mesh speaks the family of fleet.advertise: its bind's UDP socket and control port.
            int family = java.util.stream.IntStream.range(0, config.binds().size())
                    .filter(i -> config.binds().get(i).ip().getClass() == f.advertise().getClass()).findFirst().orElse(0);
            Channel udpSocket = udpSockets.get(new InetSocketAddress(config.binds().get(family).ip(), udpPort));
            MeshDialer dialer;
            try {
                dialer = new MeshDialer(group, context, () -> udpSocket);
            } catch (javax.net.ssl.SSLException e) {
                throw new IllegalStateException("the JDK cannot make a TLS client for mesh links", e);
            }
            mesh.dialer(dialer);
            relay.bindAcks(dialer);
            int controlPort = ((InetSocketAddress) control.get(family).localAddress()).getPort();
            int udpAt = udpPort;
            Runnable beat = () -> directory.heartbeat(new RelayEntry(identity.peerId(), f.advertise().getHostAddress(), controlPort, udpAt,
                    f.region(), reservations.size()), reservations.all().stream().map(Reservation::peer).toList())
                    .thenRun(() -> {
                        mesh.maintain();
                        LinkFrames.RelayMap changed = mesh.relayMapIfChanged();
                        if (changed != null) {
                            reservations.all().forEach(r -> r.link().send(changed));
                        }
                    });
            directory.connect(beat);
            heartbeat = group.next().scheduleAtFixedRate(beat, f.heartbeat().toMillis(), f.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
        }
        sweeper = group.next().scheduleAtFixedRate(this::sweep, SWEEP_INTERVAL.toMillis(), SWEEP_INTERVAL.toMillis(),
                TimeUnit.MILLISECONDS);
        if (admission.mode() == RelayConfig.AdmissionMode.OPEN) {
            LOG.log(System.Logger.Level.WARNING, "admission is OPEN: anyone can reserve and relay through this relay (labs only)");
        }
    }

    /**
     * {@code count} UDP sockets at {@code at}, each on its own event loop: with more than one they
     * share the port by SO_REUSEPORT (the kernel steers each client's datagrams to one of them), after
     * a check that nothing else holds it. Port 0: a free number found first (see {@link Listening#freeUdpPort}).
     */
    private List<Channel> bindUdp(Bootstrap template, InetSocketAddress at, int count, String setting)
            throws InterruptedException, BindException {
        List<Channel> out = new ArrayList<>();
        List<io.netty.channel.EventLoop> loops = new ArrayList<>();
        group.forEach(e -> loops.add((io.netty.channel.EventLoop) e));
        Bootstrap b = template.clone();
        InetSocketAddress where = at;
        if (count > 1) {
            if (at.getPort() == 0) {
                where = new InetSocketAddress(at.getAddress(), Listening.freeUdpPort(at.getAddress()));
            } else {
                Listening.checkUdpFree(at, "stun: udp", setting);
            }
            b.option(io.netty.channel.epoll.EpollChannelOption.SO_REUSEPORT, true);
        }
        try {
            for (int i = 0; i < count; i++) {
                Channel ch = Listening.await(b.clone(loops.get((udpLoop++) % loops.size())).bind(where), "stun: udp", where, setting);
                out.add(ch);
                where = (InetSocketAddress) ch.localAddress();
            }
        } catch (BindException e) {
            out.forEach(Channel::close);
            throw e;
        }
        return out;
    }

    /** The primary UDP address of each specific bind IP (a wildcard bind has none to tell). */
    private List<InetSocketAddress> udpMains(int udpPort) {
        return config.binds().stream().map(RelayConfig.Bind::ip).filter(ip -> !ip.isAnyLocalAddress())
                .map(ip -> new InetSocketAddress(ip, udpPort)).toList();
    }

    private void sweep() {
        Instant now = clock.instant();
        for (Reservation r : reservations.expired(now)) {
            if (reservations.remove(r)) {
                circuits.closeAll(r, CloseReason.EXPIRED);
                r.link().sendAndClose(new LinkFrames.GoingAway(CloseReason.EXPIRED, 0, ""));
            }
        }
        circuits.sweep(now);
    }

    public Identity identity() {
        return identity;
    }

    /** The relay address of the first bind address. */
    public RelayAddress address() {
        return addresses().get(0);
    }

    /** One relay address per bind address (family), in config order. */
    public List<RelayAddress> addresses() {
        return control.stream().map(c -> {
            InetSocketAddress a = (InetSocketAddress) c.localAddress();
            return new RelayAddress(io.netty.util.NetUtil.toAddressString(a.getAddress()), a.getPort(), identity.peerId());
        }).toList();
    }

    public InetSocketAddress stunAddress() {
        return (InetSocketAddress) listeners.get(0).localAddress();
    }

    public List<InetSocketAddress> udpAddresses() {
        return udpSockets.keySet().stream().sorted((x, y) -> x.toString().compareTo(y.toString())).toList();
    }

    public InetSocketAddress stunTcpAddress() {
        return (InetSocketAddress) stunTcp.get(0).localAddress();
    }

    /** STUN over TCP's listening addresses, one per bind address. */
    public List<InetSocketAddress> stunTcpAddresses() {
        return stunTcp.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
    }

    /** The TLS engine serving the control channel and TURN-TLS: "openssl" (BoringSSL) or "jdk". */
    public String tlsEngine() {
        return tlsEngine;
    }

    /** The TURN server, or null when TURN is off. */
    public TurnServer turn() {
        return turn;
    }

    /** TURN over TLS's listening address, or null when it is off. */
    public InetSocketAddress turnTlsAddress() {
        return turnTls.isEmpty() ? null : (InetSocketAddress) turnTls.get(0).localAddress();
    }

    /** TURN over TLS's listening addresses, one per bind address (empty when it is off). */
    public List<InetSocketAddress> turnTlsAddresses() {
        return turnTls.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
    }

    public InetSocketAddress controlAddress() {
        return (InetSocketAddress) control.get(0).localAddress();
    }

    /** The control listeners' addresses, one per bind address. */
    public List<InetSocketAddress> controlAddresses() {
        return control.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
    }

    public InetSocketAddress adminAddress() {
        return admin.address();
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    public RelayConfig config() {
        return config;
    }

    /** The fleet's mesh, or null when this relay runs alone. */
    public Mesh mesh() {
        return mesh;
    }

    public int reservationCount() {
        return reservations.size();
    }

    public int circuitCount() {
        return circuits.size();
    }

    public boolean draining() {
        return draining;
    }

    /**
     * Drains: refuses new reservations and circuits, tells every client the relay is going away,
     * waits until the last circuit ends or {@code grace} passes, then closes. Blocks the caller.
     */
    public void drain(Duration grace) throws InterruptedException {
        draining = true;
        reservations.startDraining();
        circuits.startDraining();
        LOG.log(System.Logger.Level.INFO, "draining: {0} reservations, {1} circuits, grace {2} s",
                String.valueOf(reservations.size()), String.valueOf(circuits.size()), String.valueOf(grace.toSeconds()));
        LinkFrames.GoingAway away = new LinkFrames.GoingAway(CloseReason.RELAY_DRAINING, grace.toMillis(), config.reconnectHint());
        for (Reservation r : reservations.all()) {
            r.link().send(away);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (circuits.size() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        close();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (sweeper != null) {
            sweeper.cancel(false);
        }
        if (heartbeat != null) {
            heartbeat.cancel(false);
        }
        if (mesh != null) {
            mesh.links().values().forEach(link -> link.controlChannel().close());
        }
        if (directory != null) {
            directory.close();
        }
        circuits.closeEverything(CloseReason.RELAY_DRAINING);
        if (turn != null) {
            turn.close();
        }
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        for (Channel ch : listeners) {
            ch.close().awaitUninterruptibly();
        }
        if (admin != null) {
            admin.close();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        metrics.close();
    }
}
