package dev.junction.client.internal.conn;

import dev.junction.client.PathInfo;
import dev.junction.client.PathKind;
import dev.junction.client.PunchLimits;
import dev.junction.client.internal.path.Route;
import dev.junction.client.internal.punch.CandidatePolicy;
import dev.junction.client.internal.punch.Puncher;
import dev.junction.client.internal.punch.TokenBucket;
import dev.junction.client.internal.session.SessionImpl;
import dev.junction.wire.Bytes;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.session.SessionCodec;
import dev.junction.wire.session.SessionMessage;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One session with one peer, and everything that belongs to it: its {@link Route} through the
 * path mux, its QUIC session, its puncher with its budgets, its resume token (PROTOCOL.md section
 * 6.6), and its lifecycle with one close path ({@link #close}; the cleanup runs once, when QUIC's
 * connection has closed, whatever closed it). The client holds its connections in
 * {@link Connections}; a connection is handed its collaborators ({@link ConnectionContext}), never
 * the client. I/O thread only.
 */
final class Connection {
    private static final System.Logger LOG = System.getLogger("junction.client");
    private static final SecureRandom RANDOM = new SecureRandom();

    static final int TOKEN_LENGTH = SessionMessage.TOKEN_LENGTH;
    static final long TOKEN_RETRY_MS = 500;
    static final int TOKEN_TRIES = 10;
    static final long RETRY_MIN_MS = 100;
    static final long RETRY_MAX_MS = 4000;
    /** RESUME goes out this many times on the new circuit (it may be lost like any datagram). */
    static final int RESUME_SENDS = 3;
    static final long RESUME_SPACING_MS = 150;
    /** A lost direct path is looked for again this long after the session went back to the relay. */
    static final long REPUNCH_AFTER_MS = 1000;

    private final ConnectionContext ctx;
    private final Connections all;
    private final Route route;
    private final SessionImpl session;

    private Puncher puncher;
    /** Probes this session may send, across its punch attempts. */
    private final TokenBucket probeBudget;
    /** Punch starts this session may make (the peer's budget is in {@link Connections}). */
    private final TokenBucket starts;
    /** A start of the QUIC client's side waiting for the start budgets. */
    private ScheduledFuture<?> deferredStart;

    private byte[] resumeToken;
    /** True once both sides know the resume token: a lost circuit no longer ends the session. */
    private boolean resumable;
    /** The caller's side: a new circuit is being asked for. */
    private boolean waitingForCircuit;
    /** A CONNECT for a new circuit is under way (one at a time, so a resume opens one circuit, not one per trigger). */
    private boolean asking;
    /** A login came while {@link #asking}: a failed CONNECT is retried at once rather than after its backoff. */
    private boolean askAgainAtOnce;

    /** Why the session is closing (reported once, when it has closed), or null while it lives. */
    private String closeReason;
    private boolean ended;

    Connection(ConnectionContext ctx, Connections all, Route route, SessionImpl session) {
        this.ctx = ctx;
        this.all = all;
        this.route = route;
        this.session = session;
        PunchLimits l = ctx.options().punchLimits();
        this.probeBudget = new TokenBucket(l.probes(), TimeUnit.SECONDS.toNanos(1) / l.probesPerSecond(), System::nanoTime);
        this.starts = new TokenBucket(l.startsPerSession(), l.startInterval().toNanos(), System::nanoTime);
    }

    Route route() {
        return route;
    }

    SessionImpl session() {
        return session;
    }

    byte[] resumeToken() {
        return resumeToken;
    }

    /** True until the session is closing or closed. */
    boolean live() {
        return closeReason == null && !ended;
    }

    /** The session is established: report its path, hand the callee a resume token, start punching. */
    void start() {
        session.quic().closeFuture().addListener(x -> {
            if (ctx.loop().inEventLoop()) {
                ended();
            } else {
                ctx.loop().execute(this::ended);
            }
        });
        session.onControl(this::onControl);
        ctx.listener().pathChanged(session, session.activePath());
        if (route.clientRole()) {
            resumeToken = new byte[TOKEN_LENGTH];
            RANDOM.nextBytes(resumeToken);
            sendToken(1);
        }
        restartPunch();
    }

    // ---- lifecycle ----------------------------------------------------------------------------

    /** The one way a session ends from this side: {@code reason} reaches the listener once it has closed. */
    void close(String reason) {
        if (closeReason == null && !ended) {
            closeReason = reason;
        }
        session.close();
    }

    /** QUIC's connection closed (from either side, for any reason): everything of the session goes. */
    private void ended() {
        if (ended) {
            return;
        }
        ended = true;
        stopPunch();
        if (deferredStart != null) {
            deferredStart.cancel(false);
        }
        waitingForCircuit = false;
        all.removed(this);
        ctx.mux().remove(route);
        if (!route.relayGone()) {
            ctx.link().closeCircuit(route.circuit());
        }
        ctx.listener().sessionClosed(session, closeReason == null ? "ended" : closeReason);
    }

    /**
     * The route's circuit is gone. A direct session goes on without it; a resumable relayed one
     * waits for a new circuit (the caller asks for one) if the circuit was lost rather than closed
     * on purpose ({@code mayResume}); any other ends now.
     */
    void circuitLost(String reason, boolean mayResume) {
        ctx.mux().detach(route);
        if (!route.kind().relayed() || mayResume && resumable) {
            if (route.kind().relayed()) {
                resume();
            }
            return;
        }
        close(reason);
    }

    /** Tells the session and the listener which path it is on now. */
    void announce() {
        PathInfo p = new PathInfo(route.kind(), ctx.mux().remoteOf(route), session.elapsedMillis(),
                route.kind() == dev.junction.client.PathKind.DIRECT_UDP && puncher != null && puncher.directMapped());
        session.pathChanged(p);
        ctx.listener().pathChanged(session, p);
    }

    /** The relayed path changed kind (the UDP binding came or went): relayed sessions on {@code from} move to {@code to}. */
    void relayKindChanged(PathKind from, PathKind to) {
        if (route.kind() == from) {
            ctx.mux().switchTo(route, to);
            announce();
        }
    }

    // ---- session control datagrams -------------------------------------------------------------

    private void onControl(ByteBuf datagram) {
        SessionMessage m;
        try {
            m = SessionCodec.decode(datagram);
        } catch (WireFormatException e) {
            LOG.log(System.Logger.Level.DEBUG, "malformed session control datagram from {0}: {1}", route.peer(), e.getMessage());
            return;
        }
        if (m instanceof SessionMessage.Token || m instanceof SessionMessage.TokenAck) {
            onResumeControl(m);
        } else {
            onPunchControl(m);
        }
    }

    // ---- punching -------------------------------------------------------------------------------

    /**
     * Starts punching afresh (the QUIC client offers, the server answers), if punching is on. The
     * QUIC client's start takes a token from the session's and the peer's start budgets; without
     * one it waits until there is one.
     */
    void restartPunch() {
        stopPunch();
        if (!ctx.options().punch()) {
            return;
        }
        if (route.clientRole()) {
            if (deferredStart != null) {
                return; // a start is already waiting for the budget
            }
            long wait = startWait();
            if (wait > 0) {
                deferredStart = ctx.loop().schedule(() -> {
                    deferredStart = null;
                    if (live()) {
                        restartPunch();
                    }
                }, wait, TimeUnit.NANOSECONDS);
                return;
            }
            takeStart();
        }
        HostFacts facts = ctx.facts();
        List<InetSocketAddress> mine = facts.udpCandidates(ctx.socket().localAddress());
        List<InetSocketAddress> mineTcp = facts.tcpCandidates(ctx.tcpLocal());
        List<AddressAttestation> attested = facts.statements();
        boolean selfOnLoopback = attested.stream().anyMatch(a -> a.address().getAddress().isLoopbackAddress());
        CandidatePolicy policy = CandidatePolicy.forHost(route.peer(), ctx.link().trustedRelays(), selfOnLoopback);
        PunchHost host = new PunchHost(ctx, this);
        puncher = new Puncher(ctx.loop(), host, route.clientRole(), mine, mineTcp, facts::hint, ctx.options().prediction(),
                facts::statements, policy, probeBudget, facts.portMapped() != null && mine.contains(facts.portMapped()) ? facts.portMapped() : null);
        host.puncher(puncher);
        puncher.start();
    }

    private void stopPunch() {
        if (puncher != null) {
            all.unkeyed(puncher);
            puncher.close();
            puncher = null;
        }
    }

    /** Nanoseconds until both start budgets (the session's and its peer's) hold a token; 0: now. */
    private long startWait() {
        return Math.max(starts.nanosUntilToken(), all.peerStarts(route.peer()).nanosUntilToken());
    }

    /** Takes a start from both budgets if both have one. */
    private boolean takeStart() {
        if (startWait() > 0) {
            return false;
        }
        starts.tryTake();
        all.peerStarts(route.peer()).tryTake();
        return true;
    }

    /** PROBEs naming {@code punchId} go to {@code p} from now on. */
    void keyed(long punchId, Puncher p) {
        all.keyed(punchId, p);
    }

    /**
     * Punches again: a direct session moves to its relayed path first (the path may be dead
     * already); a QUIC server with {@code askPeer} asks its client to start over too.
     */
    void repunch(boolean askPeer) {
        if (!live() || !ctx.options().punch()) {
            return;
        }
        if (!route.kind().relayed()) {
            ctx.mux().switchTo(route, ctx.relayKind());
            announce();
            if (route.relayGone() && resumable) {
                resume();
            }
        }
        restartPunch();
        if (askPeer && !route.clientRole()) {
            session.sendControl(SessionCodec.toBuffer(new SessionMessage.Repunch()));
        }
    }

    private void onPunchControl(SessionMessage m) {
        if (m instanceof SessionMessage.Repunch) {
            if (route.clientRole()) {
                repunch(false);
            }
            return;
        }
        Puncher p = puncher;
        if (m instanceof SessionMessage.Offer offer && p != null && !route.clientRole() && p.newKey(offer)) {
            // The peer starts punching afresh: that costs a start from this side's budgets too, so a
            // peer offering new keys without end cannot make this side probe without end. Without a
            // token the OFFER is ignored; the peer's own budget makes it wait as long.
            if (!takeStart()) {
                return;
            }
            if (p.staleFor(offer)) {
                repunch(false); // the client punches afresh (its network changed, or a path died)
                p = puncher;
            }
        }
        if (p != null) {
            p.onSessionDatagram(m);
        }
    }

    /** The direct path stopped answering: back to the relay (or a new circuit), and look for a direct path again. */
    void directLost() {
        if (route.relayGone() && !resumable) {
            close("the direct path stopped answering and the relay circuit is gone");
            return;
        }
        ctx.mux().switchTo(route, ctx.relayKind());
        announce();
        ctx.udp().rebind(); // what broke the direct path (a NAT that lost its mappings) may have broken ours to the relay
        if (route.relayGone()) {
            resume(); // no circuit either: get one
        }
        if (route.clientRole()) {
            // The peer may have moved (new address, new mapping): look for a direct path again.
            ctx.loop().schedule(() -> repunch(false), REPUNCH_AFTER_MS, TimeUnit.MILLISECONDS);
        }
    }

    // ---- resuming on a new circuit (PROTOCOL.md 6.6) ----------------------------------------------

    private void sendToken(int n) {
        if (resumable || n > TOKEN_TRIES || !live()) {
            return;
        }
        session.sendControl(SessionCodec.toBuffer(new SessionMessage.Token(Bytes.of(resumeToken))));
        ctx.loop().schedule(() -> sendToken(n + 1), TOKEN_RETRY_MS, TimeUnit.MILLISECONDS);
    }

    private void onResumeControl(SessionMessage m) {
        if (m instanceof SessionMessage.Token t && !route.clientRole()) {
            byte[] token = t.token().toArray();
            all.tokenChanged(this, resumeToken, token);
            resumeToken = token;
            resumable = true;
            session.sendControl(SessionCodec.toBuffer(new SessionMessage.TokenAck(t.token())));
        } else if (m instanceof SessionMessage.TokenAck ack && route.clientRole() && Arrays.equals(ack.token().toArray(), resumeToken)) {
            resumable = true;
        }
    }

    /** The circuit is lost: the caller asks for a new one (capped jittered backoff); the callee waits for the caller's RESUME. */
    private void resume() {
        if (route.clientRole() && !waitingForCircuit) {
            waitingForCircuit = true;
            retryCircuit(RETRY_MIN_MS);
        }
    }

    /** Logged in (again): a session waiting for a circuit tries now rather than at its next backoff. */
    void loggedIn() {
        if (waitingForCircuit) {
            if (asking) {
                askAgainAtOnce = true; // the CONNECT under way went to the old login: if it fails, ask again at once
            } else {
                askForCircuit(RETRY_MIN_MS);
            }
        }
    }

    private void retryCircuit(long delay) {
        long jittered = (long) (delay * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        ctx.loop().schedule(() -> askForCircuit(delay), jittered, TimeUnit.MILLISECONDS);
    }

    private void askForCircuit(long delay) {
        if (!route.relayGone() || !live()) {
            waitingForCircuit = false;
            return; // resumed already, or the session ended
        }
        if (asking) {
            return; // one CONNECT at a time: its end schedules the next try
        }
        asking = true;
        ctx.link().connect(route.peer()).whenComplete((open, e) -> ctx.loop().execute(() -> {
            asking = false;
            if (e != null) {
                if (askAgainAtOnce) {
                    askAgainAtOnce = false;
                    askForCircuit(RETRY_MIN_MS);
                } else {
                    retryCircuit(Math.min(RETRY_MAX_MS, delay * 2));
                }
                return;
            }
            askAgainAtOnce = false;
            if (!route.relayGone() || !live()) {
                ctx.link().closeCircuit(open.circuit()); // another attempt won, or the session ended
                return;
            }
            waitingForCircuit = false;
            reattach(open.circuit());
            sendResume(open.circuit(), 1);
        }));
    }

    private void sendResume(int circuit, int n) {
        if (route.circuit() != circuit || route.relayGone() || n > RESUME_SENDS) {
            return;
        }
        ctx.mux().sendRelayed(route, SessionCodec.toBuffer(new SessionMessage.Resume(Bytes.of(resumeToken))));
        ctx.loop().schedule(() -> sendResume(circuit, n + 1), RESUME_SPACING_MS, TimeUnit.MILLISECONDS);
    }

    /** The callee: the caller's RESUME came on {@code circuit}; the session rides on it from now on. */
    void resumedOn(int circuit) {
        if (!route.relayGone()) {
            ctx.link().closeCircuit(route.circuit()); // the caller lost it first; the relay has not said so yet
        }
        reattach(circuit);
    }

    /**
     * The session rides on {@code circuit} from now on. A relayed session punches afresh; a direct
     * one keeps its path and its puncher, whose keepalives tell whether it still works.
     */
    private void reattach(int circuit) {
        ctx.mux().reattach(route, circuit);
        if (route.kind().relayed()) {
            ctx.mux().switchTo(route, ctx.relayKind());
            restartPunch();
        }
        announce();
        session.nudge();
        ctx.loop().schedule(session::nudge, 50, TimeUnit.MILLISECONDS);
    }
}
