package dev.junction.client.internal.relay;

import java.time.Duration;

/**
 * Another login with this client's identity taking its reservation (GOING_AWAY REPLACED), in a row:
 * the wait before taking it back doubles with each, so two processes sharing one identity do not
 * take the reservation from each other back and forth without end. I/O thread only.
 */
final class Replacements {
    /** The first wait before taking the reservation back; it doubles with each replacement in a row, up to {@link #BACKOFF_MAX}. */
    static final Duration BACKOFF_MIN = Duration.ofSeconds(5);
    static final Duration BACKOFF_MAX = Duration.ofMinutes(5);
    /** A login that held this long without being replaced ends a run of replacements. */
    static final Duration FORGOTTEN = Duration.ofMinutes(10);

    private int inARow;
    private long lastNanos;
    /** The relay said REPLACED on the connection now ending, and the reconnect has not taken it into account yet. */
    private boolean pending;

    /** The relay said REPLACED at {@code nowNanos}; returns the replacements in a row, this one included. */
    int replaced(long nowNanos) {
        if (inARow > 0 && nowNanos - lastNanos > FORGOTTEN.toNanos()) {
            inARow = 0;
        }
        inARow++;
        lastNanos = nowNanos;
        pending = true;
        return inARow;
    }

    /** True when the connection now ending was replaced. */
    boolean pending() {
        return pending;
    }

    /** True when the connection now ending was replaced; the next one starts unreplaced. */
    boolean take() {
        boolean p = pending;
        pending = false;
        return p;
    }

    /** How long to wait before logging in again after the latest replacement. */
    Duration backoff() {
        long ms = BACKOFF_MIN.toMillis() << Math.min(Math.max(inARow - 1, 0), 16);
        return Duration.ofMillis(Math.min(BACKOFF_MAX.toMillis(), ms));
    }
}
