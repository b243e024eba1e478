package dev.junction.relay.turn;

/**
 * A bandwidth cap in bytes per second with a burst of one second's worth; 0 means no cap. Used from
 * one event loop only.
 */
final class TokenBucket {
    private final long perSecond;
    private double tokens;
    private long last;

    TokenBucket(long perSecond, long now) {
        this.perSecond = perSecond;
        this.tokens = perSecond;
        this.last = now;
    }

    /** Takes {@code bytes}; false (and nothing taken) when the cap does not allow them now. */
    boolean take(int bytes, long now) {
        if (perSecond <= 0) {
            return true;
        }
        tokens = Math.min(perSecond, tokens + (now - last) * (perSecond / 1e9));
        last = now;
        if (tokens < bytes) {
            return false;
        }
        tokens -= bytes;
        return true;
    }
}
