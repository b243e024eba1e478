package dev.junction.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.wire.Bytes;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.ControlFrameType;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Circuits through a real relay on loopback: opening, relaying over each transport, limits. */
class CircuitTest {
    @TempDir
    Path dir;
    @AutoClose
    TestRelay relay;
    @AutoClose
    final Closer open = new Closer();

    /** A logged-in peer: identity, control client, LOGIN_OK. */
    record Peer(Identity id, TestClient control, LoginFrames.LoginOk login) {
    }

    Peer peer() throws Exception {
        Identity id = Identity.generate();
        TestClient c = relay.client();
        open.keep(c);
        return new Peer(id, c, c.loginOk(id, relay.token(id.peerId())));
    }

    UdpPeer udp(Peer p) throws Exception {
        UdpPeer u = new UdpPeer(relay.server.stunAddress());
        open.keep(u);
        assertThat(u.bind(p.login().reservation(), p.login().udpBindKey()).observed()).isEqualTo(u.address());
        return u;
    }

    /** A opens a circuit to B, B accepts; returns the circuit ID. */
    int circuit(Peer a, Peer b) throws Exception {
        a.control().send(new CircuitFrames.Connect(7, b.id().peerId()));
        CircuitFrames.Incoming in = b.control().expect(CircuitFrames.Incoming.class);
        assertThat(in.from()).isEqualTo(a.id().peerId());
        // Version 2: set-up frames name peers only (the codec refuses trailing address bytes), so
        // a caller learns nothing about where the callee is (issue #13, finding 3).
        b.control().send(new CircuitFrames.Accept(in.circuit()));
        CircuitFrames.CircuitOpen openA = a.control().expect(CircuitFrames.CircuitOpen.class);
        CircuitFrames.CircuitOpen openB = b.control().expect(CircuitFrames.CircuitOpen.class);
        assertThat(openA.request()).isEqualTo(7);
        assertThat(openA.peer()).isEqualTo(b.id().peerId());
        assertThat(openB.peer()).isEqualTo(a.id().peerId());
        assertThat(openA.circuit()).isEqualTo(in.circuit()).isEqualTo(openB.circuit());
        return in.circuit();
    }

    @Test
    void relaysBothWaysOverTls() throws Exception {
        relay = TestRelay.start(dir);
        Peer a = peer();
        Peer b = peer();
        int id = circuit(a, b);
        a.control().send(new CircuitFrames.Data(id, Bytes.fromHex("01020304")));
        assertThat(b.control().expect(CircuitFrames.Data.class)).isEqualTo(new CircuitFrames.Data(id, Bytes.fromHex("01020304")));
        b.control().send(new CircuitFrames.Data(id, Bytes.fromHex("0506")));
        assertThat(a.control().expect(CircuitFrames.Data.class).payload()).isEqualTo(Bytes.fromHex("0506"));
        assertThat(relay.server.metrics().scrape())
                .contains("junction_relayed_bytes_total{direction=\"in\",transport=\"tcp\"} 6.0")
                .contains("junction_relayed_packets_total{direction=\"out\",transport=\"tcp\"} 2.0");
    }

    /** Identifiers are logged as digits only: an operator greps for "circuit 250159627", never "250,159,627". */
    @Test
    void circuitIdsAreLoggedWithoutDigitGrouping() throws Exception {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger("junction.relay.circuit");
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                lines.add(new java.util.logging.SimpleFormatter().formatMessage(r));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(capture);
        try {
            relay = TestRelay.start(dir);
            Peer a = peer();
            Peer b = peer();
            int id = circuit(a, b);
            assertThat(id).as("circuit IDs are random and large").isGreaterThan(999);
            a.control().send(new CircuitFrames.CircuitClose(id, dev.junction.wire.control.CloseReason.NORMAL, 0));
            b.control().expect(CircuitFrames.CircuitClose.class);
            // The relay logs the close after it told the peers: wait for the line, briefly.
            long until = System.currentTimeMillis() + 2000;
            while (lines.stream().noneMatch(l -> l.startsWith("circuit " + id + " closed: ")) && System.currentTimeMillis() < until) {
                Thread.sleep(10);
            }
            assertThat(lines).as("the circuit's log lines").anyMatch(l -> l.startsWith("circuit " + id + " open: "))
                    .anyMatch(l -> l.startsWith("circuit " + id + " closed: "));
        } finally {
            log.removeHandler(capture);
        }
    }

