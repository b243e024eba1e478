package dev.junction.client.internal;

import dev.junction.client.ClientListener;
import dev.junction.client.ClientOptions;
import dev.junction.client.JunctionException;
import dev.junction.client.PathKind;
import dev.junction.client.Session;
import dev.junction.client.internal.conn.ConnectionContext;
import dev.junction.client.internal.conn.Connections;
import dev.junction.client.internal.conn.HostFacts;
import dev.junction.client.internal.discovery.MappingProbe;
import dev.junction.client.internal.discovery.StunClient;
import dev.junction.client.internal.net.ClientTransport;
import dev.junction.client.internal.net.DatagramSorter;
import dev.junction.client.internal.net.NetworkWatcher;
import dev.junction.client.internal.net.SessionSocket;
import dev.junction.client.internal.path.PathMux;
import dev.junction.client.internal.relay.RelayEvents;
import dev.junction.client.internal.relay.RelayLink;
import dev.junction.client.internal.relay.RelayTlsTransport;
import dev.junction.client.internal.relay.RelayUdpTransport;
import dev.junction.client.internal.relay.UdpBinding;
import dev.junction.client.internal.session.HandlerPool;
import dev.junction.client.internal.session.PeerStreams;
import dev.junction.client.internal.session.QuicEndpoint;
import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import dev.junction.wire.session.NatHint;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One client wired together on its I/O thread: the session socket and what sorts its datagrams,
 * STUN, the relay link and UDP binding, the path mux with its transports, the QUIC endpoint, and
 * the sessions ({@link Connections}). It owns none of their logic: it builds them, hands each the
 * parts it needs, routes the relay's events to them, and closes them. {@code TraversalClient} is its
 * public face.
 */
public final class ClientCore implements RelayEvents, UdpBinding.Listener {
    private static final System.Logger LOG = System.getLogger("junction.client");

    private final Identity identity;
    private final ClientOptions options;
    private final ClientListener listener;
    private final ClientTransport transport;
    private final ExecutorService app;
    private final EventLoop loop;
    private final SessionSocket socket;
    private final StunClient stun;
    private final PathMux mux;
    private final QuicEndpoint quic;
    private final RelayLink link;
    private final UdpBinding udp;
    /** The relay's statement of the session socket in the relay's other address family (a dual-stack relay). */
    private final dev.junction.client.internal.relay.FamilyAttestation otherFamily;
    private final RelayUdpTransport relayUdp;
    private final HostFacts facts = new HostFacts();
    private final Connections connections;
    private final NetworkWatcher watcher;
    /** The gateway's mapping of the session socket's port (options.portMapping()), or null; set on the I/O thread. */
    private volatile dev.junction.client.internal.portmap.PortMapper portMapper;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** "Relayed UDP unavailable" was logged since UDP was last bound (the binding retries every keepalive: once is enough). */
    private boolean udpDownLogged;

    private ClientCore(ClientTransport transport, Identity identity, List<RelayAddress> relays, Path relayCas, Supplier<String> tokens,
                       ClientOptions options, ClientListener listener, Consumer<Session> acceptor, InetSocketAddress bind)
            throws InterruptedException {
        this.transport = transport;
        this.identity = identity;
        this.options = options;
        this.listener = listener;
        this.app = HandlerPool.create(options.streams().handlerThreads());
        this.link = new RelayLink(transport, relays, relayCas, identity, tokens, options.keepalive(), this);
        this.loop = link.loop();
        this.mux = new PathMux();
        DatagramSorter sorter = new DatagramSorter(); // wired below, once its consumers exist
        this.socket = SessionSocket.bind(transport, bind, sorter);
        sorter.serve(socket);
        this.stun = new StunClient(loop, socket::send);
        this.udp = new UdpBinding(loop, socket, options.keepalive(), this);
        this.otherFamily = new dev.junction.client.internal.relay.FamilyAttestation(loop, socket, facts::otherFamily);
        RelayTlsTransport tls = new RelayTlsTransport(link);
        this.relayUdp = new RelayUdpTransport(socket, udp, tls, mux::relayData);
        mux.transport(PathKind.RELAY_TCP, tls);
        mux.transport(PathKind.RELAY_UDP, relayUdp);
        ConnectionContext ctx = new ConnectionContext(identity.peerId(), loop, options, listener, mux, link, udp, socket, transport, facts,
                this::openExtraSocket);
        this.connections = new Connections(ctx, app, new PeerStreams(options.streams().perPeer()), acceptor);
        mux.onResume(connections::resumeRequested);
        sorter.wire(stun::onPacket, relayUdp, connections, (frame, from) -> {
            udp.onFrame(frame, from);
            otherFamily.onFrame(frame, from);
        }, mux::directData, mux::readComplete);
        this.quic = QuicEndpoint.bind(transport, identity, options, mux, connections::serverConnection);
        this.watcher = new NetworkWatcher(now -> loop.execute(() -> networkChanged(now)));
        if (options.portMapping()) {
            loop.execute(this::mapPort);
        }
    }

