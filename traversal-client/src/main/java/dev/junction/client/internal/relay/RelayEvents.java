package dev.junction.client.internal.relay;

import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.PeerId;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/** What the relay connection reports to the client; called on the I/O thread. */
public interface RelayEvents {
    /** Logged in (first time or after a reconnect). */
    void loggedIn(LoginFrames.LoginOk ok);

    /**
     * The relay's UDP binding of the session socket succeeded; {@code mapped} is what the relay
     * saw, {@code attestation} the relay's signed statement of it (for peers).
     */
    void udpBound(InetSocketAddress mapped, AddressAttestation attestation);

    /** A peer wants a circuit; answer with {@link RelayLink#accept} or {@link RelayLink#reject}. */
    void incoming(int circuit, PeerId from);

    /** The callee's side of a circuit opened (the caller's side completes its connect future). */
    void circuitOpen(CircuitFrames.CircuitOpen open);

    void circuitClosed(int circuit, CloseReason reason);

    /** A relayed datagram arrived on the TLS connection; takes ownership of {@code payload}. */
    void data(int circuit, ByteBuf payload);

    /** The end of a burst of frames read from the TLS connection. */
    void readComplete();

    /** True when no session is open or opening: moving to another relay now disturbs nothing. */
    boolean idle();

    /** The connection ended; the link reconnects by itself. */
    void disconnected(String reason);
}
