package dev.junction.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.relay.config.ConfigException;
import dev.junction.relay.net.Transports;
import dev.junction.wire.Bytes;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.udp.UdpCodec;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.Unpooled;
import java.net.BindException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several UDP sockets share the relay's port (SO_REUSEPORT, issue 18): the kernel spreads clients
 * over them, every datagram still leaves from the relay's one address, circuits between clients on
 * different sockets relay both ways, and a second relay cannot take the port by setting
 * SO_REUSEPORT too.
 */
class ReusePortTest {
    static final int SOCKETS = 4;
    static final int CLIENTS = 12;
    private static final Pattern READS = Pattern.compile("junction_udp_socket_datagrams_total\\{family=\"ipv4\",socket=\"(\\d+)\"} (\\d+)\\.0");

    @TempDir
    Path dir;
    @AutoClose
    TestRelay relay;
    @AutoClose
    final Closer open = new Closer();

    record Client(Identity id, TestClient control, UdpPeer udp) {
    }

    Client client() throws Exception {
        Identity id = Identity.generate();
        TestClient c = relay.client();
        open.keep(c);
        var login = c.loginOk(id, relay.token(id.peerId()));
        UdpPeer u = new UdpPeer(relay.server.stunAddress());
        open.keep(u);
        assertThat(u.bind(login.reservation(), login.udpBindKey()).observed()).isEqualTo(u.address());
        return new Client(id, c, u);
    }

    int circuit(Client a, Client b) throws Exception {
        a.control().send(new CircuitFrames.Connect(1, b.id().peerId()));
        CircuitFrames.Incoming in = b.control().expect(CircuitFrames.Incoming.class);
        b.control().send(new CircuitFrames.Accept(in.circuit()));
        a.control().expect(CircuitFrames.CircuitOpen.class);
        b.control().expect(CircuitFrames.CircuitOpen.class);
        return in.circuit();
    }

    /** The next datagram, which must come from the relay's one UDP address whichever socket sent it. */
    UdpFrame receiveFromRelay(UdpPeer u) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        u.socket.receive(p);
        assertThat(p.getSocketAddress()).isEqualTo(relay.server.stunAddress());
        return UdpCodec.decode(Unpooled.wrappedBuffer(buf, 0, p.getLength()));
    }

    @Test
    void socketsSharingThePortSpreadClientsAndRelayBetweenThem() throws Exception {
        assertThat(Transports.reusePort()).as("the epoll transport loads here").isTrue();
        relay = TestRelay.start(dir, Map.of("udp-sockets", SOCKETS));
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(client());
        }
        // Every client sends to every other through a circuit: some pairs sit on different sockets.
        for (int i = 0; i < CLIENTS; i += 2) {
            Client a = clients.get(i);
            Client b = clients.get(i + 1);
            int id = circuit(a, b);
            a.udp().send(new UdpFrame.RelayData(id, Bytes.fromHex("a1")));
            assertThat(receiveFromRelay(b.udp())).isEqualTo(new UdpFrame.RelayData(id, Bytes.fromHex("a1")));
            b.udp().send(new UdpFrame.RelayData(id, Bytes.fromHex("b2")));
            assertThat(receiveFromRelay(a.udp())).isEqualTo(new UdpFrame.RelayData(id, Bytes.fromHex("b2")));
        }
        long total = 0;
        int used = 0;
        int sockets = 0;
        Matcher m = READS.matcher(relay.server.metrics().scrape());
        while (m.find()) {
            sockets++;
            long n = Long.parseLong(m.group(2));
            total += n;
            used += n > 0 ? 1 : 0;
        }
        assertThat(sockets).isEqualTo(SOCKETS);
        // 12 BINDs and 12 relayed datagrams; twelve clients all hashed onto one of four sockets would be a 1 in 4^11 chance.
        assertThat(total).isEqualTo(2L * CLIENTS);
        assertThat(used).isGreaterThan(1);
    }

    @Test
    void aSecondRelaySettingReusePortTooCannotShareThePort() throws Exception {
        relay = TestRelay.start(dir.resolve("a"), Map.of("udp-sockets", 2));
        int stun = relay.server.stunAddress().getPort();
        assertThatThrownBy(() -> TestRelay.start(dir.resolve("b"), Map.of("stun-port", stun, "udp-sockets", 2)).close())
                .isInstanceOf(BindException.class)
                .hasMessageContaining("stun: udp on 127.0.0.1:" + stun)
                .hasMessageContaining("junction.relay.stun-port");
        // And a relay on one socket is refused by one holding the port with several.
        assertThatThrownBy(() -> TestRelay.start(dir.resolve("c"), Map.of("stun-port", stun, "udp-sockets", 1)).close())
                .isInstanceOf(BindException.class)
                .hasMessageContaining("stun: udp on 127.0.0.1:" + stun);
        InetSocketAddress still = relay.server.stunAddress();
        assertThat(still.getPort()).isEqualTo(stun);
    }

    @Test
    void aBurstIsReadInBatchesAndRelayedWholeAndInOrder() throws Exception {
        relay = TestRelay.start(dir, Map.of("udp-sockets", 1, "udp-read-batch", 16));
        Client a = client();
        Client b = client();
        int id = circuit(a, b);
        // Bursts of 32 (a batch read takes up to 16 at once): as many as the receiving test socket's default
        // buffer holds, so what is checked is the relay, not the test's own kernel queue.
        int burst = 32;
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < burst; i++) {
                byte[] payload = new byte[1200];
                payload[0] = (byte) round;
                payload[1] = (byte) i;
                a.udp().send(new UdpFrame.RelayData(id, Bytes.of(payload)));
            }
            for (int i = 0; i < burst; i++) {
                UdpFrame.RelayData d = (UdpFrame.RelayData) receiveFromRelay(b.udp());
                assertThat(d.payload().length()).isEqualTo(1200);
                assertThat(new int[] {d.payload().get(0), d.payload().get(1)}).containsExactly(round, i);
            }
        }
    }

    @Test
    void tooManySocketsIsAConfigErrorNamingTheKey() {
        assertThatThrownBy(() -> TestRelay.start(dir, Map.of("udp-sockets", 65)).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("junction.relay.udp-sockets")
                .hasMessageContaining("at most 64");
        assertThatThrownBy(() -> TestRelay.start(dir, Map.of("udp-sockets", -1)).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("junction.relay.udp-sockets");
        assertThatThrownBy(() -> TestRelay.start(dir, Map.of("udp-read-batch", 0)).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("junction.relay.udp-read-batch");
        assertThatThrownBy(() -> TestRelay.start(dir, Map.of("udp-read-batch", 65)).close())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("junction.relay.udp-read-batch")
                .hasMessageContaining("at most 64");
    }
}
