package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.client.ClientListener;
import dev.junction.client.TraversalClient;
import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.identity.Identity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client finds its way back when its relay drains: to the hinted relay, or to a configured fallback. */
class RelayLinkRecoveryTest {
    @TempDir
    Path dir;

    /** Records relay events as "connected ADDRESS" and "disconnected". */
    static final class Events implements ClientListener {
        final BlockingQueue<String> seen = new LinkedBlockingQueue<>();

        @Override
        public void relayConnected(String relayAddress) {
            seen.add("connected " + relayAddress);
        }

        @Override
        public void relayDisconnected(String reason) {
            seen.add("disconnected");
        }
    }

    @Test
    void aDrainingRelaysHintIsFollowed() throws Exception {
        try (LoopbackRelay second = LoopbackRelay.start(dir.resolve("b"), Map.of())) {
            // Both relays share one admission secret, as an operator's fleet would.
            Path secret = second.server.config().admission().secretFile();
            try (LoopbackRelay first = LoopbackRelay.start(dir.resolve("a"), Map.of(
                    "drain.reconnect-hint", second.address().toString(), "admission.secret-file", secret.toString()))) {
                Identity me = Identity.generate();
                Events events = new Events();
                try (TraversalClient client = first.builder(me).listener(events).start()) {
                    assertThat(events.seen.poll(5, TimeUnit.SECONDS)).isEqualTo("connected " + first.address());
                    Thread drain = new Thread(() -> {
                        try {
                            first.server.drain(Duration.ofSeconds(5));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    drain.start();
                    assertThat(events.seen.poll(10, TimeUnit.SECONDS)).isEqualTo("disconnected");
                    assertThat(events.seen.poll(10, TimeUnit.SECONDS)).isEqualTo("connected " + second.address());
                    assertThat(client.relay()).isEqualTo(second.address().toString());
                    drain.join(10_000);
                }
            }
        }
    }

    @Test
    void aDeadRelayIsReplacedByTheNextConfiguredOne() throws Exception {
        try (LoopbackRelay second = LoopbackRelay.start(dir.resolve("b"), Map.of())) {
            Path secret = second.server.config().admission().secretFile();
            LoopbackRelay first = LoopbackRelay.start(dir.resolve("a"), Map.of("admission.secret-file", secret.toString()));
            Identity me = Identity.generate();
            Events events = new Events();
            RelayAddress a = first.address();
            try (TraversalClient client = first.builder(me).relay(second.address()).listener(events).start()) {
                assertThat(events.seen.poll(5, TimeUnit.SECONDS)).isEqualTo("connected " + a);
                first.close(); // gone without a word
                assertThat(events.seen.poll(10, TimeUnit.SECONDS)).isEqualTo("disconnected");
                assertThat(events.seen.poll(15, TimeUnit.SECONDS)).isEqualTo("connected " + second.address());
            }
        }
    }
}
