package dev.junction.client;

import dev.junction.wire.identity.PeerId;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * An end-to-end encrypted, mutually authenticated connection to one peer (QUIC with TLS 1.3; each
 * side's certificate carries its Ed25519 identity, so the relay in between sees ciphertext only and
 * cannot pose as either side). It keeps its streams while its datagrams move between paths.
 * Obtained from {@link TraversalClient#connect} or the builder's {@code onSession} handler.
 * Thread-safe: every method may be called from any thread; handlers run where each method says.
 */
public interface Session extends AutoCloseable {
    /**
     * The peer, as proven by its certificate in the handshake.
     *
     * @return the peer's PeerId
     */
    PeerId remotePeer();

    /**
     * Opens a new stream to the peer. Fails when the peer's limit of streams open at once on one
     * session is reached (its {@code incoming-streams.per-session}, 100 by default); the stream's
     * reads and writes fail with "refused" ({@code STREAM_REFUSED}) when the peer already holds as
     * many streams from this client as it allows one peer ({@code per-peer}).
     *
     * @return completes with the stream, or exceptionally with a {@link JunctionException} when the
     *     peer allows no more streams now or the session has ended
     */
    CompletableFuture<Stream> openStream();

    /**
     * Streams the peer opens; streams that arrive before a handler is set wait for it. The handler
     * runs on the client's handler pool and may block (most read until the stream ends). A peer
     * holds at most {@link IncomingStreamLimits#perPeer()} streams toward this client at once,
     * counting each from its arrival until it has closed and its handler has returned; more are
     * refused, so a peer that never finishes its streams cannot take the threads other peers need.
     *
     * @param handler called once with each stream; it should close the stream when done
     */
    void onStream(Consumer<Stream> handler);

    /**
     * The next stream the peer opens, waiting at most {@code timeout}. A stream taken here counts
     * toward the peer's {@link IncomingStreamLimits#perPeer()} until it has closed. Do not mix
     * with {@link #onStream}: a stream goes to one of them.
     *
     * @param timeout how long to wait at most
     * @return the stream, or null when none arrived in time or the session has ended
     * @throws InterruptedException if the waiting thread is interrupted
     */
    Stream acceptStream(Duration timeout) throws InterruptedException;

    /** The largest application datagram {@link #sendDatagram} takes. */
    int MAX_DATAGRAM = 1000;

    /**
     * Sends an unreliable datagram (QUIC DATAGRAM, RFC 9221): it may be lost or arrive out of order,
     * never blocks, and is encrypted like the streams. False if it is larger than
     * {@link #MAX_DATAGRAM} or the session has ended.
     *
     * @param data the payload, from its position to its limit (copied; its position moves to its
     *     limit when it is sent)
     * @return whether it was queued for sending (not whether it arrives)
     */
    boolean sendDatagram(ByteBuffer data);

    /**
     * Sets the handler of the peer's datagrams, replacing any earlier one; datagrams that arrive
     * while there is none are dropped.
     *
     * @param handler called with every datagram the peer sends, on the client's I/O thread: do not
     *     block; each datagram is a fresh heap buffer the handler may keep
     */
    void onDatagram(Consumer<ByteBuffer> handler);

    /**
     * The path datagrams take now.
     *
     * @return the active path
     */
    PathInfo activePath();

    /**
     * Follows the session's path.
     *
     * @param listener called with every change of the active path, on the client's I/O thread: do
     *     not block
     */
    void onPathChange(Consumer<PathInfo> listener);

    /**
     * The session's end, whichever side or failure ended it.
     *
     * @return completes (normally) when the session has ended
     */
    CompletableFuture<Void> closeFuture();

    /** Ends the session and all its streams; the peer sees it end too. Idempotent; never blocks. */
    @Override
    void close();
}
