package dev.junction.relay.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.TestClient;
import dev.junction.relay.UdpPeer;
import dev.junction.relay.soak.SoakCounts.Malformed;
import dev.junction.wire.Bytes;
import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.stun.StunEncoder;
import dev.junction.wire.stun.StunMessage;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Bad input of every kind the relay meets on the Internet, one of each per round (see
 * {@link Malformed}), plus one valid STUN Binding request that must still be answered. Each bad
 * input is checked to get the answer the protocol promises (an ERROR and a close, or silence).
 */
final class MalformedWorker extends SoakWorker {
    /** Circuit IDs far above any the relay hands out during a soak. */
    static final int UNKNOWN_CIRCUIT_BASE = 0x7000_0000;
    /** How long a raw TCP socket waits for the relay to close it. */
    static final int RAW_READ_TIMEOUT_MILLIS = 5000;
    /** Random datagrams per round. */
    static final int GARBAGE_DATAGRAMS = 8;

    private final byte[] wrongSecret = AdmissionSecret.generate();

    MalformedWorker(SoakRelay relay, SoakCounts counts, long deadlineNanos, int maxRounds) {
        super("malformed-input", relay, counts, deadlineNanos, maxRounds);
    }

    @Override
    void round(int round) throws Exception {
        badToken();
        badFrameBeforeLogin();
        badFrameAfterLogin();
        unknownCircuits();
        datagrams();
        rawTcp(relay.control(), Malformed.TLS_GARBAGE, garbageNotTls());
        rawTcp(relay.stun(), Malformed.STUN_TCP_GARBAGE, stunWithBadCookie());
        if (stunBinding()) {
            counts.stunAnswered.incrementAndGet();
        }
    }

