package dev.junction.relay.reservation;

import dev.junction.wire.control.ControlFrame;
import io.netty.buffer.ByteBuf;

/**
 * How the relay reaches a logged-in client on its control connection. The reservation registry and
 * circuit table use it and never touch sockets themselves. Every frame goes through the
 * connection's one bounded send queue: when it is full the frame is dropped and counted, never
 * buffered beyond the configured bounds.
 */
public interface ClientLink {
    /** Queues {@code frame}; false when the queue was full and the frame was dropped. Never blocks. */
    boolean send(ControlFrame frame);

    /**
     * Queues a relayed DATA frame, encoded with its header (ownership passes; released if dropped);
     * {@code beforeWrite} runs once it is accepted, before it is written (the forwarder counts it
     * there). False when the queue was full.
     */
    boolean sendRelayed(ByteBuf frame, Runnable beforeWrite);

    /** Sends {@code frame} then closes the connection. */
    void sendAndClose(ControlFrame frame);

    /** Closes the connection. */
    void close();
}
