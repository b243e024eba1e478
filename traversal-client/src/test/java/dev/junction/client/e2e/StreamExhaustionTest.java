package dev.junction.client.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.relay.Closer;
import dev.junction.client.ClientOptions;
import dev.junction.client.IncomingStreamLimits;
import dev.junction.client.Session;
import dev.junction.client.Stream;
import dev.junction.client.TraversalClient;
import dev.junction.wire.identity.PeerId;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer that opens streams and never finishes them (security issue #13, finding 4): a relay on
 * loopback, a listening client whose stream handler blocks until its stream ends (as most do), a
 * hostile peer and a legitimate one.
 */
class StreamExhaustionTest {
    @TempDir
    Path dir;
    @AutoClose
    private final Closer open = new Closer();

    private <T extends AutoCloseable> T keep(T t) {
        return open.keep(t);
    }

    /** Handlers running right now and the most that ever ran at once, for one peer's streams. */
    private record Busy(AtomicInteger running, AtomicInteger most) {
        Busy() {
            this(new AtomicInteger(), new AtomicInteger());
        }
    }

    /** Echoes every stream, counting its peer's handlers in {@code busy}. */
    private static void echoCounting(Session s, Map<PeerId, Busy> busy) {
        Busy b = busy.computeIfAbsent(s.remotePeer(), p -> new Busy());
        AtomicInteger running = b.running();
        s.onStream(stream -> {
            b.most().accumulateAndGet(running.incrementAndGet(), Math::max);
            try (InputStream in = stream.input(); OutputStream out = stream.output()) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) >= 0; ) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (Exception e) {
                stream.close();
            } finally {
                running.decrementAndGet();
            }
        });
    }

    /** Opens {@code count} streams on {@code session}, each sending one byte and never finishing. */
    private static List<Stream> openAndHold(Session session, int count) throws Exception {
        List<Stream> held = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Stream stream = session.openStream().get(5, TimeUnit.SECONDS);
            stream.write(ByteBuffer.wrap(new byte[] {(byte) i})).get(5, TimeUnit.SECONDS);
            held.add(stream);
        }
        return held;
    }

    /** What the peer answered on {@code stream}: its echo of the byte (a handler runs), or why it ended it. */
    private static String answer(Stream stream) throws Exception {
        try {
            ByteBuffer b = stream.read().get(10, TimeUnit.SECONDS);
            return b.hasRemaining() ? "echo" : "end of stream";
        } catch (ExecutionException e) {
            return e.getCause().getMessage();
        }
    }

    private static String echo(Session session, String text) throws Exception {
        Stream stream = session.openStream().get(5, TimeUnit.SECONDS);
        try (OutputStream out = stream.output()) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        // A thread of its own (daemon), never the common pool: a read that never ends must not hold up other tests.
        CompletableFuture<byte[]> all = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                all.complete(stream.input().readAllBytes());
            } catch (java.io.IOException | RuntimeException e) {
                all.completeExceptionally(e);
            }
        }, "echo-reader");
        reader.setDaemon(true);
        reader.start();
        return new String(all.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
    }

    @Test
    void aPeerHoldingThreeHundredOpenStreamsDoesNotStarveOtherPeers() throws Exception {
        LoopbackRelay relay = keep(LoopbackRelay.start(dir, Map.of()));
        ClientOptions options = ClientOptions.DEFAULTS.withPunch(false);
        Map<PeerId, Busy> busy = new ConcurrentHashMap<>();
        TraversalClient bob = keep(relay.client(options, s -> echoCounting(s, busy)));
        TraversalClient mallory = keep(relay.client(options, null));

        // 300 never-finishing streams over three sessions (one session may hold at most 100).
        List<Stream> held = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            Session s = mallory.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
            held.addAll(openAndHold(s, 100));
        }
        int echoed = 0;
        List<String> refusals = new ArrayList<>();
        for (Stream stream : held) {
            String a = answer(stream);
            if (a.equals("echo")) {
                echoed++;
            } else {
                refusals.add(a);
            }
        }

        // Carol, another peer, is served as if Mallory were not there.
        TraversalClient carol = keep(relay.client(options, null));
        Session c = carol.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            assertThat(echo(c, "hello " + i)).isEqualTo("hello " + i);
        }
        assertThat(c.closeFuture()).isNotDone();

        // Bob runs at most 100 of Mallory's streams at once (junction.client.incoming-streams.per-peer)
        // and refuses the others with a reason Mallory can read.
        assertThat(busy.get(mallory.peerId()).most().get()).isLessThanOrEqualTo(100);
        assertThat(echoed).isEqualTo(100);
        assertThat(refusals).hasSize(200).allSatisfy(r -> assertThat(r).contains("refused").contains("STREAM_REFUSED"));
    }

    @Test
    void refusesStreamsBeyondThePerPeerLimitAndAdmitsAgainOnceSomeEnd() throws Exception {
        LoopbackRelay relay = keep(LoopbackRelay.start(dir, Map.of()));
        ClientOptions options = ClientOptions.DEFAULTS.withPunch(false);
        Map<PeerId, Busy> busy = new ConcurrentHashMap<>();
        TraversalClient bob = keep(relay.client(options.withStreams(new IncomingStreamLimits(4, 6, 16)),
                s -> echoCounting(s, busy)));
        TraversalClient mallory = keep(relay.client(options, null));

        // Per session, QUIC itself stops the fifth stream: Bob granted four (max_streams).
        Session a = mallory.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
        List<Stream> onA = openAndHold(a, 4);
        for (Stream stream : onA) {
            assertThat(answer(stream)).isEqualTo("echo");
        }
        assertThatThrownBy(() -> openAndHold(a, 1)).hasMessageContaining("allows no more streams at once");

        // Per peer, across sessions: two more fit, the next two are reset with STREAM_REFUSED.
        Session b = mallory.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
        List<String> onB = new ArrayList<>();
        for (Stream stream : openAndHold(b, 4)) {
            onB.add(answer(stream));
        }
        assertThat(onB).hasSize(4);
        assertThat(onB.subList(0, 2)).containsOnly("echo");
        assertThat(onB.subList(2, 4)).allSatisfy(r -> assertThat(r).contains("STREAM_REFUSED"));
        assertThat(busy.get(mallory.peerId()).most().get()).isEqualTo(6);

        // Two of Mallory's streams end: their places come back, and so does QUIC's credit for the
        // refused ones, so two new streams on b are served.
        for (Stream stream : onA.subList(0, 2)) {
            stream.shutdownOutput();
            assertThat(stream.input().readAllBytes()).isEmpty(); // the echo of the first byte was read above
        }
        servedWithinTenSeconds(b);
        servedWithinTenSeconds(b);
        // Six again: the next is refused, on any session (b is at its QUIC limit, so a new one).
        Session c = mallory.connect(bob.peerId()).get(10, TimeUnit.SECONDS);
        assertThat(answer(openAndHold(c, 1).get(0))).contains("STREAM_REFUSED");
        assertThat(busy.get(mallory.peerId()).most().get()).isEqualTo(6);
    }

    /**
     * Opens streams on {@code session} until one is served (a place is given back a moment after
     * the stream that held it has ended both ways and its handler has returned).
     */
    private static void servedWithinTenSeconds(Session session) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String a;
        while (!(a = answer(openAndHold(session, 1).get(0))).equals("echo")) {
            assertThat(a).contains("STREAM_REFUSED");
            assertThat(System.nanoTime()).as("a stream served within 10 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
