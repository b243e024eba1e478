package dev.junction.relay.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * At most one log line per {@link #INTERVAL_NANOS} for one kind of repeated event (bad input from
 * strangers, failed sends), with a count of what was left out, so an attacker's bytes never turn
 * into many more bytes of log. Thread-safe; one instance per kind of event.
 */
public final class LogThrottle {
    /** One line a minute per kind: enough to notice, too little to flood a disk. */
    static final long INTERVAL_NANOS = 60_000_000_000L;

    private final System.Logger logger;
    private final System.Logger.Level level;
    private final AtomicLong suppressed = new AtomicLong();
    private final AtomicLong next = new AtomicLong(Long.MIN_VALUE);

    public LogThrottle(System.Logger logger, System.Logger.Level level) {
        this.logger = logger;
        this.level = level;
    }

    /** Logs {@code line} unless a line of this kind went out less than a minute ago (then only counts it). */
    public void log(Supplier<String> line) {
        long now = System.nanoTime();
        long due = next.get();
        if ((due != Long.MIN_VALUE && now - due < 0) || !next.compareAndSet(due, now + INTERVAL_NANOS)) {
            suppressed.incrementAndGet();
            return;
        }
        long left = suppressed.getAndSet(0);
        if (logger.isLoggable(level)) {
            logger.log(level, left == 0 ? line.get() : line.get() + " (and " + left + " more like it since the last such line)");
        }
    }
}
