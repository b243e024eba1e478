package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.client.ClientOptions;
import dev.junction.client.CongestionControl;
import dev.junction.client.Session;
import dev.junction.client.Stream;
import dev.junction.client.TraversalClient;
import dev.junction.relay.Closer;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A blocking writer to a peer that does not read blocks once the stream's buffers are full, instead
 * of queueing everything it writes in memory (Netty's QUIC stream channel stays writable while QUIC
 * has any room and queues the rest without limit); once the peer reads, every byte arrives. The two
 * peers pace with the congestion controls that are not the default (BBR one way, NewReno the other).
 */
class StreamWriteBoundTest {
    /** What the writer tries to write. */
    static final int TOTAL = 96 << 20;
    /**
     * Most a writer may get past write() with a reader that reads nothing: the reader's queue (1 MiB),
     * the stream's flow-control window (4 MiB), the writer's unsent bytes (1 MiB), with room to spare.
     */
    static final int BOUND = 16 << 20;

    @TempDir
    Path dir;
    @AutoClose
    private final Closer open = new Closer();

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aWriterToAPeerThatDoesNotReadBlocksAndLosesNothing() throws Exception {
        LoopbackRelay relay = open.keep(LoopbackRelay.start(dir, Map.of()));
        ClientOptions options = ClientOptions.DEFAULTS.withPunch(false);
        CompletableFuture<Session> accepted = new CompletableFuture<>();
        TraversalClient bob = open.keep(relay.client(options.withCongestionControl(CongestionControl.RENO), accepted::complete));
        TraversalClient alice = open.keep(relay.client(options.withCongestionControl(CongestionControl.BBR), null));
        Session session = alice.connect(bob.peerId()).get(15, TimeUnit.SECONDS);
        Stream out = session.openStream().get(10, TimeUnit.SECONDS);

        AtomicLong written = new AtomicLong();
        Thread writer = new Thread(() -> {
            byte[] chunk = new byte[64 << 10];
            try (OutputStream os = out.output()) {
                for (int i = 0; i < TOTAL / chunk.length; i++) {
                    chunk[0] = (byte) i;
                    os.write(chunk);
                    written.addAndGet(chunk.length);
                }
            } catch (Exception e) {
                written.set(-1);
            }
        }, "bound-writer");
        writer.setDaemon(true);
        writer.start();
        Stream in = accepted.get(15, TimeUnit.SECONDS).acceptStream(Duration.ofSeconds(10));
        assertThat(in).as("the peer's stream").isNotNull();

        // Let the writer run into the full window: progress stops well before TOTAL.
        long last = -2;
        for (int i = 0; i < 40 && written.get() != last; i++) {
            last = written.get();
            Thread.sleep(250);
        }
        assertThat(written.get()).as("bytes the writer got past write() while the peer read nothing")
                .isPositive().isLessThanOrEqualTo(BOUND);
        assertThat(writer.isAlive()).as("the writer is blocked").isTrue();

        long got = 0;
        byte[] buf = new byte[64 << 10];
        try (InputStream is = in.input()) {
            for (int n; (n = is.read(buf)) >= 0; ) {
                got += n;
            }
        }
        writer.join(10_000);
        assertThat(written.get()).as("the writer finished").isEqualTo(TOTAL);
        assertThat(got).as("bytes read").isEqualTo(TOTAL);
    }
}
