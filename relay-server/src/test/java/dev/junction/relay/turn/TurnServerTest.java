package dev.junction.relay.turn;

import static dev.junction.relay.turn.TurnTestClient.code;
import static dev.junction.relay.turn.TurnTestClient.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.TestRelay;
import dev.junction.wire.stun.ChannelData;
import dev.junction.wire.stun.StunAttribute;
import dev.junction.wire.stun.StunClass;
import dev.junction.wire.stun.StunDecoder;
import dev.junction.wire.stun.StunMessage;
import dev.junction.wire.stun.StunMessageType;
import dev.junction.wire.stun.TurnAttribute;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's TURN server over real UDP sockets on loopback, method by method and error by error
 * (RFC 8656), with REST credentials minted from the relay's own TURN secret.
 */
class TurnServerTest {
    @TempDir
    Path dir;

    @AutoClose
    TestRelay relay;

    private TestRelay start(Map<String, Object> extra) throws Exception {
        Map<String, Object> o = new HashMap<>();
        o.put("turn.tls-port", -1);
        o.put("turn.allowed-peer-ips", java.util.List.of("127.0.0.0/8"));
        o.putAll(extra);
        relay = TestRelay.start(dir, o);
        return relay;
    }

    private TurnTestClient client(String user) throws Exception {
        TurnCredentials.Minted m = TurnCredentials.mint(TurnSecrets.current(relay.server.config().turn().orElseThrow().secretFile()), user,
                Duration.ofHours(1), Instant.now());
        return new TurnTestClient(relay.server.stunAddress(), m.username(), m.password());
    }

