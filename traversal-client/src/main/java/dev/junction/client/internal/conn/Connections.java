package dev.junction.client.internal.conn;

import dev.junction.client.JunctionException;
import dev.junction.client.PathInfo;
import dev.junction.client.PathKind;
import dev.junction.client.PunchLimits;
import dev.junction.client.Session;
import dev.junction.client.internal.net.DatagramSorter;
import dev.junction.client.internal.net.UdpPort;
import dev.junction.client.internal.path.Route;
import dev.junction.client.internal.punch.Puncher;
import dev.junction.client.internal.punch.TokenBucket;
import dev.junction.client.internal.relay.RelayLink;
import dev.junction.client.internal.session.PeerStreams;
import dev.junction.client.internal.session.QuicEndpoint;
import dev.junction.client.internal.session.SessionImpl;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.identity.PeerId;
import dev.junction.wire.session.SessionCodec;
import dev.junction.wire.session.SessionMessage;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client's sessions: makes a {@link Connection} for each QUIC session that completes its
 * handshake (called or accepted), finds them by route, punch ID and resume token, and hands each
 * what concerns it of the relay's events (a circuit closed, the relay connection lost, the relayed
 * path changed kind, a new login) and of the host's (the network changed). Circuits whose handshake
 * has not completed have a route and no connection yet. I/O thread only.
 */
public final class Connections implements DatagramSorter.Probes {
    private static final System.Logger LOG = System.getLogger("junction.client");
    /** Peers whose start budget is remembered, at most (the least recently used is forgotten). */
    static final int PEERS_MAX = 1024;
    /**
     * Circuit endings a session survives by resuming: the peer's control connection went (it may
     * be changing networks), it logged in again, the relay is draining, or (in a fleet) the link
     * to the peer's relay went down (its relay may have died: the peer re-homes on another and the
     * caller's next CONNECT finds it there). A peer's own close and the relay's limits end the session.
     */
    static final Set<CloseReason> RESUMABLE = EnumSet.of(CloseReason.PEER_GONE, CloseReason.REPLACED, CloseReason.RELAY_DRAINING,
            CloseReason.RELAY_UNREACHABLE);

    /** Starts the QUIC client's handshake with the peer behind a route's virtual address. */
    @FunctionalInterface
    public interface Dialer {
        Future<QuicChannel> dial(InetSocketAddress virtual);
    }

