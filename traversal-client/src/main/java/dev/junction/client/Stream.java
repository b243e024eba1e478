package dev.junction.client;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * One reliable, ordered, flow-controlled byte stream of a {@link Session} (a QUIC bidirectional
 * stream). Use the blocking {@link #input()}/{@link #output()} views or the asynchronous
 * {@link #write}/{@link #read}; both apply backpressure, so memory stays bounded however fast the
 * other side writes. Writing to a path slower than the writer: the asynchronous {@link #write} stays
 * bounded when each write waits for the one before it; the blocking {@link #output()} can still
 * queue what does not fit the stream's window in memory (a known issue of this version, BENCHMARKS.md
 * section 12's note). Thread-safe: one thread may read while another
 * writes; several readers (or writers) at once get the bytes in an unspecified split. When the peer
 * resets the stream or the session ends, reads and writes fail with an {@link java.io.IOException}
 * saying why (for example "refused" when the peer's per-peer limit was reached).
 */
public interface Stream extends AutoCloseable {
    /**
     * The blocking read side.
     *
     * @return an input stream whose reads block until bytes arrive and return -1 once the peer has
     *     finished its side; the same object at every call
     */
    InputStream input();

    /**
     * The blocking write side.
     *
     * @return an output stream whose writes block while the stream's send window is full and whose
     *     {@code close()} finishes this side; the same object at every call
     */
    OutputStream output();

    /**
     * Writes without blocking. The future completes once QUIC has taken the bytes into the stream,
     * which the peer's flow-control window bounds: start the next write when it completes, as
     * writes started without waiting queue in memory until the window opens.
     *
     * @param data the bytes from its position to its limit (copied; its position moves to its limit)
     * @return completes once the bytes have been handed to the transport, or exceptionally with a
     *     {@link JunctionException} when the stream has been closed or reset
     */
    CompletableFuture<Void> write(ByteBuffer data);

    /**
     * Reads without blocking.
     *
     * @return completes with the next chunk received, with an empty buffer once the peer has
     *     finished its side, or exceptionally with an {@link java.io.IOException} when the stream
     *     has been reset
     */
    CompletableFuture<ByteBuffer> read();

    /** Finishes this side (the peer reads end-of-stream after everything written); reading goes on. */
    void shutdownOutput();

    /** Finishes this side; the stream ends when the peer finishes too. */
    @Override
    void close();
}
