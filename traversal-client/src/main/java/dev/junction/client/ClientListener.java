package dev.junction.client;

/**
 * Hooks for what happens inside the client, for logging or metrics in the app (the library has no
 * metrics dependency). Every method has an empty default; override the ones you need. Called on the
 * client's I/O thread, one call at a time: return quickly, never block, and do not throw.
 */
public interface ClientListener {
    /**
     * The client holds a reservation on the relay (after start, and after every reconnect).
     *
     * @param relayAddress the relay's address, as {@link TraversalClient#relay()} gives it. After the
     *        relay rotated its identity key (endorsed by the key the app pinned) it carries the new
     *        PeerId: store it where the app keeps the relay address
     */
    default void relayConnected(String relayAddress) {
    }

    /**
     * The relay connection ended; the client reconnects by itself with backoff, and sessions on a
     * direct path carry on meanwhile.
     *
     * @param reason why, in words
     */
    default void relayDisconnected(String reason) {
    }

    /**
     * A session's active path changed (also once when it first gets one).
     *
     * @param session the session
     * @param path the path its datagrams take now
     */
    default void pathChanged(Session session, PathInfo path) {
    }

    /**
     * Hole punching for a session ended.
     *
     * @param session the session
     * @param direct whether it found a direct path (the session moves to it)
     * @param probes how many PROBEs this side sent
     * @param millis milliseconds since the session began connecting
     */
    default void punchFinished(Session session, boolean direct, int probes, long millis) {
    }

    /**
     * A session ended.
     *
     * @param session the session
     * @param reason why, in words
     */
    default void sessionClosed(Session session, String reason) {
    }
}
