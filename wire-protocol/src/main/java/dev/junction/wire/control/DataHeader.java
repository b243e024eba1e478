package dev.junction.wire.control;

import io.netty.buffer.ByteBuf;

/**
 * The header of a DATA control frame (docs/PROTOCOL.md section 3.2), for senders that put it in
 * front of a payload they already hold (a composite buffer, no copy):
 * <pre>
 * +---------+--------------------------+-------------+---------------------+
 * | 0x15:u8 | length:u16 (4 + payload) | circuit:u32 | payload             |
 * +---------+--------------------------+-------------+---------------------+
 * </pre>
 * The length field counts the circuit ID too. {@link ControlCodec#dataCircuit} reads it back
 * without decoding the frame.
 */
public final class DataHeader {
    /** type:u8 + length:u16 + circuit:u32; the payload starts at this offset. */
    public static final int LENGTH = ControlCodec.HEADER_LENGTH + 4;
    /** The largest payload a DATA frame carries: the 16-bit length field also counts the circuit ID. */
    public static final int MAX_PAYLOAD = CircuitFrames.Data.MAX_PAYLOAD;

    private DataHeader() {
    }

    /**
     * Appends the {@value #LENGTH} header bytes of a DATA frame on {@code circuit} whose payload
     * (written after it by the caller) is {@code payloadLength} bytes; returns {@code out}.
     *
     * @throws IllegalArgumentException if the payload does not fit the length field
     */
    public static ByteBuf write(ByteBuf out, int circuit, int payloadLength) {
        if (payloadLength < 0 || payloadLength > MAX_PAYLOAD) {
            throw new IllegalArgumentException("DATA payload of " + payloadLength + " bytes, at most " + MAX_PAYLOAD);
        }
        return out.writeByte(ControlFrameType.DATA.byteValue()).writeShort(4 + payloadLength).writeInt(circuit);
    }
}