    /** Asks the default gateway, if there is one, to map the session socket's port (again, after a network change). I/O thread. */
    private void mapPort() {
        if (portMapper != null) {
            dev.junction.client.internal.portmap.PortMapper old = portMapper;
            portMapper = null;
            Thread t = new Thread(old::close, "junction-portmap-close");
            t.setDaemon(true);
            t.start();
            facts.portMapped(null);
        }
        java.util.Optional<java.net.Inet4Address> gateway = dev.junction.client.internal.portmap.Gateway.defaultIpv4();
        if (closed.get() || gateway.isEmpty()) {
            return;
        }
        dev.junction.client.internal.portmap.PortMapper[] self = new dev.junction.client.internal.portmap.PortMapper[1];
        self[0] = new dev.junction.client.internal.portmap.PortMapper(gateway.get(), socket.localAddress().getPort(),
                m -> loop.execute(() -> {
                    if (portMapper == self[0]) { // a replaced mapper's last word is not this network's mapping
                        facts.portMapped(m == null ? null : m.external());
                    }
                }));
        portMapper = self[0];
        portMapper.start();
    }

    /** A port-prediction socket beside the session socket: PROBEs and QUIC only. */
    private void openExtraSocket(InetSocketAddress local, Consumer<SessionSocket> ready) {
        DatagramSorter in = DatagramSorter.extra(connections, mux::directData, mux::readComplete);
        SessionSocket.open(transport, local, in, s -> {
            if (closed.get()) {
                s.close();
                return;
            }
            in.serve(s);
            ready.accept(s);
        });
    }

    /** Binds the session socket and logs in; completes once the relay paths are known. */
    public static CompletableFuture<ClientCore> start(Identity identity, List<RelayAddress> relays, Path relayCas, Supplier<String> tokens,
                                                      ClientOptions options, ClientListener listener,
                                                      Consumer<Session> acceptor, InetSocketAddress bind) {
        ClientCore core;
        ClientTransport transport = new ClientTransport();
        try {
            core = new ClientCore(transport, identity, relays, relayCas, tokens, options, listener, acceptor, bind);
        } catch (InterruptedException e) {
            transport.shutdown();
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(new JunctionException("interrupted while starting"));
        } catch (Exception e) { // Netty's bind throws BindException without declaring it
            transport.shutdown();
            return CompletableFuture.failedFuture(new JunctionException("cannot bind the session socket to " + bind
                    + ": " + RelayLink.rootMessage(e) + "; choose another local address or port", e));
        }
        CompletableFuture<ClientCore> started = new CompletableFuture<>();
        core.link.start().whenComplete((ok, e) -> {
            if (e != null) {
                core.close();
                started.completeExceptionally(e instanceof JunctionException ? e : new JunctionException(e.getMessage(), e));
            }
        });
        core.ready.thenRun(() -> started.complete(core));
        started.orTimeout(options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS).whenComplete((c, e) -> {
            if (e instanceof java.util.concurrent.TimeoutException) {
                core.close();
            }
        });
        return started;
    }

    public PeerId peerId() {
        return identity.peerId();
    }

    public StunClient stun() {
        return stun;
    }

    public SessionSocket socket() {
        return socket;
    }

    public RelayAddress relay() {
        return link.relay();
    }

    /** The relay's STUN (and relayed UDP) endpoint, or null before the first login. */
    public InetSocketAddress relayStun() {
        return link.relayUdp();
    }