    private final ConnectionContext ctx;
    private final ExecutorService app;
    private final PeerStreams peerStreams;
    private final Consumer<Session> acceptor;
    private final Map<Route, Connection> byRoute = new HashMap<>();
    /** Punchers by the punch ID their PROBEs carry (a puncher, not its connection: a stale ID must not reach a newer attempt). */
    private final Map<Long, Puncher> byPunchId = new HashMap<>();
    /** The callee's side: sessions a RESUME may move, by token. */
    private final Map<ByteBuffer, Connection> byToken = new HashMap<>();
    /** Start budgets per peer, across its sessions. */
    private final Map<PeerId, TokenBucket> peerStarts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, TokenBucket> eldest) {
            return size() > PEERS_MAX;
        }
    };

    /** {@code acceptor} null: incoming circuits are refused. */
    public Connections(ConnectionContext ctx, ExecutorService app, PeerStreams peerStreams, Consumer<Session> acceptor) {
        this.ctx = ctx;
        this.app = app;
        this.peerStreams = peerStreams;
        this.acceptor = acceptor;
    }

    // ---- opening sessions ----------------------------------------------------------------------

    /** Opens a session to {@code peer} through the relay (any thread). */
    public CompletableFuture<Session> connect(PeerId peer, Dialer dialer) {
        if (peer.equals(ctx.self())) {
            return CompletableFuture.failedFuture(new JunctionException("cannot connect to " + peer.shortString()
                    + ": it is this client's own PeerId. The peer must run with another identity"
                    + " (junction: --identity OTHER.key; a new one is made if the file does not exist)"));
        }
        long start = System.nanoTime();
        CompletableFuture<Session> result = new CompletableFuture<>();
        ctx.link().connect(peer).whenComplete((open, e) -> {
            if (e != null) {
                result.completeExceptionally(e instanceof JunctionException ? e : new JunctionException(e.getMessage(), e));
                return;
            }
            ctx.loop().execute(() -> handshake(open, peer, start, dialer, result));
        });
        var timeout = ctx.loop().schedule(() -> result.completeExceptionally(new JunctionException(
                "no session with " + peer.shortString() + " within " + ctx.options().connectTimeout().toSeconds()
                        + " s; is the peer online and accepting?")), ctx.options().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((s, e) -> timeout.cancel(false));
        return result;
    }

    private void handshake(CircuitFrames.CircuitOpen open, PeerId peer, long start, Dialer dialer, CompletableFuture<Session> result) {
        Route r = ctx.mux().open(open.circuit(), peer, true, ctx.relayKind());
        dialer.dial(r.virtual()).addListener(f -> {
            if (!f.isSuccess() || result.isDone()) {
                ctx.mux().remove(r);
                ctx.link().closeCircuit(open.circuit());
                if (f.isSuccess()) {
                    ((QuicChannel) f.getNow()).close();
                }
                result.completeExceptionally(new JunctionException("the secure handshake with " + peer.shortString()
                        + " failed: " + (f.cause() == null ? "timed out" : RelayLink.rootMessage(f.cause())), f.cause()));
                return;
            }
            SessionImpl s = establish((QuicChannel) f.getNow(), r, start);
            if (s == null) {
                result.completeExceptionally(new JunctionException("the peer behind the relay could not prove it is "
                        + peer + "; the relay or the peer is not who it claims"));
            } else {
                result.complete(s);
            }
        });
    }

    /** A peer asks for a circuit: accepted when the app accepts sessions; its handshake must complete in time. */
    public void incoming(int circuit, PeerId from) {
        if (acceptor == null) {
            ctx.link().reject(circuit);
            return;
        }
        Route r = ctx.mux().open(circuit, from, false, ctx.relayKind());
        ctx.link().accept(circuit);
        ctx.loop().schedule(() -> {
            if (ctx.mux().byCircuit(circuit) == r && !byRoute.containsKey(r)) {
                ctx.mux().remove(r);
                ctx.link().closeCircuit(circuit);
            }
        }, ctx.options().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** An incoming QUIC connection completed its handshake (I/O thread). */
    public void serverConnection(QuicChannel q) {
        Route r = q.remoteSocketAddress() instanceof InetSocketAddress v ? ctx.mux().byVirtual(v) : null;
        if (r == null || r.clientRole()) {
            q.close();
            return;
        }
        SessionImpl s = establish(q, r, r.startNanos());
        if (s != null) {
            try {
                app.execute(() -> acceptor.accept(s));
            } catch (RejectedExecutionException closing) { // busy handlers queue; only a closing client refuses
                s.close();
            }
        }
    }

    /** Verifies the peer's certificate against the route's PeerId and makes the connection; null if it fails. */
    private SessionImpl establish(QuicChannel q, Route r, long start) {
        try {
            QuicEndpoint.verifiedPeer(q, r.peer());
        } catch (CertificateException e) {
            LOG.log(System.Logger.Level.WARNING, "closing session on circuit {0}: {1}", String.valueOf(r.circuit()), e.getMessage());
            q.close();
            ctx.mux().remove(r);
            ctx.link().closeCircuit(r.circuit());
            return null;
        }
        SessionImpl s = new SessionImpl(q, r.peer(), app, peerStreams, start,
                new PathInfo(r.kind(), ctx.mux().remoteOf(r), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)),
                ctx.options().sessionIdleTimeout());
        Connection c = new Connection(ctx, this, r, s);
        byRoute.put(r, c);
        c.start();
        return s;
    }

    // ---- what the relay and the host report -----------------------------------------------------

    /** The relay closed {@code circuit}. */
    public void circuitClosed(int circuit, CloseReason reason) {
        Route r = ctx.mux().byCircuit(circuit);
        if (r == null) {
            return;
        }
        Connection c = byRoute.get(r);
        if (c == null) {
            ctx.mux().remove(r); // still handshaking: the connect or accept gives up
        } else {
            c.circuitLost("the relay closed the circuit: " + reason.label(), RESUMABLE.contains(reason));
        }
    }

    /** The relay connection is gone and every circuit with it: direct sessions go on, resumable ones wait. */
    public void relayLost(String reason) {
        for (Connection c : new ArrayList<>(byRoute.values())) {
            if (!c.route().relayGone()) {
                c.circuitLost("relay connection lost: " + reason, true);
            }
        }
    }

    /** Logged in (again): sessions waiting for a circuit ask now. */
    public void loggedIn() {
        new ArrayList<>(byRoute.values()).forEach(Connection::loggedIn);
    }

    /** Relayed sessions on {@code from} move to {@code to} (the UDP binding came or went). */
    public void relayKindChanged(PathKind from, PathKind to) {
        new ArrayList<>(byRoute.values()).forEach(c -> c.relayKindChanged(from, to));
    }

    /** The host's addresses changed: every session punches again (and asks its peer to). */
    public void networkChanged() {
        new ArrayList<>(byRoute.values()).forEach(c -> c.repunch(true));
    }

    /** The callee: RESUME arrived on the circuit that opened {@code fresh}; move the session it names there. */
    public void resumeRequested(Route fresh, ByteBuf payload) {
        SessionMessage m;
        try {
            m = SessionCodec.decode(payload);
        } catch (WireFormatException e) {
            return; // a short token: ignored like an unknown one
        }
        if (!(m instanceof SessionMessage.Resume resume)) {
            return;
        }
        Connection c = byToken.get(ByteBuffer.wrap(resume.token().toArray()));
        if (c == null || !c.live() || c.route() == fresh || !c.route().peer().equals(fresh.peer())) {
            return; // unknown or stale token, or a repeated RESUME on a circuit already taken
        }
        int circuit = fresh.circuit();
        ctx.mux().remove(fresh);
        c.resumedOn(circuit);
    }

    @Override
    public void probe(UdpFrame frame, InetSocketAddress from, UdpPort via) {
        if (frame instanceof UdpFrame.Probe probe) {
            Puncher p = byPunchId.get(probe.session());
            if (p != null) {
                p.onProbe(probe, from, via);
            }
        } else if (frame instanceof UdpFrame.ProbeAck ack) {
            Puncher p = byPunchId.get(ack.session());
            if (p != null) {
                p.onProbeAck(ack, from, via);
            }
        }
    }

    /** True when no session is open (circuits still in their handshake have none yet). */
    public boolean isEmpty() {
        return byRoute.isEmpty();
    }

    /** Closes every session (the client is closing). */
    public void closeAll() {
        new ArrayList<>(byRoute.values()).forEach(c -> c.close("the client closed"));
    }

    // ---- for the connections ------------------------------------------------------------------

    void keyed(long punchId, Puncher p) {
        byPunchId.values().remove(p);
        byPunchId.put(punchId, p);
    }

    void unkeyed(Puncher p) {
        byPunchId.values().remove(p);
    }

    void tokenChanged(Connection c, byte[] old, byte[] token) {
        if (old != null) {
            byToken.remove(ByteBuffer.wrap(old), c);
        }
        byToken.put(ByteBuffer.wrap(token), c);
    }

    TokenBucket peerStarts(PeerId peer) {
        PunchLimits l = ctx.options().punchLimits();
        return peerStarts.computeIfAbsent(peer, k -> new TokenBucket(l.startsPerPeer(), l.startInterval().toNanos(), System::nanoTime));
    }

    void removed(Connection c) {
        byRoute.remove(c.route(), c);
        if (c.resumeToken() != null) {
            byToken.remove(ByteBuffer.wrap(c.resumeToken()), c);
        }
    }
}
