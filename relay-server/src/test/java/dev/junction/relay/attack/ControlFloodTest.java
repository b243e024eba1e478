package dev.junction.relay.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.RelayProcess;
import dev.junction.relay.TestClient;
import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.control.ControlCodec;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.identity.Identity;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 1 of the security review: a logged-in client that sends PINGs and never reads made the
 * relay queue PONGs without bound until it ran out of memory. The relay runs in its own JVM with
 * {@code -Xmx512m}, as the review ran it, so its resident memory can be read from /proc.
 */
class ControlFloodTest {
    /** What the review sent: 18 MB of PING frames on one connection. */
    static final long FLOOD_BYTES = 18L << 20;
    /** The documented guarantee (docs/SECURITY.md): such a flood grows the relay's RSS by less than this. */
    static final long MAX_RSS_GROWTH = 64L << 20;

    @TempDir
    Path dir;

    @Test
    void pingFloodFromAClientThatNeverReadsLeavesTheRelayWithinItsMemoryBound() throws Exception {
        try (RelayProcess relay = RelayProcess.start(dir, "512m")) {
            Identity id = Identity.generate();
            String token = AdmissionToken.mint(AdmissionSecret.read(relay.secretFile()), id.peerId(), Instant.now().plusSeconds(3600));
            try (TestClient c = TestClient.connect(relay.control(), relay.peerId())) {
                c.loginOk(id, token);
                Thread.sleep(500);
                long before = relay.rssBytes();
                AtomicLong peak = new AtomicLong(before);
                Thread sampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        try {
                            peak.accumulateAndGet(relay.rssBytes(), Math::max);
                            Thread.sleep(50);
                        } catch (Exception e) {
                            return;
                        }
                    }
                });
                sampler.start();
                c.pauseReading();
                ByteBuf ping = Unpooled.buffer();
                ControlCodec.encode(new LinkFrames.Ping(42), ping);
                int frame = ping.readableBytes();
                int perBatch = 64 * 1024 / frame;
                ByteBuf batch = Unpooled.buffer(perBatch * frame);
                for (int i = 0; i < perBatch; i++) {
                    batch.writeBytes(ping, ping.readerIndex(), frame);
                }
                long sent = 0;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (sent < FLOOD_BYTES && System.nanoTime() < deadline && c.isOpen()) {
                    if (!c.sendRaw(batch.retainedDuplicate(), Duration.ofSeconds(5))) {
                        break;
                    }
                    sent += batch.readableBytes();
                }
                Thread.sleep(2000); // let the relay read and answer what is in flight
                sampler.interrupt();
                sampler.join();
                long growth = peak.get() - before;
                System.out.printf("ping flood: %d MB sent, relay RSS %d MB before, peak %d MB (+%d MB)%n",
                        sent >> 20, before >> 20, peak.get() >> 20, growth >> 20);
                assertThat(relay.alive()).as("the relay survives").isTrue();
                assertThat(growth).as("RSS growth from an 18 MB PING flood").isLessThan(MAX_RSS_GROWTH);
                assertThat(sent < FLOOD_BYTES || !c.isOpen()).as("the relay slowed the flooder down (TCP backpressure) or cut it off").isTrue();
            }
            assertServing(relay);
        }
    }

    /** Every listener still answers: a fresh login, STUN and /healthz. */
    static void assertServing(RelayProcess relay) throws Exception {
        Identity other = Identity.generate();
        String token = AdmissionToken.mint(AdmissionSecret.read(relay.secretFile()), other.peerId(), Instant.now().plusSeconds(3600));
        try (TestClient c = TestClient.connect(relay.control(), relay.peerId())) {
            c.loginOk(other, token);
        }
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + relay.admin().getPort() + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(StunProbe.binding(relay.stun())).as("STUN answers").isTrue();
    }
}
