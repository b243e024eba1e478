package dev.junction.client.internal.punch;

import dev.junction.client.internal.net.UdpPort;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The nonces that bind one puncher's PROBEs and PROBE_ACKs to their path (PROTOCOL.md section 4):
 * each probe sent gets a fresh one, remembered with where it went and from which socket, and an
 * ACK counts only once, only from that address and socket, and only within
 * {@value #ACK_WINDOW_MS} ms; the peer's probe nonces are remembered so a replay is dropped.
 * A MAC alone cannot tell a copy resent from another address. I/O thread only.
 */
final class ProbeNonces {
    /** An ACK counts only this long after its probe: a path slower than this is of no use, and the table stays small. */
    static final long ACK_WINDOW_MS = 5000;
    /** Probes awaiting an ACK, remembered at most (an attempt with port prediction sends about 2,300). */
    static final int OUTSTANDING_MAX = 4096;
    /** The peer's probe nonces remembered to drop replays (over a minute of probing at 30 per second per pair). */
    static final int SEEN_MAX = 4096;

    /** A probe awaiting its ACK: where it went, from which socket, when. */
    private record Sent(InetSocketAddress to, UdpPort via, long nanos) {
    }

    private final Random random;
    private final LinkedHashMap<Long, Sent> outstanding = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Sent> eldest) {
            return size() > OUTSTANDING_MAX;
        }
    };
    private final LinkedHashMap<Long, Boolean> seen = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
            return size() > SEEN_MAX;
        }
    };

    ProbeNonces(Random random) {
        this.random = random;
    }

    /** A fresh nonce for a probe to {@code to} from {@code via}, remembered for its ACK. */
    long sending(InetSocketAddress to, UdpPort via) {
        long nonce = random.nextLong();
        outstanding.put(nonce, new Sent(to, via, System.nanoTime()));
        return nonce;
    }

    /**
     * True, once, when {@code nonce} is that of a probe this side sent to exactly {@code from}
     * from exactly {@code via} within the window: the pair works both ways.
     */
    boolean answered(long nonce, InetSocketAddress from, UdpPort via) {
        Sent sent = outstanding.get(nonce);
        if (sent == null || !sent.to().equals(from) || sent.via() != via
                || System.nanoTime() - sent.nanos() > TimeUnit.MILLISECONDS.toNanos(ACK_WINDOW_MS)) {
            return false;
        }
        outstanding.remove(nonce);
        return true;
    }

    /** Forgets probes whose ACK would come too late now. */
    void prune() {
        long oldest = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(ACK_WINDOW_MS);
        Iterator<Sent> it = outstanding.values().iterator();
        while (it.hasNext() && it.next().nanos() - oldest < 0) {
            it.remove();
        }
    }

    /** True the first time the peer's probe nonce is seen: a second time is a replay. */
    boolean fresh(long peerNonce) {
        return seen.put(peerNonce, Boolean.TRUE) == null;
    }
}