    private void badToken() throws Exception {
        Identity id = Identity.generate();
        try (TestClient c = relay.connect()) {
            String forged = AdmissionToken.mint(wrongSecret, id.peerId(), Instant.now().plusSeconds(3600));
            counts.sent(Malformed.BAD_TOKEN);
            assertThat(c.login(id, forged)).isInstanceOfSatisfying(LinkFrames.Error.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.TOKEN_INVALID));
            assertThat(c.closedWithin(5)).isTrue();
        }
    }

    private void badFrameBeforeLogin() throws Exception {
        try (TestClient c = relay.connect()) {
            counts.sent(Malformed.BAD_FRAME_BEFORE_LOGIN);
            c.sendRaw(Unpooled.wrappedBuffer(new byte[] {(byte) 0xEE, 0x00, 0x01, 0x00})); // type 0xEE is no frame
            assertThat(c.expect(LinkFrames.Error.class).code()).isEqualTo(ErrorCode.MALFORMED);
            assertThat(c.closedWithin(5)).isTrue();
        }
    }

    private void badFrameAfterLogin() throws Exception {
        Identity id = Identity.generate();
        try (TestClient c = relay.connect()) {
            c.loginOk(id, relay.token(id.peerId()));
            counts.logins.incrementAndGet();
            counts.sent(Malformed.BAD_FRAME_AFTER_LOGIN);
            c.sendRaw(Unpooled.wrappedBuffer(new byte[] {0x10, 0x00, 0x02, 0x00, 0x00})); // CONNECT cut to 2 of its bytes
            assertThat(c.expect(LinkFrames.Error.class).code()).isEqualTo(ErrorCode.MALFORMED);
            assertThat(c.closedWithin(5)).isTrue();
        }
    }

    /** A logged-in, bound client names circuits that do not exist; it stays served. */
    private void unknownCircuits() throws Exception {
        Identity id = Identity.generate();
        int unknown = UNKNOWN_CIRCUIT_BASE + ThreadLocalRandom.current().nextInt(1 << 24);
        try (TestClient c = relay.connect(); UdpPeer u = relay.udp(PairWorker.UDP_WAIT_MILLIS)) {
            LoginFrames.LoginOk ok = c.loginOk(id, relay.token(id.peerId()));
            counts.logins.incrementAndGet();
            u.bind(ok.reservation(), ok.udpBindKey());
            counts.sent(Malformed.UNKNOWN_CIRCUIT_TLS);
            c.send(new CircuitFrames.Data(unknown, Bytes.fromHex("00")));
            c.send(new CircuitFrames.CircuitClose(unknown, CloseReason.PEER_CLOSED, 0));
            c.send(new CircuitFrames.Accept(unknown));
            assertThat(c.expect(CircuitFrames.CircuitClose.class)).isEqualTo(new CircuitFrames.CircuitClose(unknown, CloseReason.UNKNOWN, 0));
            counts.sent(Malformed.UNKNOWN_CIRCUIT_UDP);
            u.send(new UdpFrame.RelayData(unknown, Bytes.fromHex("01")));
            c.send(new LinkFrames.Ping(unknown));
            assertThat(c.expect(LinkFrames.Pong.class).nonce()).isEqualTo(unknown);
        }
    }

    private void datagrams() throws Exception {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        try (UdpPeer u = relay.udp(PairWorker.UDP_WAIT_MILLIS)) {
            counts.sent(Malformed.UNBOUND_UDP);
            u.send(new UdpFrame.RelayData(UNKNOWN_CIRCUIT_BASE, Bytes.fromHex("02")));
            for (int i = 0; i < GARBAGE_DATAGRAMS; i++) {
                byte[] g = new byte[1 + r.nextInt(200)];
                r.nextBytes(g);
                counts.sent(Malformed.UDP_GARBAGE);
                u.sendRaw(g, g.length);
            }
            for (byte[] stun : malformedStun()) {
                counts.sent(Malformed.MALFORMED_STUN);
                u.sendRaw(stun, stun.length);
            }
            for (byte[] frame : new byte[][] {{(byte) 0x80, 0x01, 0x02}, {(byte) 0x82, 0x00}, {(byte) 0xBF}}) {
                counts.sent(Malformed.MALFORMED_UDP_FRAME); // BIND cut short, RELAY_DATA cut short, no such type
                u.sendRaw(frame, frame.length);
            }
        }
    }

    /** Datagrams with a STUN first byte that do not decode. */
    private static byte[][] malformedStun() {
        byte[] shortHeader = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, (byte) 0xA4, 0x42, 1, 2};
        byte[] lengthBeyondDatagram = header(100);
        byte[] attributePastEnd = java.util.Arrays.copyOf(header(8), 28);
        attributePastEnd[21] = 0x01;                 // MAPPED-ADDRESS
        attributePastEnd[23] = 0x64;                 // claims 100 bytes, 4 follow
        byte[] lengthNotMultipleOfFour = java.util.Arrays.copyOf(header(3), 23);
        return new byte[][] {shortHeader, lengthBeyondDatagram, attributePastEnd, lengthNotMultipleOfFour};
    }

    /** A Binding request header (RFC 8489 section 5) whose length field says {@code length}. */
    private static byte[] header(int length) {
        byte[] h = new byte[20];
        h[1] = 0x01;
        h[3] = (byte) length;
        h[4] = 0x21;
        h[5] = 0x12;
        h[6] = (byte) 0xA4;
        h[7] = 0x42;
        byte[] transaction = new byte[12];
        ThreadLocalRandom.current().nextBytes(transaction);
        System.arraycopy(transaction, 0, h, 8, 12);
        return h;
    }

    /** Starts like an HTTP request, never like a TLS record (0x16). */
    private static byte[] garbageNotTls() {
        byte[] g = new byte[64];
        ThreadLocalRandom.current().nextBytes(g);
        g[0] = 'G';
        return g;
    }

    /** A whole STUN/TCP message by its length field (20 + 8 bytes) whose magic cookie is wrong. */
    private static byte[] stunWithBadCookie() {
        byte[] m = new byte[28];
        ThreadLocalRandom.current().nextBytes(m);
        m[0] = 0x00;
        m[1] = 0x01;
        m[2] = 0x00;
        m[3] = 0x08;
        m[4] = 0x00; // not 0x21: not the magic cookie
        return m;
    }

    /** Writes {@code bytes} on a plain TCP connection and waits (bounded) for the relay to close it. */
    private void rawTcp(InetSocketAddress to, Malformed kind, byte[] bytes) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(to, RAW_READ_TIMEOUT_MILLIS);
            s.setSoTimeout(RAW_READ_TIMEOUT_MILLIS);
            counts.sent(kind);
            s.getOutputStream().write(bytes);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] sink = new byte[1024];
            long until = System.nanoTime() + RAW_READ_TIMEOUT_MILLIS * 1_000_000L;
            try {
                while (in.read(sink) >= 0 && System.nanoTime() < until) {
                    // a TLS alert may come before the close
                }
            } catch (SocketTimeoutException | java.net.SocketException e) {
                // a reset is as good as a close; a timeout is left to the end-of-soak checks
            }
        }
    }

    /** One valid Binding request with FINGERPRINT; true if a success answer came back. */
    private boolean stunBinding() throws Exception {
        ByteBuf b = Unpooled.buffer();
        StunEncoder.FINGERPRINT.encode(StunMessage.bindingRequest(), b);
        byte[] request = new byte[b.readableBytes()];
        b.readBytes(request);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(PairWorker.UDP_WAIT_MILLIS);
            s.send(new DatagramPacket(request, request.length, relay.stun()));
            DatagramPacket answer = new DatagramPacket(new byte[1500], 1500);
            s.receive(answer);
            return answer.getLength() >= 20 && answer.getData()[0] == 0x01 && answer.getData()[1] == 0x01;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }
}
