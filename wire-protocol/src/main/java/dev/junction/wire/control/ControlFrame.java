package dev.junction.wire.control;

import io.netty.buffer.ByteBuf;

/**
 * A frame on the control channel (TLS over TCP). On the wire:
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     type      |        payload length         |  payload ...  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 * Encode and decode with {@link ControlCodec}; each record writes its payload next to the code that
 * reads it.
 */
public sealed interface ControlFrame permits
        LoginFrames.Hello, LoginFrames.Challenge, LoginFrames.Auth, LoginFrames.LoginOk,
        LoginFrames.Refresh, LoginFrames.RefreshOk,
        CircuitFrames.Connect, CircuitFrames.Incoming, CircuitFrames.Accept, CircuitFrames.CircuitOpen,
        CircuitFrames.CircuitClose, CircuitFrames.Data, CircuitFrames.MeshConnect, LinkFrames.RelayMap,
        LinkFrames.Ping, LinkFrames.Pong, LinkFrames.GoingAway, LinkFrames.Error {

    ControlFrameType type();

    /** Writes the payload only; {@link ControlCodec} writes the header. */
    void encodePayload(ByteBuf out);
}
