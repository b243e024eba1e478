package dev.junction.client.internal;

import dev.junction.client.ClientListener;
import dev.junction.client.ClientOptions;
import dev.junction.client.JunctionException;
import dev.junction.client.PathInfo;
import dev.junction.client.PathKind;
import dev.junction.client.Session;
import dev.junction.client.internal.discovery.MappingProbe;
import dev.junction.client.internal.discovery.StunClient;
import dev.junction.client.internal.net.ClientTransport;
import dev.junction.client.internal.net.NetworkWatcher;
import dev.junction.client.internal.net.SessionSocket;
import dev.junction.client.internal.path.PathMux;
import dev.junction.client.internal.path.RelayPaths;
import dev.junction.client.internal.path.Route;
import dev.junction.client.internal.relay.RelayEvents;
import dev.junction.client.internal.relay.RelayLink;
import dev.junction.client.internal.relay.UdpBinding;
import dev.junction.client.internal.session.HandlerPool;
import dev.junction.client.internal.session.PeerStreams;
import dev.junction.client.internal.session.QuicEndpoint;
import dev.junction.client.internal.session.SessionImpl;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import dev.junction.wire.session.NatHint;
import dev.junction.wire.session.SessionCodec;
import dev.junction.wire.session.SessionMessage;
import dev.junction.wire.udp.RelayDataHeader;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Everything of one client wired together on its I/O thread: the session socket, STUN, the relay
 * link and UDP binding, the path mux, and QUIC sessions. {@code TraversalClient} is its public face.
 */
public final class ClientCore implements RelayEvents, RelayPaths, UdpBinding.Listener {
    private static final System.Logger LOG = System.getLogger("junction.client");

    private final Identity identity;
    private final ClientOptions options;
    private final ClientListener listener;
    private final Consumer<Session> acceptor;
    private final ClientTransport transport;
    private final ExecutorService app;
    private final PeerStreams peerStreams;
    private final EventLoop loop;
    private final SessionSocket socket;
    private final StunClient stun;
    private final PathMux mux;
    private final QuicEndpoint quic;
    private final RelayLink link;
    private final UdpBinding udp;
    private final NetworkWatcher watcher;
    /** Live sessions by route (a route keeps its identity when a resumed session changes circuit). */
    private final Map<Route, QuicChannel> sessions = new HashMap<>();
    /**
     * Circuit endings a session survives by resuming: the peer's control connection went (it may
     * be changing networks), it logged in again, or the relay is draining. A peer's own close and
     * the relay's limits end the session.
     */
    static final java.util.Set<CloseReason> RESUMABLE =
            java.util.EnumSet.of(CloseReason.PEER_GONE, CloseReason.REPLACED, CloseReason.RELAY_DRAINING);
    private final Resumer resumer = new Resumer(this);
    private final Punching punching = new Punching(this);
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private InetSocketAddress udpMapped;

    private ClientCore(ClientTransport transport, Identity identity, List<RelayAddress> relays, Supplier<String> tokens, ClientOptions options,
                       ClientListener listener, Consumer<Session> acceptor, InetSocketAddress bind) throws InterruptedException {
        this.transport = transport;
        this.identity = identity;
        this.options = options;
        this.listener = listener;
        this.acceptor = acceptor;
        this.app = HandlerPool.create(options.streams().handlerThreads());
        this.peerStreams = new PeerStreams(options.streams().perPeer());
        this.link = new RelayLink(transport, relays, identity, tokens, options.keepalive(), this);
        this.loop = link.loop();
        Datagrams inbound = Datagrams.forSessionSocket(this);
        this.socket = SessionSocket.bind(transport, bind, inbound);
        inbound.serve(socket);
        this.stun = new StunClient(loop, socket::send);
        this.mux = new PathMux(this);
        mux.onResume(resumer::onCircuitResume);
        this.quic = QuicEndpoint.bind(transport, identity, options, mux, this::serverConnection);
        this.udp = new UdpBinding(loop, socket, options.keepalive(), this);
        this.watcher = new NetworkWatcher(now -> loop.execute(() -> networkChanged(now)));
    }