    @Test
    void relaysBothWaysOverUdp() throws Exception {
        relay = TestRelay.start(dir);
        Peer a = peer();
        Peer b = peer();
        UdpPeer ua = udp(a);
        UdpPeer ub = udp(b);
        int id = circuit(a, b);
        ua.send(new UdpFrame.RelayData(id, Bytes.fromHex("aa")));
        assertThat(ub.receive()).isEqualTo(new UdpFrame.RelayData(id, Bytes.fromHex("aa")));
        ub.send(new UdpFrame.RelayData(id, Bytes.fromHex("bb")));
        assertThat(ua.receive()).isEqualTo(new UdpFrame.RelayData(id, Bytes.fromHex("bb")));
    }

    @Test
    void relaysBetweenAUdpSideAndATlsSide() throws Exception {
        relay = TestRelay.start(dir);
        Peer a = peer();
        Peer b = peer();
        UdpPeer ua = udp(a);
        int id = circuit(a, b);
        ua.send(new UdpFrame.RelayData(id, Bytes.fromHex("c0ffee")));
        assertThat(b.control().expect(CircuitFrames.Data.class).payload()).isEqualTo(Bytes.fromHex("c0ffee"));
        b.control().send(new CircuitFrames.Data(id, Bytes.fromHex("beef")));
        assertThat(ua.receive()).isEqualTo(new UdpFrame.RelayData(id, Bytes.fromHex("beef")));
    }

    @Test
    void refusesCircuitToAPeerWithoutReservation() throws Exception {
        relay = TestRelay.start(dir);
        Peer a = peer();
        a.control().send(new CircuitFrames.Connect(3, Identity.generate().peerId()));
        LinkFrames.Error e = a.control().expect(LinkFrames.Error.class);
        assertThat(e.code()).isEqualTo(ErrorCode.PEER_NOT_FOUND);
        assertThat(e.request()).isEqualTo(3);
    }

    @Test
    void calleeRejectingAnswersTheCallersConnectWithRejected() throws Exception {
        relay = TestRelay.start(dir);
        Peer a = peer();
        Peer b = peer();
        a.control().send(new CircuitFrames.Connect(1, b.id().peerId()));
        int id = b.control().expect(CircuitFrames.Incoming.class).circuit();
        b.control().send(new CircuitFrames.CircuitClose(id, CloseReason.REJECTED, 0));
        LinkFrames.Error refused = a.control().expect(LinkFrames.Error.class);
        assertThat(refused.request()).isEqualTo(1);
        assertThat(refused.code()).isEqualTo(ErrorCode.REJECTED);
        assertThat(relay.server.circuitCount()).isZero();
    }

    @Test
    void byteLimitClosesTheCircuitWithItsReason() throws Exception {
        relay = TestRelay.start(dir, Map.of("limits.circuit-bytes", "1000 B"));
        Peer a = peer();
        Peer b = peer();
        int id = circuit(a, b);
        a.control().send(new CircuitFrames.Data(id, Bytes.of(new byte[900])));
        b.control().expect(CircuitFrames.Data.class);
        a.control().send(new CircuitFrames.Data(id, Bytes.of(new byte[200])));
        CircuitFrames.CircuitClose closeA = a.control().expect(CircuitFrames.CircuitClose.class);
        assertThat(closeA.reason()).isEqualTo(CloseReason.BYTE_LIMIT);
        assertThat(b.control().expect(CircuitFrames.CircuitClose.class).reason()).isEqualTo(CloseReason.BYTE_LIMIT);
        assertThat(relay.server.metrics().scrape()).contains("junction_circuits_closed_total{reason=\"byte_limit\"} 1.0");
    }

