package dev.junction.client.internal.session;

import dev.junction.wire.identity.PeerId;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Incoming streams each peer holds toward this client, across all its sessions, bounded by
 * junction.client.incoming-streams.per-peer. A stream holds its place from its arrival until its
 * channel has closed and its handler (if it got one) has returned, so a peer that never finishes
 * its streams ties up at most that many handler threads and the others stay for other peers.
 *
 * <p>Thread-safe: {@link #admit} runs on the I/O thread, a place is given back by whichever
 * thread ends its stream last. One per client, handed to each session.
 */
public final class PeerStreams {
    private final int perPeer;
    private final Map<PeerId, Integer> held = new HashMap<>();

    public PeerStreams(int perPeer) {
        this.perPeer = perPeer;
    }

    /** A place for one more stream of {@code peer}, or null when it holds {@code perPeer} already. */
    Place admit(PeerId peer) {
        synchronized (held) {
            int n = held.getOrDefault(peer, 0);
            if (n >= perPeer) {
                return null;
            }
            held.put(peer, n + 1);
        }
        return new Place(peer);
    }

    /** Streams {@code peer} holds now. */
    public int held(PeerId peer) {
        synchronized (held) {
            return held.getOrDefault(peer, 0);
        }
    }

    private void release(PeerId peer) {
        synchronized (held) {
            held.computeIfPresent(peer, (p, n) -> n > 1 ? n - 1 : null); // no entry for peers holding none
        }
    }

    /**
     * One admitted stream's place: given back once both its ends have come, the stream's channel
     * closing and its handler returning (or the application taking it by acceptStream, or the
     * session ending before anyone took it).
     */
    final class Place {
        private static final int CLOSED = 1;
        private static final int HANDLED = 2;
        private final PeerId peer;
        private final AtomicInteger ended = new AtomicInteger();

        private Place(PeerId peer) {
            this.peer = peer;
        }

        /** The stream's channel has closed. */
        void channelClosed() {
            end(CLOSED);
        }

        /** Its handler returned, or no handler will run for it. */
        void handled() {
            end(HANDLED);
        }

        /** Records one end (once, however often it is called); the second gives the place back. */
        private void end(int which) {
            int before = ended.getAndUpdate(e -> e | which);
            if ((before & which) == 0 && (before | which) == (CLOSED | HANDLED)) {
                release(peer);
            }
        }
    }
}
