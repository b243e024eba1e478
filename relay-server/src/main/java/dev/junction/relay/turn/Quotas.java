package dev.junction.relay.turn;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Allocation counts: in total, per user name and per source (an IPv4 address or an IPv6 /64). The
 * per-user and per-source limits default high enough (512) that one app server's users behind one
 * NAT are not cut off; the total bounds the relay. Thread-safe.
 */
final class Quotas {
    /** Why an allocation was refused. */
    enum Refusal {
        NONE,
        /** The user or the source has its limit (486). */
        QUOTA,
        /** The relay has its total (508). */
        CAPACITY
    }

    private final int total;
    private final int perUser;
    private final int perSource;
    private final AtomicInteger held = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> sources = new ConcurrentHashMap<>();

    Quotas(int total, int perUser, int perSource) {
        this.total = total;
        this.perUser = perUser;
        this.perSource = perSource;
    }

    /** Counts one more allocation for {@code user} (null: none) from {@code source}, or says why not. */
    Refusal take(String user, String source) {
        if (held.incrementAndGet() > total) {
            held.decrementAndGet();
            return Refusal.CAPACITY;
        }
        if (!takeOne(sources, source, perSource)) {
            held.decrementAndGet();
            return Refusal.QUOTA;
        }
        if (user != null && !takeOne(users, user, perUser)) {
            giveOne(sources, source);
            held.decrementAndGet();
            return Refusal.QUOTA;
        }
        return Refusal.NONE;
    }

    void give(String user, String source) {
        held.decrementAndGet();
        giveOne(sources, source);
        if (user != null) {
            giveOne(users, user);
        }
    }

    int held() {
        return held.get();
    }

    private static boolean takeOne(ConcurrentHashMap<String, AtomicInteger> counts, String key, int limit) {
        boolean[] ok = {false};
        counts.compute(key, (k, n) -> {
            AtomicInteger c = n == null ? new AtomicInteger() : n;
            if (c.get() < limit) {
                c.incrementAndGet();
                ok[0] = true;
            }
            return c.get() == 0 ? null : c;
        });
        return ok[0];
    }

    private static void giveOne(ConcurrentHashMap<String, AtomicInteger> counts, String key) {
        counts.computeIfPresent(key, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
    }
}
