package dev.junction.relay.turn;

import dev.junction.wire.Bytes;
import java.security.SecureRandom;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The relayed ports ({@code turn.relay-ports}): which are in use by this relay, chosen at random so a
 * stranger cannot guess the next one (RFC 8656 section 7.2), and the ports EVEN-PORT reserved behind a
 * RESERVATION-TOKEN for 30 s (section 7.2: "at least 30 seconds"). A port another process holds shows
 * up when binding fails; the caller then tries another. Thread-safe.
 */
final class PortPool {
    static final long RESERVATION_NANOS = 30_000_000_000L;

    private record Reserved(int port, long until) {
    }

    private final int min;
    private final int max;
    private final BitSet used = new BitSet();
    private final Map<Bytes, Reserved> reserved = new HashMap<>();
    private final SecureRandom random = new SecureRandom();

    PortPool(int min, int max) {
        this.min = min;
        this.max = max;
    }

    /** A free port, even when {@code even}; empty when none is left (after a bounded number of tries). */
    synchronized OptionalInt acquire(boolean even, boolean withNext, long now) {
        expire(now);
        int span = max - min + 1;
        for (int attempt = 0; attempt < 64; attempt++) {
            int p = min + random.nextInt(span);
            if (even && (p & 1) != 0) {
                p = p + 1 > max ? p - 1 : p + 1;
                if (p < min) {
                    continue;
                }
            }
            if (used.get(p) || (withNext && (p + 1 > max || used.get(p + 1)))) {
                continue;
            }
            used.set(p);
            return OptionalInt.of(p);
        }
        // Random tries failed: the pool is nearly full; scan it once.
        for (int p = min; p <= max; p++) {
            if (!used.get(p) && (!even || (p & 1) == 0) && (!withNext || (p + 1 <= max && !used.get(p + 1)))) {
                used.set(p);
                return OptionalInt.of(p);
            }
        }
        return OptionalInt.empty();
    }

    /** Holds {@code port} (taken already) for the token's owner; returns the token. */
    synchronized Bytes reserve(int port, long now) {
        used.set(port);
        byte[] token = new byte[8];
        random.nextBytes(token);
        Bytes t = Bytes.of(token);
        reserved.put(t, new Reserved(port, now + RESERVATION_NANOS));
        return t;
    }

    /** The port {@code token} reserved, now the caller's; empty when the token is unknown or expired. */
    synchronized OptionalInt claim(Bytes token, long now) {
        expire(now);
        Reserved r = reserved.remove(token);
        return r == null ? OptionalInt.empty() : OptionalInt.of(r.port());
    }

    synchronized void release(int port) {
        used.clear(port);
    }

    synchronized int inUse() {
        return used.cardinality();
    }

    private void expire(long now) {
        reserved.values().removeIf(r -> {
            if (now - r.until() >= 0) {
                used.clear(r.port());
                return true;
            }
            return false;
        });
    }
}