    @Test
    void durationLimitClosesTheCircuitWithItsReason() throws Exception {
        relay = TestRelay.start(dir, Map.of("limits.circuit-duration", "1s"));
        Peer a = peer();
        Peer b = peer();
        circuit(a, b);
        assertThat(a.control().expect(CircuitFrames.CircuitClose.class).reason()).isEqualTo(CloseReason.DURATION_LIMIT);
    }

    @Test
    void rateLimitDropsThenClosesAFloodingCircuit() throws Exception {
        relay = TestRelay.start(dir, Map.of("limits.circuit-packets-per-second", 10));
        Peer a = peer();
        Peer b = peer();
        UdpPeer ua = udp(a);
        int id = circuit(a, b);
        for (int i = 0; i < 25; i++) {
            ua.send(new UdpFrame.RelayData(id, Bytes.fromHex("00")));
        }
        assertThat(a.control().expect(CircuitFrames.CircuitClose.class).reason()).isEqualTo(CloseReason.RATE_LIMIT);
        assertThat(relay.server.metrics().scrape()).containsPattern("junction_drops_total\\{reason=\"limit\"} (1[0-9]|[2-9][0-9])\\.0");
    }

    @Test
    void circuitLimitPerReservationIsEnforced() throws Exception {
        relay = TestRelay.start(dir, Map.of("limits.circuits-per-reservation", 1));
        Peer a = peer();
        Peer b = peer();
        Peer c = peer();
        circuit(a, b);
        a.control().send(new CircuitFrames.Connect(9, c.id().peerId()));
        assertThat(a.control().expect(LinkFrames.Error.class).code()).isEqualTo(ErrorCode.CIRCUIT_LIMIT);
    }

    @Test
    void peerLeavingClosesItsCircuitsWithPeerGone() throws Exception {
        relay = TestRelay.start(dir);
        Peer a = peer();
        Peer b = peer();
        circuit(a, b);
        b.control().close();
        assertThat(a.control().expect(CircuitFrames.CircuitClose.class).reason()).isEqualTo(CloseReason.PEER_GONE);
    }

    @Test
    void datagramsFromUnboundAddressesAndForeignCircuitsAreDroppedAndCounted() throws Exception {
        relay = TestRelay.start(dir);
        Peer a = peer();
        Peer b = peer();
        Peer c = peer();
        UdpPeer uc = udp(c);
        int id = circuit(a, b);
        try (UdpPeer stranger = new UdpPeer(relay.server.stunAddress())) {
            stranger.send(new UdpFrame.RelayData(id, Bytes.fromHex("00")));
            stranger.send(UdpFrame.Bind.signed(new byte[16], a.login().reservation(), 1)); // wrong key
            assertThat(stranger.receive()).as("no answer to a stranger").isNull();
        }
        uc.send(new UdpFrame.RelayData(id, Bytes.fromHex("00"))); // c is bound but not on this circuit
        Thread.sleep(200);
        assertThat(relay.server.metrics().scrape())
                .contains("junction_drops_total{reason=\"unbound_sender\"} 2.0")
                .contains("junction_drops_total{reason=\"unknown_circuit\"} 1.0");
    }

    @Test
    void replayedBindFromAnotherAddressIsRefused() throws Exception {
        relay = TestRelay.start(dir);
        Peer a = peer();
        UdpFrame.Bind bind = UdpFrame.Bind.signed(a.login().udpBindKey().toArray(), a.login().reservation(), 5);
        try (UdpPeer first = new UdpPeer(relay.server.stunAddress()); UdpPeer attacker = new UdpPeer(relay.server.stunAddress())) {
            first.send(bind);
            assertThat(first.receive()).isInstanceOf(UdpFrame.BindAck.class);
            attacker.send(bind);
            assertThat(attacker.receive()).isNull();
        }
    }