    /** Binds the session socket and logs in; completes once the relay paths are known. */
    public static CompletableFuture<ClientCore> start(Identity identity, List<RelayAddress> relays, Supplier<String> tokens,
                                                      ClientOptions options, ClientListener listener,
                                                      Consumer<Session> acceptor, InetSocketAddress bind) {
        ClientCore core;
        ClientTransport transport = new ClientTransport();
        try {
            core = new ClientCore(transport, identity, relays, tokens, options, listener, acceptor, bind);
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

    public EventLoop loop() {
        return loop;
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

    ClientTransport transport() {
        return transport;
    }

    /**
     * Where TCP simultaneous open connects from: the session socket's address and port number
     * (TCP's port space is separate, and a NAT that keeps the UDP port tends to keep this one).
     */
    InetSocketAddress tcpLocal() {
        return socket.localAddress();
    }

    Resumer resumer() {
        return resumer;
    }

    PathMux mux() {
        return mux;
    }

    ClientListener listener() {
        return listener;
    }

    RelayLink link() {
        return link;
    }

    /** The relay's STUN (and relayed UDP) endpoint, or null before the first login. */
    public InetSocketAddress relayStun() {
        return link.relayUdp();
    }

    /** The session socket's address as the relay sees it over UDP, or null when UDP is not bound. */
    public InetSocketAddress udpMapped() {
        return udpMapped;
    }

    // ---- relay link events -------------------------------------------------------------------

    @Override
    public void loggedIn(LoginFrames.LoginOk ok) {
        punching.tcpObserved(ok.observed(), ok.attestation());
        listener.relayConnected(link.relay().toString());
        resumer.loggedIn();
        if (options.relayUdp()) {
            udp.start(link.relayUdp(), ok.reservation(), ok.udpBindKey().toArray(), Duration.ofSeconds(ok.keepaliveSeconds()));
        } else {
            ready.complete(null);
        }
    }

    @Override
    public void udpBound(InetSocketAddress mapped, AddressAttestation attestation) {
        udpMapped = mapped;
        punching.udpAttested(attestation);
        MappingProbe.run(stun, udp.relay()).thenAccept(punching::hint);
        ready.complete(null);
        moveRelayed(PathKind.RELAY_TCP, PathKind.RELAY_UDP);
    }

    @Override
    public void udpUnbound(String reason) {
        LOG.log(System.Logger.Level.INFO, "relayed UDP unavailable: {0}; using the TLS connection", reason);
        udpMapped = null;
        punching.udpAttested(null);
        punching.hint(NatHint.BLOCKED);
        ready.complete(null);
        moveRelayed(PathKind.RELAY_UDP, PathKind.RELAY_TCP);
    }

    private void moveRelayed(PathKind from, PathKind to) {
        for (Map.Entry<Route, QuicChannel> e : sessions.entrySet()) {
            Route r = e.getKey();
            SessionImpl s = SessionImpl.of(e.getValue());
            if (s != null && r.kind() == from) {
                mux.switchTo(r, to);
                announce(s, r);
            }
        }
    }

    PathKind relayKind() {
        return udp.bound() ? PathKind.RELAY_UDP : PathKind.RELAY_TCP;
    }

    @Override
    public void incoming(int circuit, PeerId from) {
        if (acceptor == null) {
            link.reject(circuit);
            return;
        }
        Route r = mux.open(circuit, from, false, relayKind());
        link.accept(circuit);
        // The caller's handshake must complete in time, or the circuit is given back.
        loop.schedule(() -> {
            if (mux.byCircuit(circuit) == r && !sessions.containsKey(r)) {
                mux.remove(r);
                link.closeCircuit(circuit);
            }
        }, options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void circuitOpen(CircuitFrames.CircuitOpen open) {
        // The callee's route exists since it accepted; QUIC's handshake proves the rest.
    }

    @Override
    public void circuitClosed(int circuit, CloseReason reason) {
        Route r = mux.byCircuit(circuit);
        if (r != null) {
            circuitLost(r, "the relay closed the circuit: " + reason.label(), RESUMABLE.contains(reason));
        }
    }

    /**
     * {@code r}'s circuit is gone. A direct session goes on without it; a resumable relayed one
     * waits for a new circuit (the caller asks for one) if the circuit was lost rather than closed
     * on purpose ({@code mayResume}); any other ends now.
     */
    private void circuitLost(Route r, String reason, boolean mayResume) {
        QuicChannel q = sessions.get(r);
        SessionImpl s = q == null ? null : SessionImpl.of(q);
        if (s != null && (!r.kind().relayed() || mayResume && r.resumable())) {
            mux.detach(r);
            if (r.kind().relayed()) {
                resumer.resume(s, r);
            }
            return;
        }
        mux.remove(r);
        if (q != null) {
            sessions.remove(r);
            closeReason(q, reason);
            q.close();
        }
    }

    /**
     * {@code r} rides on {@code circuit} from now on (a resumed session). A relayed session punches
     * afresh; a direct one keeps its path and its puncher, whose keepalives tell whether it still works.
     */
    void reattach(SessionImpl s, Route r, int circuit) {
        mux.reattach(r, circuit);
        if (r.kind().relayed()) {
            mux.switchTo(r, relayKind());
            punching.restart(s, r);
        }
        announce(s, r);
        s.nudge();
        loop.schedule(s::nudge, 50, TimeUnit.MILLISECONDS);
    }

    /** The session on {@code r}, or null once it ended. */
    SessionImpl sessionOf(Route r) {
        QuicChannel q = sessions.get(r);
        return q == null ? null : SessionImpl.of(q);
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
    public void disconnected(String reason) {
        udp.stop();
        udpMapped = null;
        listener.relayDisconnected(reason);
        // Circuits die with the relay connection: direct sessions go on, resumable relayed ones wait
        // for a new circuit, others end now rather than at idle timeout.
        for (Route r : new ArrayList<>(sessions.keySet())) {
            if (!r.relayGone()) {
                circuitLost(r, "relay connection lost: " + reason, true);
            }
        }
    }

    // ---- relay paths (for the mux) -----------------------------------------------------------

    @Override
    public void sendUdp(int circuit, ByteBuf payload) {
        InetSocketAddress to = udp.relay();
        if (to == null || !udp.bound()) {
            link.sendData(circuit, payload);
            return;
        }
        ByteBuf header = RelayDataHeader.write(socket.channel().alloc().ioBuffer(RelayDataHeader.LENGTH), circuit);
        socket.send(socket.channel().alloc().compositeBuffer(2).addComponents(true, header, payload), to);
    }

    @Override
    public void sendTcp(int circuit, ByteBuf payload) {
        link.sendData(circuit, payload);
    }

    @Override
    public InetSocketAddress relayUdp() {
        return udp.relay();
    }

    @Override
    public InetSocketAddress relayTcp() {
        return link.relayTcp();
    }

    // ---- sessions ----------------------------------------------------------------------------

    /** Opens a session to {@code peer} through the relay. */
    public CompletableFuture<Session> connect(PeerId peer) {
        long start = System.nanoTime();
        CompletableFuture<Session> result = new CompletableFuture<>();
        link.connect(peer).whenComplete((open, e) -> {
            if (e != null) {
                result.completeExceptionally(e instanceof JunctionException ? e : new JunctionException(e.getMessage(), e));
                return;
            }
            loop.execute(() -> handshake(open, peer, start, result));
        });
        ScheduledFuture<?> timeout = loop.schedule(() -> result.completeExceptionally(new JunctionException(
                "no session with " + peer.shortString() + " within " + options.connectTimeout().toSeconds()
                        + " s; is the peer online and accepting?")), options.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((s, e) -> timeout.cancel(false));
        return result;
    }

    private void handshake(CircuitFrames.CircuitOpen open, PeerId peer, long start, CompletableFuture<Session> result) {
        Route r = mux.open(open.circuit(), peer, true, relayKind());
        quic.connect(r.virtual()).addListener(f -> {
            if (!f.isSuccess() || result.isDone()) {
                mux.remove(r);
                link.closeCircuit(open.circuit());
                if (f.isSuccess()) {
                    ((QuicChannel) f.getNow()).close();
                }
                result.completeExceptionally(new JunctionException("the secure handshake with " + peer.shortString()
                        + " failed: " + (f.cause() == null ? "timed out" : RelayLink.rootMessage(f.cause())), f.cause()));
                return;
            }
            QuicChannel q = (QuicChannel) f.getNow();
            SessionImpl s = establish(q, r, start);
            if (s == null) {
                result.completeExceptionally(new JunctionException("the peer behind the relay could not prove it is "
                        + peer + "; the relay or the peer is not who it claims"));
            } else {
                result.complete(s);
            }
        });
    }

    /** An incoming QUIC connection completed its handshake (I/O thread). */
    private void serverConnection(QuicChannel q) {
        Route r = q.remoteSocketAddress() instanceof InetSocketAddress v ? mux.byVirtual(v) : null;
        if (r == null || r.clientRole()) {
            q.close();
            return;
        }
        SessionImpl s = establish(q, r, r.startNanos());
        if (s != null) {
            try {
                app.execute(() -> acceptor.accept(s));
            } catch (java.util.concurrent.RejectedExecutionException closing) { // busy handlers queue; only a closing client refuses
                s.close();
            }
        }
    }

    /** Verifies the peer's certificate against the route's PeerId and makes the session; null if it fails. */
    private SessionImpl establish(QuicChannel q, Route r, long start) {
        try {
            QuicEndpoint.verifiedPeer(q, r.peer());
        } catch (CertificateException e) {
            LOG.log(System.Logger.Level.WARNING, "closing session on circuit {0}: {1}", r.circuit(), e.getMessage());
            q.close();
            mux.remove(r);
            link.closeCircuit(r.circuit());
            return null;
        }
        SessionImpl s = new SessionImpl(q, r.peer(), app, peerStreams, start,
                new PathInfo(r.kind(), mux.remoteOf(r), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)),
                options.sessionIdleTimeout());
        sessions.put(r, q);
        q.closeFuture().addListener(x -> {
            punching.closed(r);
            resumer.closed(r);
            if (sessions.remove(r, q)) {
                mux.remove(r);
                if (!r.relayGone()) {
                    link.closeCircuit(r.circuit());
                }
                closeReason(q, "ended");
            }
        });
        s.onControl(datagram -> {
            try {
                SessionMessage m = SessionCodec.decode(datagram);
                if (m instanceof SessionMessage.Token || m instanceof SessionMessage.TokenAck) {
                    resumer.onControl(s, r, m);
                } else {
                    punching.onControl(r, m);
                }
            } catch (WireFormatException e) {
                LOG.log(System.Logger.Level.DEBUG, "malformed session control datagram from {0}: {1}", r.peer(), e.getMessage());
            }
        });
        listener.pathChanged(s, s.activePath());
        resumer.established(s, r);
        punching.restart(s, r);
        return s;
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
        InetSocketAddress control = link.localAddress();
        if (control != null && !control.getAddress().isLoopbackAddress() && !now.contains(control.getAddress())) {
            link.reconnectNow("local address " + control.getAddress().getHostAddress() + " is gone");
        }
        udp.rebind();
        for (Route r : new ArrayList<>(sessions.keySet())) {
            punching.repunch(r, true);
        }
    }

    /** Renews the UDP binding to the relay now (the mapping may have changed). */
    void rebindUdp() {
        udp.rebind();
    }

    UdpBinding udp() {
        return udp;
    }

    boolean isClosed() {
        return closed.get();
    }

    Punching punching() {
        return punching;
    }

    ClientOptions options() {
        return options;
    }

    void announce(SessionImpl s, Route r) {
        PathInfo p = new PathInfo(r.kind(), mux.remoteOf(r), s.elapsedMillis());
        s.pathChanged(p);
        listener.pathChanged(s, p);
    }

    void closeReason(QuicChannel q, String reason) {
        SessionImpl s = SessionImpl.of(q);
        if (s != null) {
            listener.sessionClosed(s, reason);
        }
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
        link.close();
        loop.submit(() -> {
            udp.stop();
            new ArrayList<>(sessions.values()).forEach(QuicChannel::close);
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
