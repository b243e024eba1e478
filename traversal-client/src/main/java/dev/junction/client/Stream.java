package dev.junction.client;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One reliable, ordered, flow-controlled byte stream of a {@link Session} (a QUIC bidirectional
 * stream). Use the blocking {@link #input()}/{@link #output()} views or the asynchronous
 * {@link #write}/{@link #read}; both apply backpressure, so memory stays bounded however fast the
 * other side writes or however slowly it reads.
 */
public interface Stream extends AutoCloseable {
    /** Reads block until bytes arrive; -1 once the peer has finished its side. */
    InputStream input();

    /** Writes block while the stream's send window is full; {@code close()} finishes this side. */
    OutputStream output();

    /** Queues {@code data} (copied) and completes once it has been handed to the transport. */
    CompletableFuture<Void> write(ByteBuffer data);

    /** The next chunk received, or an empty buffer once the peer has finished its side. */
    CompletableFuture<ByteBuffer> read();

    /** Finishes this side (the peer reads end-of-stream after everything written); reading goes on. */
    void shutdownOutput();

    /** Finishes this side; the stream ends when the peer finishes too. */
    @Override
    void close();
}
