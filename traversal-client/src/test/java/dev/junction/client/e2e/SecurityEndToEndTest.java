package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.relay.Closer;
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
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the relay can and cannot see or do, and the errors a client gets when something is wrong. */
class SecurityEndToEndTest {
    @TempDir
    Path dir;
    @AutoClose
    private final Closer open = new Closer();

    private <T extends AutoCloseable> T keep(T t) {
        return open.keep(t);
    }

    /** A relay on loopback with a tap in front of it on {@code ip}: clients given {@code address} go through the tap. */
    private record Tapped(LoopbackRelay relay, WireTap tap, InetAddress ip, RelayAddress address) {
    }

    private Tapped tapped(String ip) throws Exception {
        LoopbackRelay relay = keep(LoopbackRelay.start(dir, Map.of()));
        InetAddress at = InetAddress.getByName(ip);
        WireTap tap = keep(new WireTap(at, relay.server.controlAddress(), relay.server.stunAddress()));
        return new Tapped(relay, tap, at, new RelayAddress(ip, relay.server.controlAddress().getPort(), relay.server.identity().peerId()));
    }

    /** A client through the tap, relayed only (punching off); it echoes every stream when {@code echo}. */
    private TraversalClient throughTap(Tapped t, boolean echo) throws Exception {
        Identity id = Identity.generate();
        TraversalClient.Builder b = TraversalClient.builder().identity(id).relay(t.address()).options(ClientOptions.DEFAULTS.withPunch(false))
                .token(t.relay().token(id.peerId(), Instant.now().plusSeconds(600)));
        if (echo) {
            b.onSession(SessionEndToEndTest::echoEveryStream);
        }
        return keep(b.start());
    }

    @Test
    void theRelaySeesCiphertextOnly() throws Exception {
        Tapped t = tapped("127.0.0.3");
        LoopbackRelay relay = t.relay();
        WireTap tap = t.tap();
        InetAddress tapAddress = t.ip();
        TraversalClient bob = throughTap(t, true);
        TraversalClient alice = throughTap(t, false);
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

    /**
     * A relay that alters relayed datagrams (one bit in every seventh, both ways) causes no corrupted
     * delivery: QUIC's packet protection rejects each altered packet, and the lost data is sent again.
     */
    @Test
    void aRelayThatFlipsBitsDeliversNothingCorrupted() throws Exception {
        Tapped t = tapped("127.0.0.4");
        WireTap tap = t.tap();
        TraversalClient bob = throughTap(t, true);
        TraversalClient alice = throughTap(t, false);
        Session session = alice.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
        assertThat(session.activePath().kind()).isEqualTo(PathKind.RELAY_UDP);
        tap.flipEvery(7);
        byte[] sent = new byte[1 << 20];
        new java.util.Random(7).nextBytes(sent);
        Stream stream = session.openStream().get(5, TimeUnit.SECONDS);
        Thread writer = new Thread(() -> {
            try (OutputStream out = stream.output()) {
                out.write(sent);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        byte[] echoed = stream.input().readAllBytes();
        writer.join(10_000);
        assertThat(tap.flipped()).as("datagrams the tap altered").isGreaterThan(100);
        assertThat(echoed).as("every byte back, none altered").isEqualTo(sent);
    }

    /**
     * A relay that routes a new circuit to someone other than the PeerId asked for (here the tap
     * moves Alice's new circuit to Bob onto her existing circuit to Mallory): the QUIC handshake
     * meets Mallory's certificate, the session fails with an error that says the peer could not
     * prove it is Bob, and nothing Alice would have sent reaches Mallory.
     */
    @Test
    void aCircuitToSomeoneElseFailsTheSessionAndDeliversNothing() throws Exception {
        Tapped t = tapped("127.0.0.5");
        LoopbackRelay relay = t.relay();
        WireTap tap = t.tap();
        ClientOptions relayedOnly = ClientOptions.DEFAULTS.withPunch(false);
        java.util.concurrent.atomic.AtomicLong malloryReceived = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicInteger mallorySessions = new java.util.concurrent.atomic.AtomicInteger();
        TraversalClient mallory = keep(relay.builder(Identity.generate()).options(relayedOnly).onSession(s -> {
            mallorySessions.incrementAndGet();
            s.onStream(stream -> {
                try {
                    malloryReceived.addAndGet(stream.input().transferTo(java.io.OutputStream.nullOutputStream()));
                } catch (java.io.IOException e) {
                    stream.close();
                }
            });
        }).start());
        TraversalClient bob = keep(relay.builder(Identity.generate()).options(relayedOnly).onSession(SessionEndToEndTest::echoEveryStream).start());
        TraversalClient alice = throughTap(t, false);
        Session toMallory = alice.connect(mallory.peerId()).get(10, TimeUnit.SECONDS);
        assertThat(toMallory.activePath().kind()).isEqualTo(PathKind.RELAY_UDP);
        assertThat(tap.circuitsSeen()).hasSize(1);
        tap.hijackNewCircuitsTo(tap.circuitsSeen().iterator().next());

        assertThatThrownBy(() -> alice.connect(bob.peerId()).get(15, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOf(JunctionException.class)
                .hasMessageContaining("could not prove it is " + bob.peerId());
        assertThat(mallorySessions.get()).as("Mallory accepted only Alice's real session, or a second one Alice abandoned").isBetween(1, 2);
        assertThat(malloryReceived.get()).as("bytes that reached Mallory").isZero();
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
