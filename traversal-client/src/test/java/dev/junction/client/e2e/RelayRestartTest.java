package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.client.ClientOptions;
import dev.junction.client.PathKind;
import dev.junction.client.Session;
import dev.junction.client.Stream;
import dev.junction.client.TraversalClient;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay restarts under a relayed session that is moving data: both clients log in again by
 * themselves, the caller gets a new circuit and resumes the session on it, and the stream arrives
 * whole (nothing lost, nothing doubled), in both relay transports. A relay that dies for good is
 * replaced by the next configured one, and the session resumes there.
 */
class RelayRestartTest {
    static final int MEGABYTES = 24;

    @TempDir
    Path dir;

    @Test
    void aRelayedSessionResumesAfterTheRelayRestartsOverUdp() throws Exception {
        survivesRestart(true);
    }

    @Test
    void aRelayedSessionResumesAfterTheRelayRestartsOverTls() throws Exception {
        survivesRestart(false);
    }

    @Test
    void aRelayedSessionMovesToTheNextConfiguredRelayWhenItsRelayDies() throws Exception {
        try (LoopbackRelay second = LoopbackRelay.start(dir.resolve("b"), Map.of())) {
            Path secret = second.server.config().admission().secretFile();
            LoopbackRelay first = LoopbackRelay.start(dir.resolve("a"), Map.of("admission.secret-file", secret.toString()));
            ClientOptions options = ClientOptions.DEFAULTS.withPunch(false);
            try (TraversalClient bob = first.builder(dev.junction.wire.identity.Identity.generate()).relay(second.address())
                         .options(options).onSession(SessionEndToEndTest::echoEveryStream).start();
                 TraversalClient alice = first.builder(dev.junction.wire.identity.Identity.generate()).relay(second.address())
                         .options(options).start()) {
                Session session = alice.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
                Stream before = session.openStream().get(5, TimeUnit.SECONDS);
                before.output().write("on the first relay".getBytes());
                before.shutdownOutput();
                assertThat(new String(before.input().readAllBytes())).isEqualTo("on the first relay");

                first.close(); // gone for good: both clients fall back to the second relay
                Stream after = session.openStream().get(30, TimeUnit.SECONDS);
                after.output().write("on the second relay".getBytes());
                after.shutdownOutput();
                assertThat(new String(after.input().readAllBytes())).isEqualTo("on the second relay");
                assertThat(session.closeFuture()).isNotDone();
                assertThat(second.server.metrics().scrape()).contains("junction_circuits_opened_total 1.0");
            }
        }
    }

    private void survivesRestart(boolean udp) throws Exception {
        LoopbackRelay relay = LoopbackRelay.start(dir, Map.of());
        int control = relay.server.controlAddress().getPort();
        int stun = relay.server.stunAddress().getPort();
        ClientOptions options = ClientOptions.DEFAULTS.withRelayUdp(udp).withPunch(false);
        LoopbackRelay[] current = {relay};
        try (TraversalClient bob = relay.client(options, SessionEndToEndTest::digestEveryStream);
             TraversalClient alice = relay.client(options, null)) {
            Session session = alice.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
            List<PathKind> paths = new CopyOnWriteArrayList<>();
            session.onPathChange(p -> paths.add(p.kind()));
            Stream stream = session.openStream().get(5, TimeUnit.SECONDS);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Random random = new Random(3);
            byte[] chunk = new byte[64 << 10];
            CompletableFuture<Void> restarted = new CompletableFuture<>();
            long[] downMillis = new long[1];
            try (OutputStream out = stream.output()) {
                for (int i = 0; i < MEGABYTES * 16; i++) {
                    random.nextBytes(chunk);
                    sha.update(chunk);
                    out.write(chunk);
                    if (i == MEGABYTES * 4) { // a quarter through: the relay goes down and comes back
                        long t0 = System.nanoTime();
                        current[0].close();
                        Thread.sleep(300);
                        current[0] = LoopbackRelay.start(dir, Map.of("control-port", control, "stun-port", stun));
                        downMillis[0] = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                        restarted.complete(null);
                    }
                }
            }
            assertThat(restarted).isDone();
            assertThat(stream.input().readAllBytes()).as("digest of what arrived").isEqualTo(sha.digest());
            assertThat(session.closeFuture()).isNotDone();
            assertThat(paths).as("the resumed session reports its relayed path again").contains(udp ? PathKind.RELAY_UDP : PathKind.RELAY_TCP);
            System.out.println("relay down " + downMillis[0] + " ms; " + MEGABYTES + " MB arrived intact (" + (udp ? "udp" : "tls") + ")");
        } finally {
            current[0].close();
        }
    }
}
