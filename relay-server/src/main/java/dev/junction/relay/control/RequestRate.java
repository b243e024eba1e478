package dev.junction.relay.control;

/**
 * A token bucket over one control connection's requests (every frame after login but DATA, which
 * circuit limits police): {@code perSecond} on average, bursts of twice that. Requests beyond it
 * are refused (CONNECT gets ERROR RATE_LIMITED) or dropped, and counted, and the connection is not
 * read for {@link #PENALTY}. Used on the connection's event loop only.
 */
final class RequestRate {
    /** Bursts of this many seconds' worth pass: a client opening many circuits at once, or catching up after a stall. */
    static final int BURST_SECONDS = 2;
    /** A connection that runs its bucket dry is not read for this long (one second's worth refills meanwhile). */
    static final java.time.Duration PENALTY = java.time.Duration.ofSeconds(1);

    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    RequestRate(int perSecond, long nowNanos) {
        this.perNano = perSecond / 1e9;
        this.burst = (double) perSecond * BURST_SECONDS;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** True when one more request may pass now. */
    boolean admit(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - last) * perNano);
        last = nowNanos;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
