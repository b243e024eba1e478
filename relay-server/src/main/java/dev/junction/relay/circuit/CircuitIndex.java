package dev.junction.relay.circuit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Circuits by their int ID, for the forwarding path: a lookup takes no lock and allocates nothing (a
 * {@code ConcurrentHashMap<Integer, Circuit>} boxed every relayed datagram's circuit ID, about 3 %
 * of the relay's allocation under load, issue 18). Buckets hold small immutable arrays, replaced
 * whole under the table's lock when circuits open or close (control-plane rates), so a reader sees
 * a bucket before or after a change, never half of one. A reader holding the table from before a
 * resize may miss a circuit opened during it, as if its datagram had arrived a moment earlier.
 */
final class CircuitIndex {
    private static final int INITIAL = 64;
    private volatile AtomicReferenceArray<Circuit[]> buckets = new AtomicReferenceArray<>(INITIAL);
    private volatile int size;

    private static int index(int id, int length) {
        return (id ^ (id >>> 16)) & (length - 1);
    }

    Circuit get(int id) {
        AtomicReferenceArray<Circuit[]> b = buckets;
        Circuit[] chain = b.get(index(id, b.length()));
        if (chain != null) {
            for (Circuit c : chain) {
                if (c.id() == id) {
                    return c;
                }
            }
        }
        return null;
    }

    boolean containsKey(int id) {
        return get(id) != null;
    }

    /** Adds {@code c} under {@code id} unless a circuit holds it; returns that circuit, or null when added. */
    synchronized Circuit putIfAbsent(int id, Circuit c) {
        Circuit old = get(id);
        if (old != null) {
            return old;
        }
        if (size >= buckets.length()) {
            grow();
        }
        AtomicReferenceArray<Circuit[]> b = buckets;
        int i = index(id, b.length());
        Circuit[] chain = b.get(i);
        Circuit[] next;
        if (chain == null) {
            next = new Circuit[] {c};
        } else {
            next = java.util.Arrays.copyOf(chain, chain.length + 1);
            next[chain.length] = c;
        }
        b.set(i, next);
        size++;
        return null;
    }

    /** Removes {@code id} if {@code c} holds it. */
    synchronized boolean remove(int id, Circuit c) {
        AtomicReferenceArray<Circuit[]> b = buckets;
        int i = index(id, b.length());
        Circuit[] chain = b.get(i);
        if (chain == null) {
            return false;
        }
        for (int k = 0; k < chain.length; k++) {
            if (chain[k] == c) {
                Circuit[] next = null;
                if (chain.length > 1) {
                    next = new Circuit[chain.length - 1];
                    System.arraycopy(chain, 0, next, 0, k);
                    System.arraycopy(chain, k + 1, next, k, chain.length - k - 1);
                }
                b.set(i, next);
                size--;
                return true;
            }
        }
        return false;
    }

    int size() {
        return size;
    }

    /** A snapshot of every circuit. */
    List<Circuit> values() {
        AtomicReferenceArray<Circuit[]> b = buckets;
        List<Circuit> out = new ArrayList<>(size);
        for (int i = 0; i < b.length(); i++) {
            Circuit[] chain = b.get(i);
            if (chain != null) {
                out.addAll(List.of(chain));
            }
        }
        return out;
    }

    /** Twice the buckets; the new table is complete before readers see it. */
    private void grow() {
        AtomicReferenceArray<Circuit[]> old = buckets;
        AtomicReferenceArray<Circuit[]> next = new AtomicReferenceArray<>(old.length() * 2);
        for (int i = 0; i < old.length(); i++) {
            Circuit[] chain = old.get(i);
            if (chain == null) {
                continue;
            }
            for (Circuit c : chain) {
                int j = index(c.id(), next.length());
                Circuit[] at = next.get(j);
                Circuit[] grown = at == null ? new Circuit[1] : java.util.Arrays.copyOf(at, at.length + 1);
                grown[grown.length - 1] = c;
                next.set(j, grown);
            }
        }
        buckets = next;
    }
}
