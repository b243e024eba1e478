package dev.junction.bench.harness;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Round-trip times at 1 µs resolution up to {@link #MAX_MICROS}, one counter per microsecond, so
 * percentiles are exact to the microsecond and recording allocates nothing. Slower samples count in
 * the last bucket.
 */
final class LatencyHistogram {
    /** Loopback round trips beyond 200 ms are failures in all but name. */
    static final int MAX_MICROS = 200_000;
    private final AtomicLongArray counts = new AtomicLongArray(MAX_MICROS + 1);

    void record(long nanos) {
        counts.incrementAndGet((int) Math.min(MAX_MICROS, Math.max(0, nanos / 1000)));
    }

    long count() {
        long n = 0;
        for (int i = 0; i <= MAX_MICROS; i++) {
            n += counts.get(i);
        }
        return n;
    }

    /** The {@code q}-quantile in microseconds (q in 0..1), or NaN when empty. */
    double quantileMicros(double q) {
        long n = count();
        if (n == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(q * n);
        long seen = 0;
        for (int i = 0; i <= MAX_MICROS; i++) {
            seen += counts.get(i);
            if (seen >= Math.max(1, rank)) {
                return i;
            }
        }
        return MAX_MICROS;
    }
}
