package dev.junction.relay.stun;

import dev.junction.relay.net.SourceKey;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides whether a Binding response may go to the port RESPONSE-PORT names (RFC 5780 section 7.5)
 * instead of the request's source. Only to an IP:port that itself sent the relay a request within
 * the window (so the relay never sends to a port that did not ask, and the RFC 5780 mapping-lifetime
 * test, which asks for an answer to an earlier mapping, still works), never to port 0 or a
 * privileged port, and at a rate of at most {@code perSourcePerSecond} such answers per source: a
 * token bucket per source that holds {@code perSourcePerSecond} answers and refills at that rate, so
 * over any interval of t seconds one source gets at most {@code perSourcePerSecond × (1 + t)}.
 *
 * <p>Memory is bounded: requesters are remembered in two generations of at most
 * {@link #MAX_REMEMBERED} entries each, the older dropped every window; rate buckets likewise in two
 * generations rotated every second (a bucket idle for a second is full again, so forgetting it loses
 * nothing). Thread-safe (the relay's UDP sockets may run on several event loops).
 */
final class ResponsePortGuard {
    /** Requesters remembered per generation: past this, new ones are not remembered (and cannot be targets). */
    static final int MAX_REMEMBERED = 65_536;
    /** Ports below this are system services; never a STUN client's mapping worth answering to. */
    static final int LOWEST_PORT = 1024;

    /** Why a RESPONSE-PORT was not honoured, for the error response's reason phrase. */
    enum Verdict {
        ALLOWED,
        PRIVILEGED_PORT,
        NOT_A_REQUESTER,
        RATE_LIMITED
    }

    private final long windowNanos;
    private final int perSourcePerSecond;
    private volatile Map<InetSocketAddress, Long> current = new ConcurrentHashMap<>();
    private volatile Map<InetSocketAddress, Long> previous = new ConcurrentHashMap<>();
    private volatile long generationStart;
    private volatile Map<SourceKey, Bucket> buckets = new ConcurrentHashMap<>();
    private volatile Map<SourceKey, Bucket> oldBuckets = new ConcurrentHashMap<>();
    private volatile long bucketGenerationStart;

    ResponsePortGuard(Duration window, int perSourcePerSecond, long nowNanos) {
        this.windowNanos = window.toNanos();
        this.perSourcePerSecond = perSourcePerSecond;
        this.generationStart = nowNanos;
        this.bucketGenerationStart = nowNanos;
    }

    /** Remembers that {@code source} sent a well-formed request now. */
    void requested(InetSocketAddress source, long nowNanos) {
        if (nowNanos - generationStart >= windowNanos) {
            synchronized (this) {
                if (nowNanos - generationStart >= windowNanos) {
                    previous = current;
                    current = new ConcurrentHashMap<>();
                    generationStart = nowNanos;
                }
            }
        }
        Map<InetSocketAddress, Long> c = current;
        if (c.size() < MAX_REMEMBERED || c.containsKey(source)) {
            c.put(source, nowNanos);
        }
    }

    /** Whether {@code source} may have its answer sent to {@code target} (its own IP, another port) now; counts it if so. */
    Verdict check(InetSocketAddress source, InetSocketAddress target, long nowNanos) {
        if (target.getPort() < LOWEST_PORT) {
            return Verdict.PRIVILEGED_PORT;
        }
        Long seen = current.get(target);
        if (seen == null) {
            seen = previous.get(target);
        }
        if (seen == null || nowNanos - seen > windowNanos) {
            return Verdict.NOT_A_REQUESTER;
        }
        Bucket bucket = bucket(SourceKey.of(source.getAddress()), nowNanos);
        return bucket != null && bucket.take(nowNanos) ? Verdict.ALLOWED : Verdict.RATE_LIMITED;
    }

    /** The source's bucket, carried over from the last generation or new and full; null when too many sources are tracked. */
    private Bucket bucket(SourceKey key, long nowNanos) {
        if (nowNanos - bucketGenerationStart >= ONE_SECOND) {
            synchronized (this) {
                if (nowNanos - bucketGenerationStart >= ONE_SECOND) {
                    oldBuckets = buckets;
                    buckets = new ConcurrentHashMap<>();
                    bucketGenerationStart = nowNanos;
                }
            }
        }
        Map<SourceKey, Bucket> c = buckets;
        Bucket b = c.get(key);
        if (b != null) {
            return b;
        }
        if (c.size() >= MAX_REMEMBERED) {
            return null;
        }
        Bucket carried = oldBuckets.get(key);
        return c.computeIfAbsent(key, k -> carried != null ? carried : new Bucket(perSourcePerSecond, nowNanos));
    }

    private static final long ONE_SECOND = 1_000_000_000L;

    /** Tokens for one source: holds {@code capacity}, refills {@code capacity} per second. */
    private static final class Bucket {
        private final double capacity;
        private double tokens;
        private long last;

        Bucket(int capacity, long nowNanos) {
            this.capacity = capacity;
            this.tokens = capacity;
            this.last = nowNanos;
        }

        synchronized boolean take(long nowNanos) {
            tokens = Math.min(capacity, tokens + Math.max(0, nowNanos - last) * capacity / ONE_SECOND);
            last = Math.max(last, nowNanos);
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}
