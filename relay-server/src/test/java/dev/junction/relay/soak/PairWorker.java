package dev.junction.relay.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.TestClient;
import dev.junction.relay.UdpPeer;
import dev.junction.wire.Bytes;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.udp.UdpFrame;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Two fresh peers per round: both log in, open a circuit, relay data both ways, then end it one of
 * three ways (CIRCUIT_CLOSE, one side disconnecting, both logging out at once). The relay reaches a
 * side over UDP when it is bound and last sent on UDP, else over TLS; so rounds take turns: both
 * sides on UDP, both on TLS, and one of each (the relay re-frames between the two). Every round
 * uses new identities, so reservations come and go all the time.
 */
final class PairWorker extends SoakWorker {
    /** Frames each way per round: enough to exercise the send queues, small enough for many rounds. */
    static final int FRAMES = 24;
    /** Payload of each frame: a typical QUIC datagram. */
    static final int PAYLOAD = 1200;
    /** How long a UDP receiver waits for the next datagram before counting the rest lost. */
    static final int UDP_WAIT_MILLIS = 1000;

    /** One peer of the pair: its control connection and, if it relays over UDP, its bound socket. */
    private record Side(TestClient control, UdpPeer udp) {
    }

    PairWorker(SoakRelay relay, SoakCounts counts, long deadlineNanos, int maxRounds) {
        super("pair", relay, counts, deadlineNanos, maxRounds);
    }

    @Override
    void round(int round) throws Exception {
        Identity a = Identity.generate();
        Identity b = Identity.generate();
        boolean aOnUdp = round % 3 != 1;
        boolean bOnUdp = round % 3 == 0;
        try (TestClient ca = relay.connect(); TestClient cb = relay.connect();
             UdpPeer ua = relay.udp(UDP_WAIT_MILLIS); UdpPeer ub = relay.udp(UDP_WAIT_MILLIS)) {
            LoginFrames.LoginOk la = ca.loginOk(a, relay.token(a.peerId()));
            LoginFrames.LoginOk lb = cb.loginOk(b, relay.token(b.peerId()));
            counts.logins.addAndGet(2);
            if (aOnUdp) {
                ua.bind(la.reservation(), la.udpBindKey());
            }
            if (bOnUdp) {
                ub.bind(lb.reservation(), lb.udpBindKey());
            }
            Side sa = new Side(ca, aOnUdp ? ua : null);
            Side sb = new Side(cb, bOnUdp ? ub : null);

            ca.send(new CircuitFrames.Connect(round, b.peerId()));
            int id = cb.expect(CircuitFrames.Incoming.class).circuit();
            cb.send(new CircuitFrames.Accept(id));
            assertThat(ca.expect(CircuitFrames.CircuitOpen.class).circuit()).isEqualTo(id);
            cb.expect(CircuitFrames.CircuitOpen.class);
            counts.circuits.incrementAndGet();

            relay(sa, sb, id);
            relay(sb, sa, id);

            switch (round / 3 % 3) {
                case 0 -> {
                    ca.send(new CircuitFrames.CircuitClose(id, CloseReason.PEER_CLOSED, 0));
                    assertThat(cb.expect(CircuitFrames.CircuitClose.class).circuit()).isEqualTo(id);
                }
                case 1 -> {
                    cb.close();
                    assertThat(ca.expect(CircuitFrames.CircuitClose.class).reason()).isEqualTo(CloseReason.PEER_GONE);
                }
                default -> {
                    // both leave with the circuit open: try-with-resources closes them together
                }
            }
        }
    }

    /**
     * {@link #FRAMES} frames from one side to the other. Over TLS every one arrives, in order; over
     * UDP loopback rarely drops, but may, so UDP arrivals are counted, not demanded.
     */
    private void relay(Side from, Side to, int id) throws Exception {
        Bytes payload = payload();
        for (int i = 0; i < FRAMES; i++) {
            if (from.udp() != null) {
                from.udp().send(new UdpFrame.RelayData(id, payload));
            } else {
                from.control().send(new CircuitFrames.Data(id, payload));
            }
        }
        if (to.udp() != null) {
            counts.udpExpected.addAndGet(FRAMES);
        }
        for (int i = 0; i < FRAMES; i++) {
            if (to.udp() != null) {
                UdpFrame f = to.udp().receive();
                if (f == null) {
                    return; // the rest counts as lost
                }
                assertThat(f).isEqualTo(new UdpFrame.RelayData(id, payload));
                counts.udpReceived.incrementAndGet();
                counts.udpBytes.addAndGet(payload.length());
            } else {
                CircuitFrames.Data d = to.control().expect(CircuitFrames.Data.class);
                assertThat(d.circuit()).isEqualTo(id);
                assertThat(d.payload()).isEqualTo(payload);
                counts.tlsBytes.addAndGet(payload.length());
            }
        }
    }

    private static Bytes payload() {
        byte[] p = new byte[PAYLOAD];
        ThreadLocalRandom.current().nextBytes(p);
        return Bytes.of(p);
    }
}
