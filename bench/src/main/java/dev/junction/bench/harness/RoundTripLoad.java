package dev.junction.bench.harness;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load generator every system gets: N pairs of clients; in each pair A sends a payload, B
 * echoes it, A sends the next as soon as the echo is back (one round trip in flight per pair, so
 * one pair measures latency and many pairs measure throughput). Bounded by a count and a time:
 * after {@code warmup} it measures for at most {@code duration} or until {@code maxRoundTrips}
 * have completed, whichever is first, then every pair stops sending. A payload lost for
 * {@link #RESEND_NANOS} is sent again (and counted lost); a late echo of an old one is ignored.
 */
final class RoundTripLoad {
    /** A lost datagram is replaced after this long (loopback RTTs are tens of microseconds). */
    static final long RESEND_NANOS = 200_000_000L;
    /** How often the coordinator checks counts, the clock and lost datagrams. */
    static final long TICK_MILLIS = 5;

    /** A pair of client links already wired through the system under test. */
    record Pair(Link a, Link b) {
    }

    /** What one measured window gave. */
    record Result(long roundTrips, double seconds, long lost, LatencyHistogram rtt, int payload) {
        double perSecond() {
            return roundTrips / seconds;
        }

        /** Payload megabytes per second relayed, both directions counted. */
        double megabytesPerSecond() {
            return roundTrips * 2.0 * payload / seconds / 1e6;
        }
    }

    private final class PairState {
        final Pair pair;
        final ByteBuf payload;
        volatile long seq;
        volatile long sentAt;

        PairState(Pair pair, int size) {
            this.pair = pair;
            this.payload = Unpooled.directBuffer(size).writeZero(size);
        }

        /** Sends the next payload; any thread, but only one send is in flight per pair. */
        void sendNext() {
            if (stopped) {
                return;
            }
            long s = seq + 1;
            seq = s;
            payload.setLong(0, s);
            sentAt = System.nanoTime();
            pair.a().send(payload);
        }

        /** On A's event loop: an echo arrived. */
        void onEcho(ByteBuf p) {
            if (p.readableBytes() < 8 || p.getLong(p.readerIndex()) != seq) {
                return; // the echo of a payload already given up as lost
            }
            long rtt = System.nanoTime() - sentAt;
            if (measuring) {
                rttHistogram.record(rtt);
                completed.incrementAndGet();
            }
            sendNext();
        }
    }

    private final LatencyHistogram rttHistogram = new LatencyHistogram();
    private final AtomicLong completed = new AtomicLong();
    private volatile boolean measuring;
    private volatile boolean stopped;

    static Result run(List<Pair> pairs, int payloadSize, double warmupSeconds, double durationSeconds, long maxRoundTrips)
            throws InterruptedException {
        return new RoundTripLoad().go(pairs, payloadSize, warmupSeconds, durationSeconds, maxRoundTrips);
    }

    private Result go(List<Pair> pairs, int payloadSize, double warmupSeconds, double durationSeconds, long maxRoundTrips)
            throws InterruptedException {
        List<PairState> states = pairs.stream().map(p -> new PairState(p, payloadSize)).toList();
        for (PairState s : states) {
            s.pair.b().handler = (link, p) -> link.send(p);
            s.pair.a().handler = (link, p) -> s.onEcho(p);
        }
        states.forEach(s -> s.pair.a().channel.eventLoop().execute(s::sendNext));
        long lost = 0;
        long start = System.nanoTime();
        long warmEnd = start + (long) (warmupSeconds * 1e9);
        long measureStart = 0;
        long deadline = warmEnd + (long) (durationSeconds * 1e9);
        while (true) {
            Thread.sleep(TICK_MILLIS);
            long now = System.nanoTime();
            if (!measuring && now >= warmEnd) {
                measureStart = now;
                measuring = true;
            }
            if (now >= deadline || completed.get() >= maxRoundTrips) {
                measuring = false;
                stopped = true;
                break;
            }
            for (PairState s : states) {
                if (now - s.sentAt > RESEND_NANOS) {
                    lost++;
                    s.pair.a().channel.eventLoop().execute(s::sendNext);
                }
            }
        }
        double seconds = (System.nanoTime() - measureStart) / 1e9;
        Thread.sleep(50); // let the last echoes drain before the pairs are closed
        states.forEach(s -> s.payload.release());
        return new Result(completed.get(), seconds, lost, rttHistogram, payloadSize);
    }
}
