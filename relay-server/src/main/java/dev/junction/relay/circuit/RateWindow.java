package dev.junction.relay.circuit;

/**
 * Packets-per-second policing for one circuit over fixed one-second windows. Lock-free enough: a
 * race at a window boundary can miscount a packet or two, which a limit of thousands per second
 * does not notice.
 */
final class RateWindow {
    /** What one packet may do against the limit. */
    enum Verdict {
        PASS,
        DROP,
        CLOSE
    }

    /** Twice the rate in one second means the sender ignores drops: close the circuit. */
    static final int ABUSE_FACTOR = 2;

    private final int perSecond;
    private volatile long windowStart;
    private volatile int count;

    RateWindow(int perSecond) {
        this.perSecond = perSecond;
    }

    Verdict admit(long nowNanos) {
        if (perSecond == 0) {
            return Verdict.PASS;
        }
        if (nowNanos - windowStart >= 1_000_000_000L) {
            windowStart = nowNanos;
            count = 0;
        }
        int n = ++count;
        if (n <= perSecond) {
            return Verdict.PASS;
        }
        return n > (long) perSecond * ABUSE_FACTOR ? Verdict.CLOSE : Verdict.DROP;
    }
}
