package dev.junction.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.relay.config.ConfigException;
import dev.junction.relay.config.RelayConfigLoader;
import dev.junction.wire.Bytes;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.stun.StunAttribute;
import dev.junction.wire.stun.StunDecoder;
import dev.junction.wire.stun.StunEncoder;
import dev.junction.wire.stun.StunMessage;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay bound to an IPv4 and an IPv6 address (issue #19): every listener in both families on the
 * same port numbers, a relay address per family, clients of either family logging in and relaying
 * to each other, and the families counted apart.
 */
class DualStackRelayTest {
    static final InetAddress V4 = ip("127.0.0.1");
    static final InetAddress V6 = ip("::1");

    @TempDir
    Path dir;
    @AutoClose
    TestRelay relay;
    @AutoClose
    final Closer open = new Closer();

    @Test
    void listensInBothFamiliesWithARelayAddressEach() throws Exception {
        relay = TestRelay.start(dir, Map.of("bind", List.of("127.0.0.1", "::1"), "admin.bind", List.of("127.0.0.1", "::1")));
        RelayServer s = relay.server;
        assertThat(s.addresses()).hasSize(2);
        int adminPort = s.adminAddress().getPort();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (String host : new String[] {"127.0.0.1", "[::1]"}) {
            assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + host + ":" + adminPort + "/healthz")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).as("admin on " + host).isEqualTo(200);
        }
        assertThat(s.addresses().get(0).toString()).startsWith("/ip4/127.0.0.1/tcp/");
        assertThat(s.addresses().get(1).toString()).startsWith("/ip6/::1/tcp/").endsWith("/tls/p2p/" + s.identity().peerId());
        int udpPort = s.stunAddress().getPort();
        assertThat(s.udpAddresses()).containsExactlyInAnyOrder(new InetSocketAddress(V4, udpPort), new InetSocketAddress(V6, udpPort));
        assertThat(s.stunTcpAddresses()).extracting(InetSocketAddress::getAddress).containsExactly(V4, V6);
        assertThat(s.controlAddresses()).extracting(InetSocketAddress::getAddress).containsExactly(V4, V6);

        // STUN over IPv6 reflects the IPv6 source.
        try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(V6, 0))) {
            u.setSoTimeout(3000);
            StunMessage request = StunMessage.bindingRequest();
            ByteBuf b = Unpooled.buffer();
            StunEncoder.PLAIN.encode(request, b);
            u.send(new DatagramPacket(b.array(), b.readableBytes(), new InetSocketAddress(V6, udpPort)));
            byte[] buf = new byte[1500];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            u.receive(p);
            StunMessage response = StunDecoder.decode(Unpooled.wrappedBuffer(buf, 0, p.getLength()));
            assertThat(response.attribute(StunAttribute.XorMappedAddress.class).orElseThrow().address())
                    .isEqualTo(u.getLocalSocketAddress());
        }
    }

    @Test
    void anIpv4AndAnIpv6ClientRelayToEachOtherAndAreCountedByFamily() throws Exception {
        relay = TestRelay.start(dir, Map.of("bind", List.of("127.0.0.1", "::1")));
        RelayServer s = relay.server;
        Identity a = Identity.generate();
        Identity b = Identity.generate();
        TestClient ca = open.keep(TestClient.connect(s.controlAddresses().get(0), s.identity().peerId()));
        TestClient cb = open.keep(TestClient.connect(s.controlAddresses().get(1), s.identity().peerId()));
        LoginFrames.LoginOk la = ca.loginOk(a, relay.token(a.peerId()));
        LoginFrames.LoginOk lb = cb.loginOk(b, relay.token(b.peerId()));
        assertThat(la.observed().getAddress()).isEqualTo(V4);
        assertThat(lb.observed().getAddress()).isInstanceOf(Inet6Address.class).isEqualTo(V6);
        assertThat(lb.udpPort()).isEqualTo(la.udpPort()).isEqualTo(s.stunAddress().getPort());

        UdpPeer ua = open.keep(new UdpPeer(new InetSocketAddress(V4, la.udpPort())));
        UdpPeer ub = open.keep(new UdpPeer(new InetSocketAddress(V6, lb.udpPort()), new InetSocketAddress(V6, 0)));
        assertThat(ua.bind(la.reservation(), la.udpBindKey()).observed()).isEqualTo(ua.address());
        UdpFrame.BindAck ackB = ub.bind(lb.reservation(), lb.udpBindKey());
        assertThat(ackB.observed()).isEqualTo(ub.address());
        assertThat(ackB.attestation().address()).isEqualTo(ub.address()); // the relay vouches for the IPv6 address

        ca.send(new CircuitFrames.Connect(1, b.peerId()));
        CircuitFrames.Incoming in = cb.expect(CircuitFrames.Incoming.class);
        cb.send(new CircuitFrames.Accept(in.circuit()));
        ca.expect(CircuitFrames.CircuitOpen.class);
        cb.expect(CircuitFrames.CircuitOpen.class);
        ua.send(new UdpFrame.RelayData(in.circuit(), Bytes.fromHex("0102030405")));
        assertThat(((UdpFrame.RelayData) ub.receive()).payload()).isEqualTo(Bytes.fromHex("0102030405"));
        ub.send(new UdpFrame.RelayData(in.circuit(), Bytes.fromHex("0607")));
        assertThat(((UdpFrame.RelayData) ua.receive()).payload()).isEqualTo(Bytes.fromHex("0607"));

        String metrics = s.metrics().scrape();
        assertThat(metrics).contains("junction_logins_by_family_total{family=\"ipv4\"} 1.0")
                .contains("junction_logins_by_family_total{family=\"ipv6\"} 1.0")
                .contains("junction_relayed_by_family_bytes_total{direction=\"in\",family=\"ipv4\"} 5.0")
                .contains("junction_relayed_by_family_bytes_total{direction=\"out\",family=\"ipv6\"} 5.0")
                .contains("junction_relayed_by_family_bytes_total{direction=\"in\",family=\"ipv6\"} 2.0")
                .contains("junction_relayed_by_family_bytes_total{direction=\"out\",family=\"ipv4\"} 2.0");
    }

    /**
     * A client whose HELLO says DUAL_STACK learns the relay's UDP address in the other family from
     * LOGIN_OK and gets the relay's statement of its address there with ATTEST, while its binding (and
     * so its relayed datagrams) stays in the family it bound; a replayed ATTEST gets nothing.
     */
    @Test
    void aDualStackClientGetsTheRelaysStatementOfItsOtherFamilyWithoutMovingItsBinding() throws Exception {
        relay = TestRelay.start(dir, Map.of("bind", List.of("127.0.0.1", "::1")));
        RelayServer s = relay.server;
        int udpPort = s.stunAddress().getPort();
        Identity a = Identity.generate();
        Identity b = Identity.generate();
        TestClient ca = open.keep(TestClient.connect(s.controlAddresses().get(0), s.identity().peerId()));
        LoginFrames.LoginOk la = (LoginFrames.LoginOk) ca.login(a, relay.token(a.peerId()), LoginFrames.Hello.DUAL_STACK);
        assertThat(la.otherFamilies()).containsExactly(new InetSocketAddress(V6, udpPort));
        TestClient cb = open.keep(TestClient.connect(s.controlAddresses().get(0), s.identity().peerId()));
        assertThat(cb.loginOk(b, relay.token(b.peerId())).otherFamilies()).as("only to clients that asked").isEmpty();

        // A's one socket: bound over IPv4, attested over IPv6 (two sockets here, as the client's one dual-stack socket has two sources).
        UdpPeer v4 = open.keep(new UdpPeer(new InetSocketAddress(V4, udpPort)));
        UdpPeer v6 = open.keep(new UdpPeer(new InetSocketAddress(V6, udpPort), new InetSocketAddress(V6, 0)));
        assertThat(v4.bind(la.reservation(), la.udpBindKey()).observed()).isEqualTo(v4.address());
        long nonce = System.currentTimeMillis() * 1000;
        v6.send(UdpFrame.Attest.signed(la.udpBindKey().toArray(), la.reservation(), nonce));
        UdpFrame.BindAck ack = (UdpFrame.BindAck) v6.receive();
        assertThat(ack.nonce()).isEqualTo(nonce);
        assertThat(ack.observed()).isEqualTo(v6.address());
        assertThat(ack.attestation().address()).isEqualTo(v6.address());
        assertThat(ack.attestation().validFor(a.peerId(), java.util.Set.of(s.identity().peerId()), java.time.Instant.now())).isTrue();
        // The binding did not move: PING from the IPv4 socket is still answered, from the IPv6 one it is not.
        v4.send(new UdpFrame.Ping(1));
        assertThat(v4.receive()).isInstanceOf(UdpFrame.Pong.class);
        v6.send(new UdpFrame.Ping(2));
        v6.socket.setSoTimeout(500);
        assertThat(v6.receive()).as("IPv6 is not bound").isNull();
        // Replayed, or signed with another key: nothing comes back.
        v6.send(UdpFrame.Attest.signed(la.udpBindKey().toArray(), la.reservation(), nonce));
        assertThat(v6.receive()).isNull();
        v6.send(UdpFrame.Attest.signed(new byte[16], la.reservation(), nonce + 1));
        assertThat(v6.receive()).isNull();
    }

    @Test
    void aBindListMustBeOneAddressPerFamily() {
        assertThatThrownBy(() -> RelayConfigLoader.load(Optional.empty(), Map.of("bind", List.of("127.0.0.1", "127.0.0.2"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'junction.relay.bind'").hasMessageContaining("one IPv4 and one IPv6");
        assertThatThrownBy(() -> RelayConfigLoader.load(Optional.empty(), Map.of("bind", List.of("127.0.0.1", "::"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("dual-stack");
        assertThatThrownBy(() -> RelayConfigLoader.load(Optional.empty(), Map.of("bind", "127.0.0.1", "alt-ip", "::2",
                "stun-alt-port", 3479)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("'junction.relay.alt-ip'").hasMessageContaining("no bind address is");
        assertThat(RelayConfigLoader.load(Optional.empty(), Map.of("bind", List.of("127.0.0.1", "::1"), "alt-ip", List.of("127.0.0.2", "::2"),
                "stun-alt-port", 3479)).binds()).extracting(b -> b.altIp().orElseThrow().getHostAddress())
                .containsExactly("127.0.0.2", "0:0:0:0:0:0:0:2");
    }

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
