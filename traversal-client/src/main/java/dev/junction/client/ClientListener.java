package dev.junction.client;

/**
 * Hooks for what happens inside the client, for logging or metrics in the app (the library has no
 * metrics dependency). Called on the client's I/O thread: return quickly, never block.
 */
public interface ClientListener {
    /** The client holds a reservation on the relay (after start, and after every reconnect). */
    default void relayConnected(String relayAddress) {
    }

    /** The relay connection ended; the client reconnects by itself with backoff. */
    default void relayDisconnected(String reason) {
    }

    /** A session's active path changed (also once when it first gets one). */
    default void pathChanged(Session session, PathInfo path) {
    }

    /**
     * Hole punching for a session ended: {@code direct} tells whether it found a direct path,
     * after {@code probes} PROBEs sent and {@code millis} since the session began connecting.
     */
    default void punchFinished(Session session, boolean direct, int probes, long millis) {
    }

    /** A session ended. */
    default void sessionClosed(Session session, String reason) {
    }
}
