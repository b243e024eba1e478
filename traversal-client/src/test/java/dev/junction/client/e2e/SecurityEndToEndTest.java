package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.client.ClientOptions;
import dev.junction.client.JunctionException;
import dev.junction.client.PathKind;
import dev.junction.client.Session;
import dev.junction.client.Stream;
import dev.junction.client.TraversalClient;
import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.identity.Identity;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the relay can and cannot see or do, and the errors a client gets when something is wrong. */
class SecurityEndToEndTest {
    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T keep(T t) {
        open.add(t);
        return t;
    }

    @Test
    void theRelaySeesCiphertextOnly() throws Exception {
        LoopbackRelay relay = keep(LoopbackRelay.start(dir, Map.of()));
        InetAddress tapAddress = InetAddress.getByName("127.0.0.3");
        WireTap tap = keep(new WireTap(tapAddress, relay.server.controlAddress(), relay.server.stunAddress()));
        RelayAddress viaTap = new RelayAddress("127.0.0.3", relay.server.controlAddress().getPort(), relay.server.identity().peerId());

        Identity bobId = Identity.generate();
        Identity aliceId = Identity.generate();
        TraversalClient bob = keep(TraversalClient.builder().identity(bobId).relay(viaTap)
                .options(ClientOptions.DEFAULTS.withPunch(false)).token(relay.token(bobId.peerId(), Instant.now().plusSeconds(600)))
                .onSession(SessionEndToEndTest::echoEveryStream).start());
        TraversalClient alice = keep(TraversalClient.builder().identity(aliceId).relay(viaTap)
                .options(ClientOptions.DEFAULTS.withPunch(false)).token(relay.token(aliceId.peerId(), Instant.now().plusSeconds(600))).start());
        Session session = alice.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
        assertThat(session.activePath().kind()).isEqualTo(PathKind.RELAY_UDP);
        assertThat(session.activePath().remote().getAddress()).isEqualTo(tapAddress);

        try (java.net.DatagramSocket probe = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            byte[] clear = "CLEARTEXT-CONTROL-PROBE".getBytes(StandardCharsets.US_ASCII);
            probe.send(new java.net.DatagramPacket(clear, clear.length, new InetSocketAddress(tapAddress, relay.server.stunAddress().getPort())));
        }
        byte[] secret = "THE-PLAINTEXT-MARKER-0123456789".repeat(40).getBytes(StandardCharsets.US_ASCII);
        Stream stream = session.openStream().get(5, TimeUnit.SECONDS);
        try (OutputStream out = stream.output()) {
            for (int i = 0; i < 50; i++) {
                out.write(secret);
            }
        }
        byte[] echoed = stream.input().readAllBytes();
        assertThat(echoed).hasSize(secret.length * 50);

        byte[] seen = tap.recorded();
        // The tap did see the whole conversation (twice the payload at least, both directions)...
        assertThat(seen.length).isGreaterThan(2 * secret.length * 50);
        // ...and not one 16-byte piece of it in the clear.
        String wire = new String(seen, StandardCharsets.ISO_8859_1);
        assertThat(wire).doesNotContain("PLAINTEXT-MARKER");
        // Positive control: the same check finds text that did cross the tap in the clear.
        assertThat(wire).contains("CLEARTEXT-CONTROL-PROBE");
    }

    @Test
    void connectingToAPeerWithoutAReservationSaysSo() throws Exception {
        LoopbackRelay relay = keep(LoopbackRelay.start(dir, Map.of()));
        TraversalClient alice = keep(relay.client(ClientOptions.DEFAULTS, null));
        assertThatThrownBy(() -> alice.connect(Identity.generate().peerId()).get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(JunctionException.class)
                .hasMessageContaining("holds no reservation");
    }

    @Test
    void aPeerThatAcceptsNoSessionsRefusesThem() throws Exception {
        LoopbackRelay relay = keep(LoopbackRelay.start(dir, Map.of()));
        TraversalClient bob = keep(relay.client(ClientOptions.DEFAULTS, null));
        TraversalClient alice = keep(relay.client(ClientOptions.DEFAULTS, null));
        assertThatThrownBy(() -> alice.connect(bob.peerId()).get(10, TimeUnit.SECONDS))
                .cause().isInstanceOf(JunctionException.class).hasMessageContaining("refused");
    }

    @Test
    void aRelayWhoseKeyIsNotThePinnedOneIsRefused() throws Exception {
        LoopbackRelay relay = keep(LoopbackRelay.start(dir, Map.of()));
        Identity me = Identity.generate();
        RelayAddress impostor = new RelayAddress("127.0.0.1", relay.server.controlAddress().getPort(), Identity.generate().peerId());
        assertThatThrownBy(() -> TraversalClient.builder().identity(me).relay(impostor)
                .token(relay.token(me.peerId(), Instant.now().plusSeconds(60))).start())
                .isInstanceOf(JunctionException.class).hasMessageContaining("not the one in the relay address");
    }

    @Test
    void anExpiredTokenFailsStartWithWhatToDo() throws Exception {
        LoopbackRelay relay = keep(LoopbackRelay.start(dir, Map.of()));
        Identity me = Identity.generate();
        assertThatThrownBy(() -> TraversalClient.builder().identity(me).relay(relay.address())
                .token(relay.token(me.peerId(), Instant.now().minusSeconds(5))).start())
                .isInstanceOf(JunctionException.class).hasMessageContaining("relay refused login").hasMessageContaining("expired");
    }

    @Test
    void aRelayThatIsNotThereFailsStartInBoundedTime() throws Exception {
        Identity me = Identity.generate();
        RelayAddress nobody = new RelayAddress("127.0.0.1", 9, Identity.generate().peerId());
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> TraversalClient.builder().identity(me).relay(nobody)
                .options(ClientOptions.builder().connectTimeout(Duration.ofSeconds(5)).sessionIdleTimeout(Duration.ofSeconds(30)).build()).start())
                .isInstanceOf(JunctionException.class).hasMessageContaining("127.0.0.1:9");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void theClientSeesItsPublicUdpAddress() throws Exception {
        LoopbackRelay relay = keep(LoopbackRelay.start(dir, Map.of()));
        TraversalClient alice = keep(relay.client(ClientOptions.DEFAULTS, null));
        InetSocketAddress mapped = alice.publicUdpAddress();
        assertThat(mapped).isNotNull();
        assertThat(mapped.getPort()).isEqualTo(alice.localAddress().getPort());
    }
}