    /** The session socket's address as the relay sees it over UDP, or null when UDP is not bound. */
    public InetSocketAddress udpMapped() {
        return facts.udpMapped();
    }

    // ---- relay link events -------------------------------------------------------------------

    @Override
    public void loggedIn(LoginFrames.LoginOk ok) {
        facts.tcpObserved(ok.observed(), ok.attestation());
        listener.relayConnected(link.relay().toString());
        connections.loggedIn();
        if (options.relayUdp()) {
            udp.start(link.relayUdp(), ok.reservation(), ok.udpBindKey().toArray(), Duration.ofSeconds(ok.keepaliveSeconds()));
            if (!ok.otherFamilies().isEmpty()) {
                otherFamily.start(ok.otherFamilies().get(0), ok.reservation(), ok.udpBindKey().toArray());
            }
        } else {
            ready.complete(null);
        }
    }

    @Override
    public void udpBound(InetSocketAddress mapped, AddressAttestation attestation) {
        facts.udpBound(mapped, attestation);
        udpDownLogged = false;
        MappingProbe.run(stun, udp.relay()).thenAccept(facts::hint);
        ready.complete(null);
        connections.relayKindChanged(PathKind.RELAY_TCP, PathKind.RELAY_UDP);
    }

    @Override
    public void udpUnbound(String reason) {
        if (!udpDownLogged) {
            LOG.log(System.Logger.Level.INFO, "relayed UDP unavailable: {0}; using the TLS connection (retrying in the background)", reason);
            udpDownLogged = true;
        }
        facts.udpUnbound();
        facts.hint(NatHint.BLOCKED);
        ready.complete(null);
        connections.relayKindChanged(PathKind.RELAY_UDP, PathKind.RELAY_TCP);
    }

    @Override
    public void incoming(int circuit, PeerId from) {
        connections.incoming(circuit, from);
    }

    @Override
    public void circuitOpen(CircuitFrames.CircuitOpen open) {
        // The callee's route exists since it accepted; QUIC's handshake proves the rest.
    }

    @Override
    public void circuitClosed(int circuit, CloseReason reason) {
        connections.circuitClosed(circuit, reason);
    }

    @Override
    public void data(int circuit, ByteBuf payload) {
        mux.relayData(circuit, payload);
    }

    @Override
    public void readComplete() {
        mux.readComplete();
    }

    @Override
    public boolean idle() {
        return connections.isEmpty();
    }

    @Override
    public void disconnected(String reason) {
        udp.stop();
        otherFamily.stop();
        facts.udpUnbound();
        listener.relayDisconnected(reason);
        connections.relayLost(reason);
    }

    // ---- sessions ----------------------------------------------------------------------------

    /** Opens a session to {@code peer} through the relay. */
    public CompletableFuture<Session> connect(PeerId peer) {
        return connections.connect(peer, quic::connect);
    }
    /**
     * The host's addresses changed: a control connection whose local address is gone reconnects
     * at once, the UDP binding is renewed (the relay learns the new mapping), and every session
     * moves to its relayed path and punches again (I/O thread).
     */
    private void networkChanged(java.util.Set<java.net.InetAddress> now) {
        if (closed.get()) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "network changed; addresses now {0}", now);
        link.addressesChanged(now);
        udp.rebind();
        otherFamily.ask();
        if (options.portMapping()) {
            mapPort(); // the gateway may be another one now
        }
        connections.networkChanged();
    }

    /** Closes every session, the relay connection and the sockets; waits up to about two seconds. */
    public void close() {
        if (loop.inEventLoop()) {
            Thread t = new Thread(this::close, "junction-close");
            t.setDaemon(true);
            t.start();
            return;
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        watcher.close();
        dev.junction.client.internal.portmap.PortMapper mapper = portMapper;
        if (mapper != null) {
            mapper.close(); // the gateway deletes the mapping now rather than at its expiry
        }
        link.close();
        loop.submit(() -> {
            udp.stop();
            otherFamily.stop();
            connections.closeAll();
        }).awaitUninterruptibly(1000);
        // A moment for the CONNECTION_CLOSE frames to leave before the sockets go.
        loop.schedule(() -> {
            quic.close();
            socket.close();
        }, 50, TimeUnit.MILLISECONDS).awaitUninterruptibly(1000);
        transport.shutdown();
        app.shutdownNow();
    }
}