    @Test
    void reservedPunchFrameTypesOnAnOpenCircuitAreAnsweredMalformedAndClosed() throws Exception {
        // 0x20 CANDIDATES, 0x21 PUNCH_SYNC, 0x22 PUNCH_RESULT: the relay's punch coordination is gone
        // and its codes are reserved; a frame of one is an unknown type, never forwarded.
        relay = TestRelay.start(dir);
        Peer b = peer();
        for (int reserved : new int[] {0x20, 0x21, 0x22}) {
            assertThat(ControlFrameType.RESERVED).contains(reserved);
            Peer a = peer();
            int id = circuit(a, b);
            ByteBuf frame = Unpooled.buffer().writeByte(reserved).writeShort(5) // type, 5 payload bytes
                    .writeInt(id)     // circuit, as the frame once carried
                    .writeByte(0);    // no candidates / attempt 0
            a.control().sendRaw(frame);
            LinkFrames.Error error = a.control().expect(LinkFrames.Error.class);
            assertThat(error.code()).isEqualTo(ErrorCode.MALFORMED);
            assertThat(error.message()).contains("unknown control frame type 0x" + Integer.toHexString(reserved));
            assertThat(a.control().closedWithin(5)).isTrue();
            // B hears only that A went away, nothing of what A sent.
            CircuitFrames.CircuitClose close = b.control().expect(CircuitFrames.CircuitClose.class);
            assertThat(close.circuit()).isEqualTo(id);
            assertThat(close.reason()).isEqualTo(CloseReason.PEER_GONE);
        }
        assertThat(relay.server.metrics().scrape()).contains("junction_drops_total{reason=\"malformed_frame\"} 3.0")
                .doesNotContain("junction_punch_");
    }

    @Test
    void aStalledReceiverOverflowsItsBoundedQueueAndStallsNobodyElse() throws Exception {
        relay = TestRelay.start(dir, Map.of("limits.send-queue-frames", 1, "limits.circuit-packets-per-second", 0));
        Peer a = peer();
        Peer slow = peer();
        Peer c = peer();
        Peer d = peer();
        UdpPeer ua = udp(a);
        int stalled = circuit(a, slow);
        int healthy = circuit(c, d);
        slow.control().pauseReading();
        byte[] payload = new byte[1200];
        String queueFullZero = "junction_drops_total{reason=\"queue_full\"} 0.0";
        for (int batch = 0; batch < 40 && relay.server.metrics().scrape().contains(queueFullZero); batch++) {
            for (int i = 0; i < 500; i++) {
                ua.send(new UdpFrame.RelayData(stalled, Bytes.of(payload)));
            }
            Thread.sleep(20);
        }
        assertThat(relay.server.metrics().scrape()).doesNotContain(queueFullZero);
        c.control().send(new CircuitFrames.Data(healthy, Bytes.fromHex("0102")));
        assertThat(d.control().expect(CircuitFrames.Data.class).payload()).isEqualTo(Bytes.fromHex("0102"));
    }

    @Test
    void hundredConcurrentCircuitsEachCarryTheirOwnData() throws Exception {
        relay = TestRelay.start(dir, Map.of("limits.reservations-per-ip", 256, "limits.connections-per-ip", 256));
        List<Peer[]> pairs = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            Peer a = peer();
            Peer b = peer();
            pairs.add(new Peer[] {a, b});
            ids.add(circuit(a, b));
        }
        assertThat(relay.server.circuitCount()).isEqualTo(100);
        for (int i = 0; i < 100; i++) {
            pairs.get(i)[0].control().send(new CircuitFrames.Data(ids.get(i), Bytes.of(new byte[] {(byte) i})));
        }
        for (int i = 0; i < 100; i++) {
            assertThat(pairs.get(i)[1].control().expect(CircuitFrames.Data.class))
                    .isEqualTo(new CircuitFrames.Data(ids.get(i), Bytes.of(new byte[] {(byte) i})));
        }
    }
}
