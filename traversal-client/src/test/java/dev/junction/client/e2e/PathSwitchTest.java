package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.client.ClientOptions;
import dev.junction.client.PathInfo;
import dev.junction.client.PathKind;
import dev.junction.client.Session;
import dev.junction.client.Stream;
import dev.junction.client.TraversalClient;
import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.identity.Identity;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live stream keeps every byte, in order, while its session moves from relay-udp to relay-tcp
 * (UDP starts being dropped) and back (UDP works again).
 */
class PathSwitchTest {
    @TempDir
    Path dir;

    @Test
    void aTransferSurvivesUdpDisappearingAndComingBack() throws Exception {
        ClientOptions fastKeepalive = ClientOptions.builder().keepalive(Duration.ofSeconds(1)).connectTimeout(Duration.ofSeconds(10))
                .sessionIdleTimeout(Duration.ofSeconds(30)).punch(false).build();
        try (LoopbackRelay relay = LoopbackRelay.start(dir, Map.of());
             WireTap tap = new WireTap(InetAddress.getByName("127.0.0.4"), relay.server.controlAddress(), relay.server.stunAddress())) {
            RelayAddress viaTap = new RelayAddress("127.0.0.4", relay.server.controlAddress().getPort(), relay.server.identity().peerId());
            Identity bobId = Identity.generate();
            Identity aliceId = Identity.generate();
            try (TraversalClient bob = TraversalClient.builder().identity(bobId).relay(viaTap).options(fastKeepalive)
                    .token(relay.token(bobId.peerId(), Instant.now().plusSeconds(600)))
                    .onSession(SessionEndToEndTest::digestEveryStream).start();
                 TraversalClient alice = TraversalClient.builder().identity(aliceId).relay(viaTap).options(fastKeepalive)
                         .token(relay.token(aliceId.peerId(), Instant.now().plusSeconds(600))).start()) {
                Session session = alice.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
                List<PathKind> path = new CopyOnWriteArrayList<>();
                path.add(session.activePath().kind());
                CompletableFuture<PathInfo> onTcp = new CompletableFuture<>();
                CompletableFuture<PathInfo> backOnUdp = new CompletableFuture<>();
                Consumer<PathInfo> watch = p -> {
                    path.add(p.kind());
                    (p.kind() == PathKind.RELAY_TCP ? onTcp : backOnUdp).complete(p);
                };
                session.onPathChange(watch);

                Stream stream = session.openStream().get(5, TimeUnit.SECONDS);
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                CompletableFuture<Void> written = CompletableFuture.runAsync(() -> {
                    Random random = new Random(7);
                    byte[] chunk = new byte[64 << 10];
                    try (OutputStream out = stream.output()) {
                        for (int i = 0; i < 480; i++) { // 30 MiB
                            random.nextBytes(chunk);
                            sha.update(chunk);
                            out.write(chunk);
                            if (i == 40) {
                                tap.dropUdp(true);
                            }
                            if (onTcp.isDone() && i % 16 == 0) {
                                tap.dropUdp(false);
                            }
                        }
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, r -> { // a thread of its own, not the common pool (which an earlier test may have left busy)
                    Thread t = new Thread(r, "writer");
                    t.setDaemon(true);
                    t.start();
                });
                assertThat(onTcp.get(30, TimeUnit.SECONDS).kind()).isEqualTo(PathKind.RELAY_TCP);
                written.get(60, TimeUnit.SECONDS);
                byte[] answer = stream.input().readAllBytes();
                assertThat(answer).isEqualTo(sha.digest());
                assertThat(backOnUdp.get(15, TimeUnit.SECONDS).kind()).isEqualTo(PathKind.RELAY_UDP);
                assertThat(path).containsSubsequence(PathKind.RELAY_UDP, PathKind.RELAY_TCP, PathKind.RELAY_UDP);
                assertThat(session.closeFuture()).isNotDone();
            }
        }
    }
}
