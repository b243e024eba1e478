package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.client.ClientListener;
import dev.junction.client.ClientOptions;
import dev.junction.client.JunctionException;
import dev.junction.client.Session;
import dev.junction.client.Stream;
import dev.junction.client.TraversalClient;
import dev.junction.relay.tls.KeyRotation;
import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.control.KeyEndorsement;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.IdentityFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay's operator rotates its identity key (junction rotate-key) and restarts it: clients that
 * pinned the old relay address are not stranded. Running clients log back in to the new key and
 * report the new address; a client started later with the old address follows the endorsement too;
 * a relay whose new key the pinned one never endorsed is refused as before.
 */
class KeyRotationEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void clientsThatPinnedTheOldKeyFollowTheRotatedRelayAndStillConnect() throws Exception {
        LoopbackRelay relay = LoopbackRelay.start(dir, Map.of());
        int control = relay.server.controlAddress().getPort();
        int stun = relay.server.stunAddress().getPort();
        RelayAddress oldAddress = relay.address();
        ClientOptions options = ClientOptions.DEFAULTS.withPunch(false);
        List<String> bobRelays = new CopyOnWriteArrayList<>();
        Identity bobId = Identity.generate();
        Identity carolId = Identity.generate();
        String bobToken = relay.token(bobId.peerId(), Instant.now().plusSeconds(3600));
        String carolToken = relay.token(carolId.peerId(), Instant.now().plusSeconds(3600));
        try (TraversalClient bob = TraversalClient.builder().identity(bobId).relay(oldAddress).token(bobToken).options(options)
                .onSession(SessionEndToEndTest::echoEveryStream)
                .listener(new ClientListener() {
                    @Override
                    public void relayConnected(String relayAddress) {
                        bobRelays.add(relayAddress);
                    }
                }).start()) {
            relay.close();
            KeyRotation.Rotated r = KeyRotation.rotate(dir.resolve("relay/relay.key"), Duration.ofDays(1), Instant.now());
            relay = LoopbackRelay.start(dir, Map.of("control-port", control, "stun-port", stun));
            RelayAddress newAddress = relay.address();
            assertThat(newAddress.relayId()).isEqualTo(r.next());

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!bob.relay().equals(newAddress.toString()) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(bob.relay()).as("the running client logged back in and pins the new key").isEqualTo(newAddress.toString());
            while (!bobRelays.contains(newAddress.toString()) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(bobRelays).as("the app hears the new address").contains(oldAddress.toString(), newAddress.toString());

            try (TraversalClient carol = TraversalClient.builder().identity(carolId).relay(oldAddress).token(carolToken)
                    .options(options).start()) {
                assertThat(carol.relay()).as("a client given the old address follows as well").isEqualTo(newAddress.toString());
                Session s = carol.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
                Stream st = s.openStream().get(5, TimeUnit.SECONDS);
                st.output().write("after the rotation".getBytes());
                st.shutdownOutput();
                assertThat(new String(st.input().readAllBytes())).isEqualTo("after the rotation");
            }
        } finally {
            relay.close();
        }
    }

    @Test
    void aNewKeyThePinnedOneNeverEndorsedIsRefused() throws Exception {
        Path key = dir.resolve("relay/relay.key");
        Identity pinned = Identity.generate();
        Identity served = Identity.generate();
        IdentityFile.write(served, key);
        // Someone else's key vouches for the served one: worthless to a client that pinned `pinned`.
        Files.writeString(KeyRotation.endorsementFile(key),
                KeyEndorsement.sign(Identity.generate(), served.peerId(), Instant.now().plusSeconds(3600)).toText() + "\n");
        try (LoopbackRelay relay = LoopbackRelay.start(dir, Map.of())) {
            RelayAddress pinnedAddress = new RelayAddress("127.0.0.1", relay.server.controlAddress().getPort(), pinned.peerId());
            Identity me = Identity.generate();
            assertThatThrownBy(() -> TraversalClient.builder().identity(me).relay(pinnedAddress)
                    .token(relay.token(me.peerId(), Instant.now().plusSeconds(60))).start())
                    .isInstanceOf(JunctionException.class).hasMessageContaining("not the one in the relay address")
                    .hasMessageContaining("vouches for nothing");
        }
    }
}
