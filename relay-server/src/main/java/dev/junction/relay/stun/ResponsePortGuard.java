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
 * privileged port, and at most {@code perSourcePerSecond} such answers per source per second.
 *
 * <p>Memory is bounded: requesters are remembered in two generations of at most
 * {@link #MAX_REMEMBERED} entries each, the older dropped every window; the rate counters are
 * forgotten every second. Thread-safe (the relay's UDP sockets may run on several event loops).
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
    private volatile Map<SourceKey, Integer> answersThisSecond = new ConcurrentHashMap<>();
    private volatile long second;

    ResponsePortGuard(Duration window, int perSourcePerSecond, long nowNanos) {
        this.windowNanos = window.toNanos();
        this.perSourcePerSecond = perSourcePerSecond;
        this.generationStart = nowNanos;
        this.second = nowNanos / 1_000_000_000L;
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
        long s = nowNanos / 1_000_000_000L;
        if (s != second) {
            answersThisSecond = new ConcurrentHashMap<>();
            second = s;
        }
        Map<SourceKey, Integer> counts = answersThisSecond;
        SourceKey key = SourceKey.of(source.getAddress());
        if (counts.size() >= MAX_REMEMBERED && !counts.containsKey(key)) {
            return Verdict.RATE_LIMITED;
        }
        int n = counts.merge(key, 1, Integer::sum);
        return n > perSourcePerSecond ? Verdict.RATE_LIMITED : Verdict.ALLOWED;
    }
}
