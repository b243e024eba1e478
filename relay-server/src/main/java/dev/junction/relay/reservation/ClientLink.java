package dev.junction.relay.reservation;

import dev.junction.wire.control.ControlFrame;

/**
 * How the relay reaches a logged-in client on its control connection. The reservation registry and
 * circuit table use it and never touch sockets themselves.
 */
public interface ClientLink {
    /** Sends {@code frame}; never blocks. */
    void send(ControlFrame frame);

    /** Sends {@code frame} then closes the connection. */
    void sendAndClose(ControlFrame frame);

    /** Closes the connection. */
    void close();
}
