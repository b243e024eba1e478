package dev.junction.client;

import dev.junction.wire.identity.PeerId;
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
