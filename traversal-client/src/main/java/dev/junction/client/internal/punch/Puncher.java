package dev.junction.client.internal.punch;

import dev.junction.client.PortPrediction;
import dev.junction.client.internal.net.TcpPath;
import dev.junction.client.internal.net.UdpPort;
import dev.junction.wire.Bytes;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.session.NatHint;
import dev.junction.wire.session.PunchBody;
import dev.junction.wire.session.SessionMessage;
import dev.junction.wire.udp.UdpFrame;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * UDP hole punching for one session (PROTOCOL.md section 6.5), on the I/O thread. The QUIC
 * client offers a fresh punch key and its candidates inside the encrypted session and times the
 * server's answer (the round trip); it then sends SYNC and starts probing half a round trip later,
 * when SYNC reaches the server, which starts at once: both first probes leave together, as in
 * libp2p's DCUtR, so each NAT has opened its way out before the other side's probe arrives. Both
 * send authenticated PROBEs to every candidate of the other every {@value #PROBE_INTERVAL_MS} ms;
 * the first PROBE_ACK proves a direct path, and the session moves onto it. An attempt that finds
 * none within {@value #PROBE_ROUNDS} rounds is retried with a fresh round trip, {@value #ATTEMPTS}
 * attempts in all. PROBEs keep going on the direct path as keepalives; {@value #MISSES} unanswered
 * ones in a row send the session back to the relay.
 *
 * <p>What a peer offers is judged by a {@link CandidatePolicy}: plain probes go only to candidates
 * the rules allow, and port prediction and TCP connects only to an address the relay attested
 * for the peer (or one on this LAN). Every probe sent while looking draws on the session's probe
 * budget. Each probe carries a fresh nonce; a PROBE_ACK counts only when it echoes the nonce of a
 * probe this side sent to exactly the address and from exactly the socket the ACK arrives on, so
 * a probe or ACK replayed from another address proves nothing and cannot move a path; a PROBE
 * whose nonce was already seen is a replay and is dropped.
 *
 * <p>When one side's NAT maps every destination to a new port and the other's does not (their
 * {@link NatHint}s say so), plain probing cannot meet; from round {@value #PREDICT_AFTER_ROUNDS}
 * on the hard side opens extra sockets toward the easy side while the easy side probes predicted
 * ports of the hard side's address ({@link PortPrediction}). A probe arriving on any socket is
 * answered from that socket and probed back at once (a triggered check, as in ICE), so one
 * meeting is enough for both sides.
 */
public final class Puncher {
    /** What a puncher asks of its client. */
    public interface Host {
        /** The session socket. */
        UdpPort main();

        /** Sends a Junction UDP frame from {@code via}. */
        void send(UdpFrame frame, InetSocketAddress to, UdpPort via);

        /** Sends a control datagram inside the session. */
        void sendInSession(SessionMessage message);

        /** {@code peer} proved it holds the punch key: QUIC packets from it belong to this session. */
        void authorize(InetSocketAddress peer);

        /** A direct path to {@code peer} from {@code via} works: move the session onto it. */
        void direct(InetSocketAddress peer, UdpPort via);

        /** The session's direct path now goes to {@code peer} from {@code via} (the peer chose another pair). */
        void moveDirect(InetSocketAddress peer, UdpPort via);

        /** The direct path stopped answering: move the session back to the relay. */
        void lost();

        /** Punching ended without a direct path. */
        void failed();

        /** Opens up to {@code n} extra sockets; each bound one is handed to {@code ready} on the I/O thread. */
        void openExtraSockets(int n, Consumer<UdpPort> ready);

        /** Closes the extra sockets, all but {@code keep} (null: all). */
        void closeExtraSockets(UdpPort keep);

        /**
         * Starts TCP simultaneous open from the session's TCP port to {@code targets}, retrying
         * for a bounded time; each connection first sends {@code hello}, and a PROBE arriving on
         * it goes to {@link #onTcpProbe}.
         */
        void connectTcp(List<InetSocketAddress> targets, java.util.function.Supplier<UdpFrame> hello);

        /** Moves the session onto the (authenticated) TCP path. */
        void directTcp(TcpPath path);

        /** Closes every TCP path and stops connecting. */
        void closeTcp();

        /** PROBEs for {@code punchId} belong to this puncher from now on. */
        void keyed(long punchId);
    }

    /** Punch attempts per session. */
    static final int ATTEMPTS = 3;
    static final int KEY_LENGTH = SessionMessage.Offer.KEY_LENGTH;
    static final long PROBE_INTERVAL_MS = 100;
    /** Probe rounds per attempt: 3 s of probing. */
    static final int PROBE_ROUNDS = 30;
    static final long OFFER_RETRY_MS = 500;
    static final int OFFER_TRIES = 6;
    static final long KEEPALIVE_MS = 1000;
    static final int MISSES = 3;
    /** Peer-reflexive candidates learnt from probes, at most. */
    static final int PEER_REFLEXIVE_MAX = 4;
    /** Plain probing gets this many rounds to succeed before port prediction starts. */
    static final int PREDICT_AFTER_ROUNDS = 3;
    /** TCP simultaneous open aims at this many of the peer's TCP candidates (its public one first). */
    static final int TCP_TARGETS = 2;
    /**
     * How long an IPv4 pair that answered first waits for an IPv6 pair to answer too, when both sides
     * offered IPv6: the resolution delay of Happy Eyeballs (RFC 8305 section 3). An IPv6 path at least
     * as good answers within it.
     */
    static final long PREFER_IPV6_MS = 50;
    enum State { IDLE, OFFERED, ANSWERED, PROBING, DIRECT, DIRECT_TCP, DONE }

    private final EventLoop loop;
    private final Host host;
    private final boolean client;
    /** The punch ID: the first 8 bytes of the punch key (PROBEs name it; stable while circuits change). */
    private long session;
    private final List<InetSocketAddress> mine;
    private final List<InetSocketAddress> mineTcp;
    private List<InetSocketAddress> theirsTcp = List.of();
    /** An authenticated TCP path, standing by or carrying the session (state DIRECT_TCP). */
    private TcpPath tcp;
    private boolean tcpStarted;
    /** An attempt ended without a UDP path: a TCP path is taken as soon as there is one. */
    private boolean udpFailed;
    private final java.util.function.Supplier<NatHint> myHint;
    private final java.util.function.Supplier<List<AddressAttestation>> myStatements;
    /** This side's gateway port mapping (offered as a candidate, marked as mapped), or null. */
    private final InetSocketAddress myMapped;
    /** The peer's candidates it marked as its gateway's port mappings. */
    private Set<InetSocketAddress> theirMapped = Set.of();
    /** The direct path runs through a gateway port mapping, this side's or the peer's. */
    private boolean directMapped;
    private final CandidatePolicy policy;
    /** What the relay attested of the peer, from its OFFER or ANSWER. */
    private CandidatePolicy.Attested attested = CandidatePolicy.Attested.NONE;
    /** The session's probe budget (shared by every puncher of the session). */
    private final TokenBucket budget;
    private final SecureRandom random = new SecureRandom();
    private final Prediction prediction;
    private final ProbeNonces nonces = new ProbeNonces(random);

    /** (address, socket) pairs already probed back this attempt. */
    private final Set<List<Object>> triggered = new HashSet<>();
    private NatHint theirHint = NatHint.UNKNOWN;
    private UdpPort directVia;
    private State state = State.IDLE;
    private byte[] key;
    private List<InetSocketAddress> theirs = List.of();
    private InetSocketAddress direct;
    private int round;
    private int missed;
    private int attempt;
    private int probesSent;
    private int probesRefused;
    private long offeredNanos;
    private ScheduledFuture<?> timer;
    /** An IPv4 pair answered; IPv6 has until this fires to answer too (null: not waiting). */
    private ScheduledFuture<?> preferIpv6;

    /**
     * A puncher for one session. {@code mine} and {@code mineTcp} are this side's candidates,
     * {@code myStatements} the relay's statements of this side's addresses (sent to the peer),
     * {@code policy} judges the peer's, and {@code budget} bounds the probes sent while looking.
     */
    public Puncher(EventLoop loop, Host host, boolean client, List<InetSocketAddress> mine,
                   List<InetSocketAddress> mineTcp, java.util.function.Supplier<NatHint> myHint, PortPrediction prediction,
                   java.util.function.Supplier<List<AddressAttestation>> myStatements, CandidatePolicy policy, TokenBucket budget) {
        this(loop, host, client, mine, mineTcp, myHint, prediction, myStatements, policy, budget, null);
    }

    /** As above; {@code myMapped} (null: none) is the gateway's mapping of this side's port, marked as such in what is offered. */
    public Puncher(EventLoop loop, Host host, boolean client, List<InetSocketAddress> mine,
                   List<InetSocketAddress> mineTcp, java.util.function.Supplier<NatHint> myHint, PortPrediction prediction,
                   java.util.function.Supplier<List<AddressAttestation>> myStatements, CandidatePolicy policy, TokenBucket budget,
                   InetSocketAddress myMapped) {
        this.myMapped = myMapped;
        this.loop = loop;
        this.host = host;
        this.client = client;
        this.mine = List.copyOf(mine);
        this.mineTcp = List.copyOf(mineTcp);
        this.myHint = myHint;
        this.myStatements = myStatements;
        this.policy = policy;
        this.budget = budget;
        this.prediction = new Prediction(host, prediction, (to, via) -> probe(to, via, true), random);
    }

    /**
     * Sends a PROBE with a fresh nonce to {@code to} from {@code via} and remembers it for its
     * ACK; {@code looking} probes draw on the budget and are counted (direct-path keepalives are not).
     */
    private void probe(InetSocketAddress to, UdpPort via, boolean looking) {
        if (looking && !budget.tryTake()) {
            probesRefused++;
            return;
        }
        host.send(UdpFrame.Probe.signed(key, session, txid(round), nonces.sending(to, via)), to, via);
        if (looking) {
            probesSent++;
        }
    }

    /** Takes in the peer's OFFER or ANSWER, keeping only the candidates the rules allow. */
    private void learn(PunchBody m) {
        attested = policy.verify(m.statements(), Instant.now());
        theirs = m.candidates().stream().filter(a -> policy.probeable(a, attested)).toList();
        theirHint = m.hint();
        theirsTcp = m.tcp().stream().filter(a -> policy.aimable(a, attested)).toList();
        theirMapped = Set.copyOf(m.candidates().stream().filter(m::isMapped).toList());
    }


    /** The first of the peer's candidates that port prediction may aim at, or null. */
    private InetSocketAddress aimTarget() {
        for (InetSocketAddress a : theirs) {
            if (policy.aimable(a, attested)) {
                return a;
            }
        }
        return null;
    }

    /** The QUIC client starts: offer a key and candidates, again until answered. */
    public void start() {
        if (!client || state != State.IDLE) {
            return;
        }
        key = new byte[KEY_LENGTH];
        random.nextBytes(key);
        keyed();
        nextAttempt();
    }

    private void nextAttempt() {
        if (attempt++ >= ATTEMPTS) {
            finish();
            host.failed();
            return;
        }
        state = State.OFFERED;
        offer(1);
    }

    private void offer(int n) {
        if (state != State.OFFERED) {
            return;
        }
        if (n > OFFER_TRIES) {
            finish();
            host.failed();
            return;
        }
        offeredNanos = System.nanoTime();
        host.sendInSession(SessionMessage.Offer.fitting(Bytes.of(key), mine, myHint.get(), mineTcp, myStatements.get(), myMapped));
        timer = loop.schedule(() -> offer(n + 1), OFFER_RETRY_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * True when {@code offer} carries a new key while this server-side puncher is past answering:
     * the client started punching afresh, so must this side.
     */
    public boolean staleFor(SessionMessage.Offer offer) {
        if (client || key == null || state == State.IDLE || state == State.ANSWERED) {
            return false;
        }
        return !java.util.Arrays.equals(offer.key().toArray(), key);
    }

    /** A punching datagram of this session arrived: OFFER, ANSWER or SYNC (anything else is ignored). */
    public void onSessionDatagram(SessionMessage message) {
        if (message instanceof SessionMessage.Offer offer && !client) {
            byte[] k = offer.key().toArray();
            PunchBody m = offer.body();
            if (state == State.IDLE || state == State.ANSWERED) {
                boolean fresh = key == null || !java.util.Arrays.equals(key, k);
                key = k;
                if (fresh) {
                    keyed();
                }
                learn(m);
                state = State.ANSWERED;
            }
            // Answer every offer: an earlier answer may have been lost, or this is a new attempt.
            host.sendInSession(SessionMessage.Answer.fitting(mine, myHint.get(), mineTcp, myStatements.get(), myMapped));
        } else if (message instanceof SessionMessage.Sync && !client && state == State.ANSWERED) {
            startProbing();
        } else if (message instanceof SessionMessage.Answer answer && client && state == State.OFFERED) {
            learn(answer.body());
            cancelTimer();
            long rtt = System.nanoTime() - offeredNanos;
            host.sendInSession(new SessionMessage.Sync());
            state = State.ANSWERED;
            timer = loop.schedule(this::startProbing, rtt / 2, TimeUnit.NANOSECONDS);
        }
    }

    private void keyed() {
        session = java.nio.ByteBuffer.wrap(key).getLong();
        host.keyed(session);
    }

    /** The punch ID PROBEs carry (0 before the key is known). */
    public long punchId() {
        return session;
    }

    private void startProbing() {
        cancelTimer();
        if (preferIpv6 != null) {
            preferIpv6.cancel(false);
            preferIpv6 = null;
        }
        state = State.PROBING;
        round = 0;
        prediction.newAttempt();
        triggered.clear();
        startTcp();
        timer = loop.scheduleAtFixedRate(this::probeRound, 0, PROBE_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** Transaction IDs: even from the QUIC client, odd from the server, so nobody acknowledges its own probes. */
    private long txid(long n) {
        return (n << 1) | (client ? 0 : 1);
    }

    private boolean fromPeer(long txid) {
        return (txid & 1) == (client ? 1 : 0);
    }

    private void probeRound() {
        if (state != State.PROBING) {
            return;
        }
        if (round++ >= PROBE_ROUNDS) {
            cancelTimer();
            udpFailed = true;
            if (tcp != null) {
                switchToTcp();
                return;
            }
            if (client) {
                nextAttempt();
            } else {
                state = State.ANSWERED; // the client decides whether another attempt follows
            }
            return;
        }
        nonces.prune();
        for (InetSocketAddress to : theirs) {
            probe(to, host.main(), true);
        }
        InetSocketAddress target = round > PREDICT_AFTER_ROUNDS ? aimTarget() : null;
        if (target != null) {
            // Only toward an address the relay attested for the peer (or one on this LAN): a peer
            // cannot aim a thousand probes at someone else.
            if (hardSide()) {
                prediction.hardRound(round - PREDICT_AFTER_ROUNDS - 1, target,
                        () -> state != State.DONE && state != State.DIRECT && state != State.DIRECT_TCP);
            } else if (easySide()) {
                prediction.easyRound(target, theirHint.step(), PROBE_INTERVAL_MS);
            }
        }
    }

    /** Once per session, with the first probing: TCP simultaneous open toward the peer's TCP candidates. */
    private void startTcp() {
        if (tcpStarted || theirsTcp.isEmpty() || mineTcp.isEmpty()) {
            return;
        }
        tcpStarted = true;
        host.connectTcp(theirsTcp.subList(0, Math.min(TCP_TARGETS, theirsTcp.size())),
                () -> UdpFrame.Probe.signed(key, session, txid(0), random.nextLong()));
    }

    /**
     * A PROBE arrived as the first datagram on a TCP connection; true if it proves the peer (the
     * connection is kept, and carries the session at once when UDP cannot or did not work).
     */
    public boolean onTcpProbe(UdpFrame.Probe probe, TcpPath path) {
        if (key == null || !fromPeer(probe.txid()) || !probe.verify(key) || tcp != null
                || state == State.DIRECT || state == State.DONE || !nonces.fresh(probe.nonce())) {
            return false;
        }
        tcp = path;
        if (udpFailed || myHint.get().mapping() == NatHint.Mapping.BLOCKED || theirHint.mapping() == NatHint.Mapping.BLOCKED) {
            switchToTcp();
        }
        return true;
    }

    private void switchToTcp() {
        cancelTimer();
        state = State.DIRECT_TCP;
        prediction.close(null);
        host.directTcp(tcp);
    }

    /** A TCP path closed (the peer went, or a reset): back to the relay if it carried the session. */
    public void onTcpClosed(TcpPath path) {
        if (path != tcp) {
            return;
        }
        tcp = null;
        if (state == State.DIRECT_TCP) {
            host.lost();
            finish();
        }
    }

    /** This side's NAT maps per destination and the peer's does not: this side opens the extra sockets. */
    boolean hardSide() {
        return prediction.enabled() && myHint.get().mapping() == NatHint.Mapping.DEPENDENT
                && theirHint.mapping() == NatHint.Mapping.INDEPENDENT;
    }

    /** The peer's NAT maps per destination and this side's does not: this side probes predicted ports. */
    boolean easySide() {
        return prediction.enabled() && theirHint.mapping() == NatHint.Mapping.DEPENDENT
                && myHint.get().mapping() == NatHint.Mapping.INDEPENDENT;
    }

    /** A PROBE for this session arrived from {@code from} on {@code via}. */
    public void onProbe(UdpFrame.Probe probe, InetSocketAddress from, UdpPort via) {
        if (key == null || !fromPeer(probe.txid()) || !probe.verify(key) || !nonces.fresh(probe.nonce())) {
            return; // not the peer's, or a replay of a probe already seen
        }
        host.authorize(from); // inbound only: QUIC packets from `from` reach the session, whose crypto checks them
        host.send(UdpFrame.ProbeAck.signed(key, session, probe.txid(), probe.nonce(), from), from, via);
        if (state == State.ANSWERED && !client) {
            startProbing(); // the SYNC was lost or overtaken: the peer's probes are the go
        }
        if (state == State.DIRECT && missed > 0 && !(from.equals(direct) && via == directVia)
                && triggered.add(List.of(from, via))) {
            // Keepalives now come from another pair than ours, and ours went unanswered: with port
            // prediction several pairs can work at once, and the peer may have kept another one.
            // Check that pair with our own probe; the session moves only when its ACK comes back
            // (onProbeAck), never on a PROBE alone, which anyone could have replayed.
            probe(from, via, false);
        }
        if (state == State.PROBING && triggered.add(List.of(from, via))) {
            // Triggered check: the way in from `from` is open now, so probe it back from the same
            // socket at once rather than at the next round (the only way back to a predicted port).
            probe(from, via, true);
        }
        if (state == State.PROBING && via == host.main() && !theirs.contains(from)
                && theirs.size() < Candidates.MAX + PEER_REFLEXIVE_MAX && policy.probeable(from, attested)) {
            // A peer-reflexive candidate (as in ICE): the peer's NAT gave this probe a mapping the
            // peer could not know (endpoint-dependent mapping); probing it back opens our way in.
            List<InetSocketAddress> more = new ArrayList<>(theirs);
            more.add(from);
            theirs = List.copyOf(more);
        }
    }

    /** A PROBE_ACK for this session arrived from {@code from} on {@code via}. */
    public void onProbeAck(UdpFrame.ProbeAck ack, InetSocketAddress from, UdpPort via) {
        if (key == null || fromPeer(ack.txid()) || !ack.verify(key)) {
            return;
        }
        if (!nonces.answered(ack.nonce(), from, via)) {
            return; // no probe of ours went to this pair with that nonce: replayed, or too late
        }
        if (state == State.PROBING && !(from.getAddress() instanceof Inet6Address) && ipv6Possible()) {
            // An IPv4 pair answered first, but both sides have IPv6: give IPv6 a moment to answer too
            // (Happy Eyeballs' preference, RFC 8305), and take IPv4 only if it does not.
            if (preferIpv6 == null) {
                UdpFrame.ProbeAck first = ack;
                preferIpv6 = loop.schedule(() -> {
                    if (state == State.PROBING) {
                        goDirect(first, from, via);
                    }
                }, PREFER_IPV6_MS, TimeUnit.MILLISECONDS);
            }
        } else if (state == State.PROBING) {
            goDirect(ack, from, via);
        } else if (state == State.DIRECT && from.equals(direct) && via == directVia) {
            missed = 0;
        } else if (state == State.DIRECT && missed > 0) {
            // Our pair stopped answering and this one answered our own probe: follow the peer's choice.
            direct = from;
            directVia = via;
            missed = 0;
            directMapped = theirMapped.contains(from) || myMapped != null && via == host.main() && myMapped.equals(ack.observed());
            host.moveDirect(from, via);
        }
    }

    /** Moves the session onto the pair {@code from} / {@code via}, whose PROBE_ACK {@code ack} proved it. */
    private void goDirect(UdpFrame.ProbeAck ack, InetSocketAddress from, UdpPort via) {
        cancelTimer();
        if (preferIpv6 != null) {
            preferIpv6.cancel(false);
            preferIpv6 = null;
        }
        state = State.DIRECT;
        direct = from;
        directVia = via;
        missed = 0;
        // Through a mapping: the peer's mapped candidate answered, or the peer saw this side's probe come from its mapping.
        directMapped = theirMapped.contains(from) || myMapped != null && via == host.main() && myMapped.equals(ack.observed());
        host.authorize(from);
        prediction.close(via == host.main() ? null : via);
        host.closeTcp(); // UDP won: a TCP path standing by is not needed
        tcp = null;
        host.direct(from, via);
        timer = loop.scheduleAtFixedRate(this::keepalive, KEEPALIVE_MS, KEEPALIVE_MS, TimeUnit.MILLISECONDS);
    }

    /** Both sides offered an IPv6 candidate this side may probe: an IPv6 pair may still answer. */
    private boolean ipv6Possible() {
        return mine.stream().anyMatch(a -> a.getAddress() instanceof Inet6Address && !a.getAddress().isLoopbackAddress())
                && theirs.stream().anyMatch(a -> a.getAddress() instanceof Inet6Address && !a.getAddress().isLoopbackAddress());
    }

    private void keepalive() {
        if (state != State.DIRECT) {
            return;
        }
        if (missed >= MISSES) {
            host.lost(); // before finish() closes the socket the direct path left from
            finish();
            return;
        }
        missed++;
        round++;
        nonces.prune();
        triggered.clear(); // another pair may be checked once per keepalive
        probe(direct, directVia, false);
    }

    /** True when the direct UDP path runs through a gateway port mapping (this side's or the peer's). */
    public boolean directMapped() {
        return directMapped && state == State.DIRECT;
    }

    public boolean isDirect() {
        return state == State.DIRECT || state == State.DIRECT_TCP;
    }

    /** PROBEs sent while looking for a direct path (keepalives on it not counted). */
    public int probesSent() {
        return probesSent;
    }

    /** PROBEs not sent because the session's probe budget was spent. */
    public int probesRefused() {
        return probesRefused;
    }

    /** True when {@code offer} carries a key other than this puncher's (a new start). */
    public boolean newKey(SessionMessage.Offer offer) {
        return key == null || !java.util.Arrays.equals(offer.key().toArray(), key);
    }

    private void finish() {
        state = State.DONE;
        cancelTimer();
        if (preferIpv6 != null) {
            preferIpv6.cancel(false);
        }
        prediction.close(null);
        host.closeTcp();
        tcp = null;
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** The session ended. */
    public void close() {
        finish();
    }
}
