package dev.junction.client.internal.punch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.client.PortPrediction;
import dev.junction.client.internal.net.TcpPath;
import dev.junction.client.internal.net.UdpPort;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import dev.junction.wire.session.Candidates;
import dev.junction.wire.session.NatHint;
import dev.junction.wire.session.SessionCodec;
import dev.junction.wire.session.SessionMessage;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoop;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A puncher (the QUIC server's side) against a scripted peer that does what an attacker could:
 * replay probes and ACKs from other addresses, name candidates it does not own, and offer port
 * prediction and TCP targets at someone else (issue #13, findings 2 and 10).
 */
class PuncherTest {
    static final Identity RELAY = Identity.generate();
    static final PeerId PEER = Identity.generate().peerId();
    static final InetSocketAddress PEER_AT = CandidatePolicyTest.at("203.0.113.7", 4000);
    static final InetSocketAddress ATTACKER = CandidatePolicyTest.at("198.51.100.66", 5000);
    static final InetSocketAddress UNRELATED = CandidatePolicyTest.at("198.51.100.99", 4000);

    final DefaultEventLoop loop = new DefaultEventLoop();
    final FakeHost host = new FakeHost();
    final byte[] key = new byte[32];
    final long punchId;

    PuncherTest() {
        new java.security.SecureRandom().nextBytes(key);
        punchId = ByteBuffer.wrap(key).getLong();
    }

    @AfterEach
    void stop() throws Exception {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    <T> T onLoop(Callable<T> c) throws Exception {
        return loop.submit(c).get(5, TimeUnit.SECONDS);
    }

    void onLoop(Runnable r) throws Exception {
        loop.submit(r).get(5, TimeUnit.SECONDS);
    }

    Puncher server(NatHint mine, TokenBucket budget) {
        CandidatePolicy policy = new CandidatePolicy(PEER, Set.of(RELAY.peerId()), List.of(), false);
        return new Puncher(loop, host, false, List.of(CandidatePolicyTest.at("203.0.113.20", 3000)), List.of(),
                () -> mine, PortPrediction.DEFAULTS, List::of, policy, budget);
    }

    static TokenBucket plenty() {
        return new TokenBucket(1 << 20, 1, System::nanoTime);
    }

    static AddressAttestation attest(InetSocketAddress a) {
        return AddressAttestation.sign(RELAY, PEER, AddressAttestation.Transport.UDP, a, Instant.now());
    }

    /** The peer's OFFER, as the session decodes it from these bytes. */
    SessionMessage.Offer offer(List<InetSocketAddress> cands, NatHint.Mapping mapping, List<InetSocketAddress> tcp,
                               List<AddressAttestation> statements) {
        ByteBuf b = Unpooled.buffer().writeByte(0x02).writeBytes(key); // OFFER | punch key
        Candidates.encode(cands, b);
        b.writeByte(mapping.ordinal()).writeShort(0);
        Candidates.encode(tcp, b);
        b.writeByte(statements.size());
        statements.forEach(s -> s.encode(b));
        return (SessionMessage.Offer) SessionCodec.decode(b);
    }

    /** Offers, then SYNC: the puncher probes from now on. */
    void startProbing(Puncher p, SessionMessage.Offer offer) throws Exception {
        onLoop(() -> {
            p.onSessionDatagram(offer);
            p.onSessionDatagram(new SessionMessage.Sync());
        });
    }

    /** The first probe the puncher sent to {@code to}, waiting up to a second for it. */
    UdpFrame.Probe firstProbeTo(InetSocketAddress to) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < deadline) {
            for (FakeHost.Sent s : host.sent) {
                if (s.to().equals(to) && s.frame() instanceof UdpFrame.Probe probe) {
                    return probe;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no probe to " + to);
    }

    /** Waits until the puncher, direct to {@link #PEER_AT}, sent a keepalive PROBE there (left unanswered). */
    void awaitUnansweredKeepalive() throws Exception {
        long before = host.sentTo(PEER_AT, UdpFrame.Probe.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (host.sentTo(PEER_AT, UdpFrame.Probe.class) == before) {
            assertThat(System.nanoTime()).as("a keepalive within 5 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    /** The ACK the real peer would send for {@code probe} (it saw the probe come from 203.0.113.20:3000). */
    UdpFrame.ProbeAck ackFor(UdpFrame.Probe probe) {
        return UdpFrame.ProbeAck.signed(key, punchId, probe.txid(), probe.nonce(), CandidatePolicyTest.at("203.0.113.20", 3000));
    }

    @Test
    void aProbeAckReplayedFromAnotherAddressDoesNotMoveThePath() throws Exception {
        Puncher p = server(NatHint.UNKNOWN, plenty());
        startProbing(p, offer(List.of(PEER_AT), NatHint.Mapping.UNKNOWN, List.of(), List.of(attest(PEER_AT))));
        UdpFrame.ProbeAck ack = ackFor(firstProbeTo(PEER_AT));
        // An attacker who copied the peer's valid ACK sends it from its own address.
        onLoop(() -> p.onProbeAck(ack, ATTACKER, host.main));
        assertThat(host.directs).isEmpty();
        assertThat(onLoop(p::isDirect)).isFalse();
        // The real ACK from where the probe went proves the path; a second copy counts for nothing.
        onLoop(() -> p.onProbeAck(ack, PEER_AT, host.main));
        assertThat(host.directs).containsExactly(PEER_AT);
        onLoop(() -> p.onProbeAck(ack, ATTACKER, host.main));
        assertThat(host.directs).containsExactly(PEER_AT);
        onLoop(p::close);
    }

    @Test
    void aProbeReplayedFromAnotherAddressNeverMovesADirectPath() throws Exception {
        Puncher p = server(NatHint.UNKNOWN, plenty());
        startProbing(p, offer(List.of(PEER_AT), NatHint.Mapping.UNKNOWN, List.of(), List.of(attest(PEER_AT))));
        UdpFrame.ProbeAck ack = ackFor(firstProbeTo(PEER_AT));
        onLoop(() -> p.onProbeAck(ack, PEER_AT, host.main));
        assertThat(host.directs).containsExactly(PEER_AT);
        awaitUnansweredKeepalive(); // the path looks shaky
        // The peer's keepalive PROBE, copied by an attacker and sent from its own address.
        UdpFrame.Probe captured = UdpFrame.Probe.signed(key, punchId, 40L << 1, 12345L);
        onLoop(() -> p.onProbe(captured, ATTACKER, host.main));
        assertThat(host.moves).as("a PROBE alone moves nothing").isEmpty();
        assertThat(host.sentTo(ATTACKER, UdpFrame.Probe.class)).as("the pair is checked with our own probe").isEqualTo(1);
        // The check's ACK can only come from the key holder; a replay of the captured PROBE is dropped.
        onLoop(() -> p.onProbe(captured, ATTACKER, host.main));
        assertThat(host.sentTo(ATTACKER, UdpFrame.ProbeAck.class)).as("a replayed PROBE gets no second ACK").isEqualTo(1);
        assertThat(host.moves).isEmpty();
        onLoop(p::close);
    }

    @Test
    void aPairTheCheckConfirmsIsFollowed() throws Exception {
        Puncher p = server(NatHint.UNKNOWN, plenty());
        startProbing(p, offer(List.of(PEER_AT), NatHint.Mapping.UNKNOWN, List.of(), List.of(attest(PEER_AT))));
        UdpFrame.ProbeAck first = ackFor(firstProbeTo(PEER_AT));
        onLoop(() -> p.onProbeAck(first, PEER_AT, host.main));
        awaitUnansweredKeepalive();
        InetSocketAddress other = CandidatePolicyTest.at("203.0.113.7", 4777); // the peer kept another mapping
        onLoop(() -> p.onProbe(UdpFrame.Probe.signed(key, punchId, 41L << 1, 777L), other, host.main));
        UdpFrame.Probe check = firstProbeTo(other);
        onLoop(() -> p.onProbeAck(ackFor(check), other, host.main));
        assertThat(host.moves).containsExactly(other);
        onLoop(p::close);
    }

    @Test
    void candidatesOutsideTheRulesAreNeverProbed() throws Exception {
        Puncher p = server(NatHint.UNKNOWN, plenty());
        List<InetSocketAddress> named = List.of(CandidatePolicyTest.at("127.0.0.1", 6379), CandidatePolicyTest.at("224.0.0.251", 5353),
                CandidatePolicyTest.at("10.9.9.9", 22), CandidatePolicyTest.at("0.0.0.0", 80),
                CandidatePolicyTest.at("255.255.255.255", 9), PEER_AT);
        startProbing(p, offer(named, NatHint.Mapping.UNKNOWN, List.of(), List.of(attest(PEER_AT))));
        Thread.sleep(500);
        onLoop(p::close);
        assertThat(host.sent).isNotEmpty().allMatch(s -> s.to().equals(PEER_AT));
    }

    @Test
    void predictionAndTcpAimOnlyAtAnAddressTheRelayAttested() throws Exception {
        // The peer claims a symmetric NAT, so this (easy) side would probe up to 1024 ports of its
        // first candidate and connect TCP to its TCP candidates: all of them someone else's.
        Puncher p = server(new NatHint(NatHint.Mapping.INDEPENDENT, 0), plenty());
        List<InetSocketAddress> tcp = List.of(CandidatePolicyTest.at("198.51.100.99", 22), CandidatePolicyTest.at("198.51.100.99", 6379));
        startProbing(p, offer(List.of(UNRELATED), NatHint.Mapping.DEPENDENT, tcp, List.of()));
        Thread.sleep(1000);
        onLoop(p::close);
        assertThat(host.sent).isNotEmpty().allMatch(s -> s.to().equals(UNRELATED));
        assertThat(host.tcpTargets).isEmpty();

        // The same offer with the relay's statement that the peer is there: prediction and TCP go ahead.
        FakeHost attestedHost = new FakeHost();
        CandidatePolicy policy = new CandidatePolicy(PEER, Set.of(RELAY.peerId()), List.of(), false);
        Puncher q = new Puncher(loop, attestedHost, false, List.of(CandidatePolicyTest.at("203.0.113.20", 3000)), List.of(
                CandidatePolicyTest.at("203.0.113.20", 3000)), () -> new NatHint(NatHint.Mapping.INDEPENDENT, 0), PortPrediction.DEFAULTS,
                List::of, policy, plenty());
        startProbing(q, offer(List.of(UNRELATED), NatHint.Mapping.DEPENDENT, tcp, List.of(attest(UNRELATED))));
        Thread.sleep(1000);
        onLoop(q::close);
        assertThat(attestedHost.sent.stream().map(s -> s.to().getPort()).distinct().count()).isGreaterThan(100);
        assertThat(attestedHost.tcpTargets).containsExactly(tcp);
    }

    @Test
    void everyProbeWhileLookingDrawsOnTheSessionBudget() throws Exception {
        TokenBucket budget = new TokenBucket(64, TimeUnit.HOURS.toNanos(1), System::nanoTime);
        Puncher p = server(new NatHint(NatHint.Mapping.INDEPENDENT, 0), budget);
        startProbing(p, offer(List.of(PEER_AT), NatHint.Mapping.DEPENDENT, List.of(), List.of(attest(PEER_AT))));
        Thread.sleep(1000);
        onLoop(p::close);
        assertThat(host.sentTo(null, UdpFrame.Probe.class)).isEqualTo(64);
        assertThat(p.probesSent()).isEqualTo(64);
        assertThat(p.probesRefused()).isPositive();
    }

    /** Records what the puncher does. */
    static final class FakeHost implements Puncher.Host {
        record Sent(UdpFrame frame, InetSocketAddress to, UdpPort via) {
        }

        final UdpPort main = new FakePort();
        final List<Sent> sent = new CopyOnWriteArrayList<>();
        final List<InetSocketAddress> directs = new CopyOnWriteArrayList<>();
        final List<InetSocketAddress> moves = new CopyOnWriteArrayList<>();
        final List<List<InetSocketAddress>> tcpTargets = new CopyOnWriteArrayList<>();

        long sentTo(InetSocketAddress to, Class<? extends UdpFrame> kind) {
            return sent.stream().filter(s -> (to == null || s.to().equals(to)) && kind.isInstance(s.frame())).count();
        }

        public UdpPort main() {
            return main;
        }

        public void send(UdpFrame frame, InetSocketAddress to, UdpPort via) {
            sent.add(new Sent(frame, to, via));
        }

        public void sendInSession(SessionMessage message) {
        }

        public void authorize(InetSocketAddress peer) {
        }

        public void direct(InetSocketAddress peer, UdpPort via) {
            directs.add(peer);
        }

        public void moveDirect(InetSocketAddress peer, UdpPort via) {
            moves.add(peer);
        }

        public void lost() {
        }

        public void failed() {
        }

        public void openExtraSockets(int n, Consumer<UdpPort> ready) {
            for (int i = 0; i < n; i++) {
                ready.accept(new FakePort());
            }
        }

        public void closeExtraSockets(UdpPort keep) {
        }

        public void connectTcp(List<InetSocketAddress> targets, Supplier<UdpFrame> hello) {
            tcpTargets.add(new ArrayList<>(targets));
        }

        public void directTcp(TcpPath path) {
        }

        public void closeTcp() {
        }

        public void keyed(long punchId) {
        }
    }

    static final class FakePort implements UdpPort {
        public void send(ByteBuf content, InetSocketAddress to) {
            content.release();
        }

        public void close() {
        }
    }
}
