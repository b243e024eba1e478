package dev.junction.bench.harness;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Open-loop load at a fixed offered rate: each pair's A sends on a 1 ms tick, whether or not echoes
 * came back, so that the relay receives {@code offered} datagrams per second in all (A's sends plus
 * B's echoes, half each), spread evenly over the pairs. A load below both relays' saturation measures
 * what each datagram costs a relay that keeps up, which a closed loop (where the slower party sets the
 * rate) cannot. Bounded by its duration: every tick task is cancelled at the end.
 */
final class PacedLoad {
    /** Tick of the senders: 1 ms, Netty's scheduler resolution. */
    static final long TICK_MICROS = 1000;

    /** Counts of one measured window (warm-up excluded). */
    record Result(long sentA, long receivedB, long sentB, long receivedA, double seconds) {
        /** What the relay was sent: A's datagrams and B's echoes. */
        long sentToRelay() {
            return sentA + sentB;
        }

        /** Share of the datagrams sent to the relay that reached the other side. */
        double delivered() {
            return sentToRelay() == 0 ? Double.NaN : (double) (receivedB + receivedA) / sentToRelay();
        }
    }

    private final LongAdder sentA = new LongAdder();
    private final LongAdder receivedB = new LongAdder();
    private final LongAdder sentB = new LongAdder();
    private final LongAdder receivedA = new LongAdder();

    private PacedLoad() {
    }

    /**
     * Runs {@code warmupSeconds} unmeasured, then {@code seconds} measured; {@code atMeasureStart} and
     * {@code atMeasureEnd} run (on the calling thread) at the window's edges, so CPU can be read there.
     */
    static Result run(List<RoundTripLoad.Pair> pairs, int payloadSize, double offeredPerSecond, double warmupSeconds, double seconds,
                      Runnable atMeasureStart, Runnable atMeasureEnd) throws InterruptedException {
        return new PacedLoad().go(pairs, payloadSize, offeredPerSecond, warmupSeconds, seconds, atMeasureStart, atMeasureEnd);
    }

    private Result go(List<RoundTripLoad.Pair> pairs, int payloadSize, double offeredPerSecond, double warmupSeconds, double seconds,
                      Runnable atMeasureStart, Runnable atMeasureEnd) throws InterruptedException {
        double perPairPerNano = offeredPerSecond / 2 / pairs.size() / 1e9;
        List<ScheduledFuture<?>> ticks = new ArrayList<>();
        List<ByteBuf> payloads = new ArrayList<>();
        long start = System.nanoTime();
        for (RoundTripLoad.Pair p : pairs) {
            ByteBuf payload = Unpooled.directBuffer(payloadSize).writeZero(payloadSize);
            payloads.add(payload);
            p.b().handler = (link, b) -> {
                receivedB.increment();
                link.send(b);
                sentB.increment();
            };
            p.a().handler = (link, b) -> receivedA.increment();
            long[] sent = {0};
            ticks.add(p.a().channel.eventLoop().scheduleAtFixedRate(() -> {
                long due = (long) ((System.nanoTime() - start) * perPairPerNano);
                // A stalled tick catches up, but never by more than 10 ticks' worth at once.
                long n = Math.min(due - sent[0], Math.max(1, (long) (perPairPerNano * TICK_MICROS * 1000 * 10)));
                for (long i = 0; i < n; i++) {
                    p.a().send(payload);
                }
                sent[0] += n;
                sentA.add(n);
            }, TICK_MICROS, TICK_MICROS, TimeUnit.MICROSECONDS));
        }
        try {
            Thread.sleep((long) (warmupSeconds * 1000));
            long a0 = sentA.sum();
            long rb0 = receivedB.sum();
            long b0 = sentB.sum();
            long ra0 = receivedA.sum();
            long t0 = System.nanoTime();
            atMeasureStart.run();
            Thread.sleep((long) (seconds * 1000));
            atMeasureEnd.run();
            double window = (System.nanoTime() - t0) / 1e9;
            return new Result(sentA.sum() - a0, receivedB.sum() - rb0, sentB.sum() - b0, receivedA.sum() - ra0, window);
        } finally {
            ticks.forEach(t -> t.cancel(false));
            Thread.sleep(50); // the last echoes drain before the pairs are closed
            for (RoundTripLoad.Pair p : pairs) {
                p.a().handler = (l, b) -> { };
                p.b().handler = (l, b) -> { };
            }
            payloads.forEach(ByteBuf::release);
        }
    }
}
