package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.client.ClientOptions;
import dev.junction.client.PathInfo;
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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two clients on one host: the session starts on the relay, punches a direct path and moves onto it. */
class DirectPathTest {
    @TempDir
    Path dir;

    @Test
    void aLiveTransferMovesFromTheRelayToTheDirectPathIntact() throws Exception {
        try (LoopbackRelay relay = LoopbackRelay.start(dir, Map.of());
             TraversalClient bob = relay.client(ClientOptions.DEFAULTS, SessionEndToEndTest::digestEveryStream);
             TraversalClient alice = relay.client(ClientOptions.DEFAULTS, null)) {
            Session session = alice.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
            List<PathKind> path = new CopyOnWriteArrayList<>(List.of(session.activePath().kind()));
            AtomicLong written = new AtomicLong();
            CompletableFuture<Long> writtenAtSwitch = new CompletableFuture<>();
            session.onPathChange(p -> {
                path.add(p.kind());
                if (p.kind() == PathKind.DIRECT_UDP) {
                    writtenAtSwitch.complete(written.get());
                }
            });
            assertThat(path.get(0)).isEqualTo(PathKind.RELAY_UDP);

            Stream stream = session.openStream().get(5, TimeUnit.SECONDS);
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Random random = new Random(11);
            byte[] chunk = new byte[64 << 10];
            try (OutputStream out = stream.output()) {
                for (int i = 0; i < 800; i++) { // 50 MiB
                    random.nextBytes(chunk);
                    sha.update(chunk);
                    out.write(chunk);
                    written.addAndGet(chunk.length);
                }
            }
            assertThat(stream.input().readAllBytes()).isEqualTo(sha.digest());
            assertThat(writtenAtSwitch.get(5, TimeUnit.SECONDS)).as("bytes written before the switch").isLessThan(50L << 20);
            assertThat(path).containsSubsequence(PathKind.RELAY_UDP, PathKind.DIRECT_UDP);
            PathInfo now = session.activePath();
            assertThat(now.kind()).isEqualTo(PathKind.DIRECT_UDP);
            assertThat(now.remote().getPort()).isEqualTo(bob.localAddress().getPort());
        }
    }

    @Test
    void aDirectSessionOutlivesItsRelay() throws Exception {
        LoopbackRelay relay = LoopbackRelay.start(dir, Map.of());
        try (TraversalClient bob = relay.client(ClientOptions.DEFAULTS, SessionEndToEndTest::echoEveryStream);
             TraversalClient alice = relay.client(ClientOptions.DEFAULTS, null)) {
            Session session = alice.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
            CompletableFuture<PathInfo> direct = new CompletableFuture<>();
            session.onPathChange(p -> {
                if (p.kind() == PathKind.DIRECT_UDP) {
                    direct.complete(p);
                }
            });
            if (session.activePath().kind() != PathKind.DIRECT_UDP) {
                direct.get(10, TimeUnit.SECONDS);
            }
            relay.close(); // the relay goes away for good
            Thread.sleep(1500);
            Stream s = session.openStream().get(5, TimeUnit.SECONDS);
            s.output().write("no relay needed".getBytes());
            s.shutdownOutput();
            assertThat(new String(s.input().readAllBytes())).isEqualTo("no relay needed");
            assertThat(session.closeFuture()).isNotDone();
        }
    }
}
