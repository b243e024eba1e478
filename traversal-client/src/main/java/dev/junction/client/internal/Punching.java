package dev.junction.client.internal;

import dev.junction.client.PunchLimits;
import dev.junction.client.internal.path.Route;
import dev.junction.client.internal.punch.CandidatePolicy;
import dev.junction.client.internal.punch.Candidates;
import dev.junction.client.internal.punch.Puncher;
import dev.junction.client.internal.punch.TokenBucket;
import dev.junction.client.internal.session.SessionImpl;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.identity.PeerId;
import dev.junction.wire.session.NatHint;
import dev.junction.wire.session.SessionCodec;
import dev.junction.wire.session.SessionMessage;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The client's punchers, one per session: starting, restarting and stopping them, and handing
 * them what arrives (session control datagrams by route, PROBEs by punch ID). Also keeps what
 * they offer about this host: its mapping behaviour, its public IP for TCP and the relay's signed
 * statements of its addresses; and the limits on how often a peer can make it punch
 * ({@link PunchLimits}). I/O thread only.
 */
final class Punching {
    /** Peers whose start budget is remembered, at most (the least recently used is forgotten). */
    static final int PEERS_MAX = 1024;

    private final ClientCore core;
    /** Each session's puncher, by route (a route keeps its identity when its circuit changes). */
    private final Map<Route, Puncher> byRoute = new HashMap<>();
    /** The same punchers by the punch ID their PROBEs carry. */
    private final Map<Long, Puncher> byId = new HashMap<>();
    /** Each session's probe budget and start budget, for as long as the session lives. */
    private final Map<Route, TokenBucket> probeBudgets = new HashMap<>();
    private final Map<Route, TokenBucket> sessionStarts = new HashMap<>();
    /** Start budgets per peer, across its sessions. */
    private final Map<PeerId, TokenBucket> peerStarts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerId, TokenBucket> eldest) {
            return size() > PEERS_MAX;
        }
    };
    /** Starts of the QUIC client's side waiting for the start budget, by route. */
    private final Map<Route, ScheduledFuture<?>> deferred = new HashMap<>();
    /** The session socket's mapping behaviour, measured after each UDP bind (for port prediction). */
    private volatile NatHint hint = NatHint.UNKNOWN;
    /** The control connection's source address as the relay saw it (LOGIN_OK): this host's public IP for TCP. */
    private InetSocketAddress tcpObserved;
    /** The relay's signed statements of this client's TCP and UDP addresses (sent to peers). */
    private AddressAttestation tcpStatement;
    private AddressAttestation udpStatement;

    Punching(ClientCore core) {
        this.core = core;
    }

    void hint(NatHint h) {
        this.hint = h;
    }

    void tcpObserved(InetSocketAddress a, AddressAttestation statement) {
        this.tcpObserved = a;
        this.tcpStatement = statement;
    }

    /** The relay's statement of the bound UDP address (null: UDP is not bound). */
    void udpAttested(AddressAttestation statement) {
        this.udpStatement = statement;
    }

    private List<AddressAttestation> statements() {
        List<AddressAttestation> out = new ArrayList<>(2);
        if (udpStatement != null) {
            out.add(udpStatement);
        }
        if (tcpStatement != null) {
            out.add(tcpStatement);
        }
        return out;
    }

    Puncher byId(long punchId) {
        return byId.get(punchId);
    }

    /** A puncher learnt (or chose) its key: PROBEs naming {@code punchId} go to it. */
    void keyed(long punchId, Puncher p) {
        byId.values().remove(p);
        byId.put(punchId, p);
    }

    /**
     * Starts punching for {@code r} afresh (the QUIC client offers, the server answers), if
     * punching is on. The QUIC client's start takes a token from the session's and the peer's
     * start budgets; without one it waits until there is one.
     */
    void restart(SessionImpl s, Route r) {
        stop(r);
        if (!core.options().punch()) {
            return;
        }
        if (r.clientRole()) {
            if (deferred.containsKey(r)) {
                return; // a start is already waiting for the budget
            }
            long wait = startWait(r);
            if (wait > 0) {
                deferred.put(r, core.loop().schedule(() -> {
                    deferred.remove(r);
                    if (core.sessionOf(r) == s) {
                        restart(s, r);
                    }
                }, wait, TimeUnit.NANOSECONDS));
                return;
            }
            takeStart(r);
        }
        InetSocketAddress local = core.socket().localAddress();
        List<InetSocketAddress> mine = Candidates.gather(local, core.udpMapped());
        List<InetSocketAddress> mineTcp = Candidates.gather(core.tcpLocal(),
                tcpObserved == null ? null : new InetSocketAddress(tcpObserved.getAddress(), core.tcpLocal().getPort()));
        List<AddressAttestation> mineAttested = statements();
        boolean selfOnLoopback = mineAttested.stream().anyMatch(a -> a.address().getAddress().isLoopbackAddress());
        CandidatePolicy policy = CandidatePolicy.forHost(r.peer(), core.link().trustedRelays(), selfOnLoopback);
        PunchLimits limits = core.options().punchLimits();
        TokenBucket budget = probeBudgets.computeIfAbsent(r, k -> new TokenBucket(limits.probes(),
                TimeUnit.SECONDS.toNanos(1) / limits.probesPerSecond(), System::nanoTime));
        PunchHost host = new PunchHost(core, s, r);
        Puncher p = new Puncher(core.loop(), host, r.clientRole(), mine, mineTcp, () -> hint, core.options().prediction(),
                this::statements, policy, budget);
        host.puncher(p);
        byRoute.put(r, p);
        p.start();
    }

    /** Nanoseconds until both of {@code r}'s start budgets (its session's and its peer's) hold a token; 0: now. */
    private long startWait(Route r) {
        return Math.max(sessionStarts(r).nanosUntilToken(), peerStarts(r.peer()).nanosUntilToken());
    }

    /** Takes a start from both budgets if both have one. */
    private boolean takeStart(Route r) {
        if (startWait(r) > 0) {
            return false;
        }
        sessionStarts(r).tryTake();
        peerStarts(r.peer()).tryTake();
        return true;
    }

    private TokenBucket sessionStarts(Route r) {
        PunchLimits l = core.options().punchLimits();
        return sessionStarts.computeIfAbsent(r, k -> new TokenBucket(l.startsPerSession(), l.startInterval().toNanos(), System::nanoTime));
    }

    private TokenBucket peerStarts(PeerId peer) {
        PunchLimits l = core.options().punchLimits();
        return peerStarts.computeIfAbsent(peer, k -> new TokenBucket(l.startsPerPeer(), l.startInterval().toNanos(), System::nanoTime));
    }

    void stop(Route r) {
        Puncher p = byRoute.remove(r);
        if (p != null) {
            byId.values().remove(p);
            p.close();
        }
    }

    /** {@code r}'s session ended: its puncher and budgets go (the peer's start budget stays). */
    void closed(Route r) {
        stop(r);
        ScheduledFuture<?> d = deferred.remove(r);
        if (d != null) {
            d.cancel(false);
        }
        probeBudgets.remove(r);
        sessionStarts.remove(r);
    }

    /**
     * Punches again for {@code r}: a direct session moves to its relayed path first (the path may
     * be dead already); a QUIC server with {@code askPeer} asks its client to start over too.
     */
    void repunch(Route r, boolean askPeer) {
        SessionImpl s = core.sessionOf(r);
        if (s == null || !core.options().punch()) {
            return;
        }
        if (!r.kind().relayed()) {
            core.mux().switchTo(r, core.relayKind());
            core.announce(s, r);
            if (r.relayGone() && r.resumable()) {
                core.resumer().resume(s, r);
            }
        }
        restart(s, r);
        if (askPeer && !r.clientRole()) {
            s.sendControl(SessionCodec.toBuffer(new SessionMessage.Repunch()));
        }
    }

    /** A punching datagram of {@code r}'s session. */
    void onControl(Route r, SessionMessage m) {
        if (m instanceof SessionMessage.Repunch) {
            if (r.clientRole()) {
                repunch(r, false);
            }
            return;
        }
        Puncher p = byRoute.get(r);
        if (m instanceof SessionMessage.Offer offer && p != null && !r.clientRole() && p.newKey(offer)) {
            // The peer starts punching afresh: that costs a start from this side's budgets too, so a
            // peer offering new keys without end cannot make this side probe without end. Without a
            // token the OFFER is ignored; the peer's own budget makes it wait as long.
            if (!takeStart(r)) {
                return;
            }
            if (p.staleFor(offer)) {
                repunch(r, false); // the client punches afresh (its network changed, or a path died)
                p = byRoute.get(r);
            }
        }
        if (p != null) {
            p.onSessionDatagram(m);
        }
    }
}