    private static DatagramSocket peer() throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        s.setSoTimeout(3000);
        return s;
    }

    private static byte[] receive(DatagramSocket s) throws Exception {
        byte[] b = new byte[2048];
        DatagramPacket p = new DatagramPacket(b, b.length);
        s.receive(p);
        return Arrays.copyOf(b, p.getLength());
    }

    /** The relay's /metrics shows {@code line} within two seconds (datagrams are handled on its event loops). */
    private void eventually(String line) throws InterruptedException {
        long until = System.currentTimeMillis() + 2000;
        while (!relay.server.metrics().scrape().contains(line) && System.currentTimeMillis() < until) {
            Thread.sleep(20);
        }
        assertThat(relay.server.metrics().scrape()).contains(line);
    }

    @Test
    void anAllocateWithoutCredentialsIsChallengedAndWithThemAllocates() throws Exception {
        start(Map.of());
        try (TurnTestClient c = client("alice")) {
            StunMessage challenge = c.exchange(request(StunMessageType.METHOD_ALLOCATE,
                    new TurnAttribute.RequestedTransport(TurnAttribute.TRANSPORT_UDP)), null);
            assertThat(code(challenge)).isEqualTo(401);
            assertThat(challenge.attribute(StunAttribute.Realm.class).orElseThrow().text()).isEqualTo("junction");
            assertThat(challenge.attribute(StunAttribute.Nonce.class)).isPresent();

            StunMessage ok = c.call(request(StunMessageType.METHOD_ALLOCATE, new TurnAttribute.RequestedTransport(TurnAttribute.TRANSPORT_UDP)));
            assertThat(ok.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            InetSocketAddress relayed = ok.attribute(TurnAttribute.XorRelayedAddress.class).orElseThrow().address();
            assertThat(relayed.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
            assertThat(relayed.getPort()).isBetween(49152, 65535);
            assertThat(ok.attribute(TurnAttribute.Lifetime.class).orElseThrow().seconds()).isBetween(598L, 600L);
            assertThat(ok.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address().getPort()).isEqualTo(c.socket.getLocalPort());
            assertThat(relay.server.turn().allocationCount()).isEqualTo(1);
        }
    }

    @Test
    void badCredentialsAreRefusedAndAStaleNonceIsReplaced() throws Exception {
        start(Map.of());
        try (TurnTestClient wrong = client("mallory")) {
            wrong.password = "not-the-password";
            StunMessage r = wrong.call(request(StunMessageType.METHOD_ALLOCATE, new TurnAttribute.RequestedTransport(TurnAttribute.TRANSPORT_UDP)));
            assertThat(code(r)).isEqualTo(401);
        }
        try (TurnTestClient expired = client("bob")) {
            String secret = TurnSecrets.current(relay.server.config().turn().orElseThrow().secretFile());
            expired.username = (Instant.now().getEpochSecond() - 5) + ":bob";
            expired.password = TurnCredentials.password(secret.getBytes(StandardCharsets.UTF_8), expired.username);
            StunMessage r = expired.call(request(StunMessageType.METHOD_ALLOCATE, new TurnAttribute.RequestedTransport(TurnAttribute.TRANSPORT_UDP)));
            assertThat(code(r)).as("an expired REST user name").isEqualTo(401);
        }
        try (TurnTestClient c = client("carol")) {
            c.allocate();
            c.nonce = c.nonce.substring(0, 8) + "AAAAAAAAAAAAAAAA"; // a nonce the relay never issued
            StunMessage stale = c.exchange(c.withCredentials(request(StunMessageType.METHOD_REFRESH)), c.key);
            assertThat(code(stale)).isEqualTo(438);
            assertThat(stale.attribute(StunAttribute.Nonce.class).orElseThrow().text()).isNotEqualTo(c.nonce);
            c.nonce = stale.attribute(StunAttribute.Nonce.class).orElseThrow().text();
            assertThat(c.call(request(StunMessageType.METHOD_REFRESH)).messageClass()).as("retried with the fresh nonce")
                    .isEqualTo(StunClass.SUCCESS_RESPONSE);
        }
        assertThat(relay.server.metrics().scrape()).contains("junction_turn_auth_total{outcome=\"stale_nonce\"} 1.0")
                .contains("junction_turn_auth_total{outcome=\"refused\"} 2.0");
    }

    @Test
    void sendIndicationsAndDataIndicationsNeedAPermission() throws Exception {
        start(Map.of());
        try (TurnTestClient c = client("alice"); DatagramSocket peer = peer()) {
            InetSocketAddress relayed = c.allocate();
            InetSocketAddress peerAt = (InetSocketAddress) peer.getLocalSocketAddress();
            // Without a permission the peer's datagram is dropped.
            peer.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, relayed));
            assertThat(c.receiveFresh()).as("nothing before a permission").isNull();

            assertThat(c.permit(peerAt).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            c.send(new StunMessage(StunClass.INDICATION, StunMessageType.METHOD_SEND, StunMessage.newTransactionId(),
                    java.util.List.of(new TurnAttribute.XorPeerAddress(peerAt), new TurnAttribute.Data(TurnTestClient.bytes("hello peer")))), null);
            byte[] got = receive(peer);
            assertThat(new String(got, StandardCharsets.UTF_8)).isEqualTo("hello peer");

            peer.send(new DatagramPacket("hello client".getBytes(StandardCharsets.UTF_8), 12, relayed));
            StunMessage data = StunDecoder.decode(Unpooled.wrappedBuffer(c.receive()));
            assertThat(data.messageClass()).isEqualTo(StunClass.INDICATION);
            assertThat(data.method()).isEqualTo(StunMessageType.METHOD_DATA);
            assertThat(data.attribute(TurnAttribute.XorPeerAddress.class).orElseThrow().address()).isEqualTo(peerAt);
            assertThat(new String(data.attribute(TurnAttribute.Data.class).orElseThrow().value().toArray(), StandardCharsets.UTF_8))
                    .isEqualTo("hello client");
        }
        eventually("junction_turn_drops_total{reason=\"no_permission\"} 1.0");
    }

    @Test
    void channelsCarryChannelDataBothWaysAndConflictsAreRefused() throws Exception {
        start(Map.of());
        try (TurnTestClient c = client("alice"); DatagramSocket peer = peer(); DatagramSocket other = peer()) {
            InetSocketAddress relayed = c.allocate();
            InetSocketAddress peerAt = (InetSocketAddress) peer.getLocalSocketAddress();
            assertThat(code(c.bind(0x3FFF, peerAt))).as("below the channel range").isEqualTo(400);
            assertThat(c.bind(0x4001, peerAt).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(c.bind(0x4001, peerAt).messageClass()).as("a refresh of the same binding").isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(code(c.bind(0x4002, peerAt))).as("the peer already has another channel").isEqualTo(400);
            assertThat(code(c.bind(0x4001, (InetSocketAddress) other.getLocalSocketAddress()))).as("the number is taken").isEqualTo(400);

            c.channelData(0x4001, "over a channel".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(receive(peer), StandardCharsets.UTF_8)).isEqualTo("over a channel");
            byte[] back = new byte[1000];
            Arrays.fill(back, (byte) 7);
            peer.send(new DatagramPacket(back, back.length, relayed));
            byte[] d = c.receive();
            assertThat(ChannelData.isChannelData(d[0])).isTrue();
            assertThat(((d[0] & 0xFF) << 8) | (d[1] & 0xFF)).isEqualTo(0x4001);
            assertThat(((d[2] & 0xFF) << 8) | (d[3] & 0xFF)).isEqualTo(1000);
            assertThat(Arrays.copyOfRange(d, 4, d.length)).isEqualTo(back);

            c.channelData(0x4005, new byte[] {9}); // not bound: dropped
            eventually("junction_turn_drops_total{reason=\"no_channel\"} 1.0");
        }
    }

    @Test
    void peersOnLoopbackPrivateOrTheRelaysOwnServicesAreForbidden() throws Exception {
        relay = TestRelay.start(dir, Map.of("turn.tls-port", -1));
        try (TurnTestClient a = client("alice"); TurnTestClient b = client("bob")) {
            a.allocate();
            InetSocketAddress bRelayed = b.allocate();
            assertThat(code(a.permit(new InetSocketAddress("127.0.0.1", 9)))).as("loopback").isEqualTo(403);
            assertThat(code(a.permit(new InetSocketAddress("10.1.2.3", 80)))).as("RFC 1918").isEqualTo(403);
            assertThat(code(a.permit(new InetSocketAddress("169.254.169.254", 80)))).as("link-local (cloud metadata)").isEqualTo(403);
            assertThat(code(a.permit(new InetSocketAddress(InetAddress.getByAddress(
                    new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1}), 80)))).as("IPv4-mapped loopback")
                    .isIn(403, 443);
            assertThat(code(a.permit(new InetSocketAddress("203.0.113.7", 5000)))).as("an ordinary address").isZero();
            assertThat(code(a.permit(bRelayed))).as("another allocation's relayed address on this relay").isZero();
        }
        relay.close();
        relay = null;
        start(Map.of()); // loopback allowed: the relay's own endpoints still are not
        try (TurnTestClient a = client("alice")) {
            a.allocate();
            assertThat(code(a.permit(relay.server.controlAddress()))).as("the control port").isEqualTo(403);
            assertThat(code(a.permit(relay.server.adminAddress()))).as("the admin endpoint").isEqualTo(403);
            assertThat(code(a.permit(relay.server.stunAddress()))).as("the STUN/TURN port").isEqualTo(403);
        }
    }

    @Test
    void allocationErrorsFollowTheRfc() throws Exception {
        start(Map.of("turn.allocations-per-user", 2));
        try (TurnTestClient c = client("alice")) {
            assertThat(code(c.call(request(StunMessageType.METHOD_ALLOCATE)))).as("no REQUESTED-TRANSPORT").isEqualTo(400);
            assertThat(code(c.call(request(StunMessageType.METHOD_ALLOCATE, new TurnAttribute.RequestedTransport(6))))).as("TCP")
                    .isEqualTo(442);
            assertThat(code(c.call(request(StunMessageType.METHOD_ALLOCATE, new TurnAttribute.RequestedTransport(17),
                    new TurnAttribute.RequestedAddressFamily(TurnAttribute.FAMILY_IPV6))))).as("IPv6 on an IPv4 relay").isEqualTo(440);
            StunMessage df = c.call(request(StunMessageType.METHOD_ALLOCATE, new TurnAttribute.RequestedTransport(17), new TurnAttribute.DontFragment()));
            assertThat(code(df)).isEqualTo(420);
            assertThat(df.attribute(StunAttribute.UnknownAttributes.class).orElseThrow().types()).containsExactly(0x001A);
            assertThat(code(c.call(request(StunMessageType.METHOD_REFRESH)))).as("refresh with no allocation").isEqualTo(437);

            c.allocate();
            assertThat(code(c.call(request(StunMessageType.METHOD_ALLOCATE, new TurnAttribute.RequestedTransport(17))))).as("a second Allocate")
                    .isEqualTo(437);
            StunMessage gone = c.call(request(StunMessageType.METHOD_REFRESH, new TurnAttribute.Lifetime(0)));
            assertThat(gone.attribute(TurnAttribute.Lifetime.class).orElseThrow().seconds()).isZero();
            assertThat(code(c.call(request(StunMessageType.METHOD_REFRESH)))).as("after deletion").isEqualTo(437);
            assertThat(relay.server.turn().allocationCount()).isZero();
        }
        try (TurnTestClient a = client("bob"); TurnTestClient b = client("bob"); TurnTestClient third = client("bob")) {
            a.allocate();
            b.allocate();
            assertThat(code(third.call(request(StunMessageType.METHOD_ALLOCATE, new TurnAttribute.RequestedTransport(17)))))
                    .as("the user's quota").isEqualTo(486);
        }
    }

    @Test
    void evenPortReservesTheNextOneBehindAToken() throws Exception {
        start(Map.of());
        try (TurnTestClient a = client("alice"); TurnTestClient b = client("alice")) {
            StunMessage r = a.call(request(StunMessageType.METHOD_ALLOCATE, new TurnAttribute.RequestedTransport(17), new TurnAttribute.EvenPort(true)));
            int port = r.attribute(TurnAttribute.XorRelayedAddress.class).orElseThrow().address().getPort();
            assertThat(port % 2).isZero();
            TurnAttribute.ReservationToken token = r.attribute(TurnAttribute.ReservationToken.class).orElseThrow();
            StunMessage second = b.call(request(StunMessageType.METHOD_ALLOCATE, new TurnAttribute.RequestedTransport(17), token));
            assertThat(second.attribute(TurnAttribute.XorRelayedAddress.class).orElseThrow().address().getPort()).isEqualTo(port + 1);
        }
    }

    @Test
    void aRequestWithMessageIntegritySha256GetsItsAnswerSignedSo() throws Exception {
        start(Map.of());
        try (TurnTestClient c = client("alice")) {
            c.allocate();
            StunMessage refresh = c.withCredentials(request(StunMessageType.METHOD_REFRESH));
            io.netty.buffer.ByteBuf out = Unpooled.buffer();
            dev.junction.wire.stun.StunEncoder.FINGERPRINT.withIntegritySha256(c.key).encode(refresh, out);
            c.sendRaw(Arrays.copyOf(out.array(), out.writerIndex()));
            byte[] answer = c.receive();
            StunMessage r = StunDecoder.decode(Unpooled.wrappedBuffer(answer));
            assertThat(r.messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            assertThat(r.attribute(StunAttribute.MessageIntegritySha256.class)).as("answered with SHA-256 too").isPresent();
            assertThat(r.attribute(StunAttribute.MessageIntegrity.class)).isEmpty();
            assertThat(dev.junction.wire.stun.StunIntegrity.verify(Unpooled.wrappedBuffer(answer), c.key)).isTrue();
        }
    }

    @Test
    void anotherUserOnTheSameFiveTupleGetsWrongCredentials() throws Exception {
        start(Map.of());
        try (TurnTestClient c = client("alice")) {
            c.allocate();
            TurnCredentials.Minted bob = TurnCredentials.mint(TurnSecrets.current(relay.server.config().turn().orElseThrow().secretFile()), "bob",
                    Duration.ofHours(1), Instant.now());
            c.username = bob.username();
            c.password = bob.password();
            c.key = dev.junction.wire.stun.StunIntegrity.longTermKey(c.username, c.realm, c.password);
            assertThat(code(c.call(request(StunMessageType.METHOD_REFRESH)))).isEqualTo(441);
        }
    }

    /** Writes {@code m} on a TCP connection (MESSAGE-INTEGRITY under {@code key} if not null) and reads one STUN answer. */
    private static StunMessage tcpCall(java.net.Socket tcp, StunMessage m, byte[] key) throws Exception {
        io.netty.buffer.ByteBuf out = Unpooled.buffer();
        (key == null ? dev.junction.wire.stun.StunEncoder.FINGERPRINT : dev.junction.wire.stun.StunEncoder.FINGERPRINT.withIntegrity(key))
                .encode(m, out);
        tcp.getOutputStream().write(Arrays.copyOf(out.array(), out.writerIndex()));
        java.io.DataInputStream in = new java.io.DataInputStream(tcp.getInputStream());
        byte[] header = new byte[20];
        in.readFully(header);
        byte[] whole = Arrays.copyOf(header, 20 + (((header[2] & 0xFF) << 8) | (header[3] & 0xFF)));
        in.readFully(whole, 20, whole.length - 20);
        return StunDecoder.decode(Unpooled.wrappedBuffer(whole));
    }

    @Test
    void overTcpChannelDataIsPaddedAndTheAllocationEndsWithTheConnection() throws Exception {
        start(Map.of());
        TurnCredentials.Minted m = TurnCredentials.mint(TurnSecrets.current(relay.server.config().turn().orElseThrow().secretFile()), "tcp",
                Duration.ofHours(1), Instant.now());
        try (java.net.Socket tcp = new java.net.Socket(); DatagramSocket peer = peer()) {
            tcp.connect(relay.server.stunTcpAddress(), 3000);
            tcp.setSoTimeout(3000);
            StunMessage challenge = tcpCall(tcp, request(StunMessageType.METHOD_ALLOCATE, new TurnAttribute.RequestedTransport(17)), null);
            assertThat(code(challenge)).isEqualTo(401);
            String realm = challenge.attribute(StunAttribute.Realm.class).orElseThrow().text();
            String nonce = challenge.attribute(StunAttribute.Nonce.class).orElseThrow().text();
            byte[] key = dev.junction.wire.stun.StunIntegrity.longTermKey(m.username(), realm, m.password());
            java.util.function.Function<StunMessage, StunMessage> signed = r -> {
                java.util.List<StunAttribute> attrs = new java.util.ArrayList<>(r.attributes());
                attrs.add(new StunAttribute.Username(m.username()));
                attrs.add(new StunAttribute.Realm(realm));
                attrs.add(new StunAttribute.Nonce(nonce));
                return new StunMessage(r.messageClass(), r.method(), r.transactionId(), attrs);
            };
            StunMessage ok = tcpCall(tcp, signed.apply(request(StunMessageType.METHOD_ALLOCATE, new TurnAttribute.RequestedTransport(17))), key);
            InetSocketAddress relayed = ok.attribute(TurnAttribute.XorRelayedAddress.class).orElseThrow().address();
            InetSocketAddress peerAt = (InetSocketAddress) peer.getLocalSocketAddress();
            assertThat(tcpCall(tcp, signed.apply(request(StunMessageType.METHOD_CHANNEL_BIND, new TurnAttribute.ChannelNumber(0x4000),
                    new TurnAttribute.XorPeerAddress(peerAt))), key).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            // Five bytes of data, padded to eight on the stream; then a STUN message right after it must still frame.
            tcp.getOutputStream().write(new byte[] {0x40, 0x00, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o', 0, 0, 0});
            assertThat(new String(receive(peer), StandardCharsets.US_ASCII)).isEqualTo("hello");
            peer.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, relayed));
            byte[] frame = new byte[8];
            new java.io.DataInputStream(tcp.getInputStream()).readFully(frame);
            assertThat(frame).as("ChannelData with 3 bytes, padded to 8").containsExactly(0x40, 0x00, 0x00, 0x03, 1, 2, 3, 0);
            assertThat(relay.server.turn().allocationCount()).isEqualTo(1);
        }
        long until = System.currentTimeMillis() + 3000;
        while (relay.server.turn().allocationCount() > 0 && System.currentTimeMillis() < until) {
            Thread.sleep(20);
        }
        assertThat(relay.server.turn().allocationCount()).as("freed when the connection closed").isZero();
    }

    @Test
    void anOpenRelayServesTurnWithoutCredentials() throws Exception {
        start(Map.of("admission.mode", "open"));
        try (TurnTestClient c = new TurnTestClient(relay.server.stunAddress(), null, null); DatagramSocket peer = peer()) {
            InetSocketAddress relayed = c.allocate();
            assertThat(c.bind(0x4000, (InetSocketAddress) peer.getLocalSocketAddress()).messageClass()).isEqualTo(StunClass.SUCCESS_RESPONSE);
            peer.send(new DatagramPacket(new byte[] {5}, 1, relayed));
            assertThat(c.receive()).containsExactly(0x40, 0x00, 0x00, 0x01, 5);
        }
    }

    @Test
    void theBandwidthCapDropsWhatExceedsIt() throws Exception {
        start(Map.of("turn.bandwidth-per-allocation", "10 KiB"));
        try (TurnTestClient c = client("alice"); DatagramSocket peer = peer()) {
            c.allocate();
            c.bind(0x4000, (InetSocketAddress) peer.getLocalSocketAddress());
            byte[] kb = new byte[1024];
            for (int i = 0; i < 40; i++) {
                c.channelData(0x4000, kb);
            }
            int received = 0;
            peer.setSoTimeout(500);
            try {
                while (true) {
                    receive(peer);
                    received++;
                }
            } catch (java.net.SocketTimeoutException done) {
                // all that came
            }
            assertThat(received).isBetween(5, 12);
            assertThat(relay.server.metrics().scrape()).containsPattern("junction_turn_drops_total\\{reason=\"rate_limited\"} [1-9]");
        }
    }
}
