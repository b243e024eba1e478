package dev.junction.client.internal.punch;

import java.util.function.LongSupplier;

/**
 * A token bucket: at most {@code capacity} takes in a burst, refilled at one token per
 * {@code refillNanos}. Bounds punching starts (per session and per peer) and probes (per
 * session), so a peer cannot make this client send without limit. Single-threaded (I/O thread).
 */
public final class TokenBucket {
    private final long capacity;
    private final long refillNanos;
    private final LongSupplier nanoClock;
    private double tokens;
    private long updated;

    /** A full bucket; {@code nanoClock} is {@link System#nanoTime} outside tests. */
    public TokenBucket(long capacity, long refillNanos, LongSupplier nanoClock) {
        if (capacity < 1 || refillNanos < 1) {
            throw new IllegalArgumentException("capacity and refill must be positive");
        }
        this.capacity = capacity;
        this.refillNanos = refillNanos;
        this.nanoClock = nanoClock;
        this.tokens = capacity;
        this.updated = nanoClock.getAsLong();
    }

    private void refill() {
        long now = nanoClock.getAsLong();
        tokens = Math.min(capacity, tokens + (double) (now - updated) / refillNanos);
        updated = now;
    }

    /** Takes a token if there is one. */
    public boolean tryTake() {
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** True when a token is there to take (none is taken). */
    public boolean available() {
        refill();
        return tokens >= 1;
    }

    /** How long until a token is there (0: now). */
    public long nanosUntilToken() {
        refill();
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) * refillNanos);
    }

    /** True when the bucket is full again (it holds nothing worth keeping). */
    public boolean full() {
        refill();
        return tokens >= capacity;
    }
}
