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
 */
public interface Session extends AutoCloseable {
    /** The peer, as proven by its certificate in the handshake. */
    PeerId remotePeer();

    /** Opens a new stream to the peer. */
    CompletableFuture<Stream> openStream();

    /** Streams the peer opens; streams that arrive before a handler is set wait for it. */
    void onStream(Consumer<Stream> handler);

    /** The next stream the peer opens, waiting at most {@code timeout}. */
    Stream acceptStream(Duration timeout) throws InterruptedException;

    /** The largest application datagram {@link #sendDatagram} takes. */
    int MAX_DATAGRAM = 1000;

    /**
     * Sends an unreliable datagram (QUIC DATAGRAM, RFC 9221): it may be lost or arrive out of order,
     * never blocks, and is encrypted like the streams. False if it is larger than
     * {@link #MAX_DATAGRAM} or the session has ended.
     */
    boolean sendDatagram(ByteBuffer data);

    /** Called with every datagram the peer sends (on the client's I/O thread: do not block). */
    void onDatagram(Consumer<ByteBuffer> handler);

    /** The path datagrams take now. */
    PathInfo activePath();

    /** Called with every change of the active path (on the client's I/O thread: do not block). */
    void onPathChange(Consumer<PathInfo> listener);

    /** Completes when the session has ended. */
    CompletableFuture<Void> closeFuture();

    /** Ends the session and all its streams. */
    @Override
    void close();
}
