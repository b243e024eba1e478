package dev.junction.relay.fleet;

import dev.junction.relay.reservation.ClientLink;
import dev.junction.relay.reservation.Reservation;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.identity.PeerId;
import io.netty.buffer.ByteBuf;

/**
 * How the circuit table reaches a peer homed on another relay: the frames it would send that peer
 * become mesh frames to the peer's relay, which tells the peer itself. The circuit table needs no
 * idea of a fleet: a circuit's far end is just a {@link Reservation.Kind#REMOTE} reservation with
 * this link.
 * <pre>
 * to the table's callee (this relay holds the caller)   INCOMING      → MESH_CONNECT (circuit, caller, callee)
 *                                                        CIRCUIT_OPEN  → nothing: the other relay sent it
 * to the table's caller (this relay holds the callee)   CIRCUIT_OPEN  → CIRCUIT_OPEN (the callee accepted)
 *                                                        ERROR         → CIRCUIT_CLOSE (the pending circuit failed)
 * either                                                 CIRCUIT_CLOSE → CIRCUIT_CLOSE; relayed DATA → DATA
 * </pre>
 * Nothing here ever closes the mesh link: one circuit's end is not the link's.
 */
final class RemoteLink implements ClientLink {
    private final Reservation link;
    private final PeerId peer;
    private final boolean caller;
    private final int circuit;

    /**
     * For {@code peer} at the far end of mesh link {@code link}; {@code caller}: it is the circuit's
     * caller (its relay sent MESH_CONNECT for circuit {@code circuit}); else the callee (circuit 0: not chosen yet).
     */
    RemoteLink(Reservation link, PeerId peer, boolean caller, int circuit) {
        this.link = link;
        this.peer = peer;
        this.caller = caller;
        this.circuit = circuit;
    }

    @Override
    public boolean send(ControlFrame frame) {
        ClientLink out = link.link();
        if (frame instanceof CircuitFrames.Incoming i) {
            return out.send(new CircuitFrames.MeshConnect(i.circuit(), i.from(), peer));
        } else if (frame instanceof CircuitFrames.CircuitOpen o) {
            return !caller || out.send(new CircuitFrames.CircuitOpen(o.circuit(), 0, o.peer()));
        } else if (frame instanceof CircuitFrames.CircuitClose c) {
            return out.send(c);
        } else if (frame instanceof LinkFrames.Error e && caller) {
            return out.send(new CircuitFrames.CircuitClose(circuit, closeReasonFor(e.code()), 0));
        }
        return true; // GOING_AWAY and answers are for this relay's own clients
    }

    /** The CIRCUIT_CLOSE reason that tells the caller's relay why the circuit it asked for failed here. */
    static CloseReason closeReasonFor(ErrorCode code) {
        return switch (code) {
            case DRAINING -> CloseReason.RELAY_UNREACHABLE; // the callee's relay drains, not the caller's
            case PEER_NOT_FOUND -> CloseReason.PEER_GONE;
            default -> CloseReason.REJECTED;
        };
    }

    @Override
    public boolean sendRelayed(ByteBuf frame, Runnable beforeWrite) {
        return link.link().sendRelayed(frame, beforeWrite);
    }

    @Override
    public void sendAndClose(ControlFrame frame) {
        send(frame);
    }

    @Override
    public void close() {
        // the mesh link carries other circuits
    }
}
