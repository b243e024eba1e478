package dev.junction.wire.udp;

import io.netty.buffer.ByteBuf;

/**
 * The header of a RELAY_DATA datagram (docs/PROTOCOL.md section 4), for senders that put it in
 * front of a payload they already hold (a composite buffer, no copy):
 * <pre>
 * +---------+---------------+---------------------+
 * | 0x82:u8 | circuit:u32   | payload (the rest)  |
 * +---------+---------------+---------------------+
 * </pre>
 * {@link UdpCodec#relayDataCircuit} reads it back without decoding the datagram.
 */
public final class RelayDataHeader {
    /** type:u8 + circuit:u32; the payload starts at this offset. */
    public static final int LENGTH = 5;

    private RelayDataHeader() {
    }

    /** Appends the {@value #LENGTH} header bytes for {@code circuit} to {@code out}; returns {@code out}. */
    public static ByteBuf write(ByteBuf out, int circuit) {
        return out.writeByte(UdpFrameType.RELAY_DATA.byteValue()).writeInt(circuit);
    }

    /**
     * The payload of a RELAY_DATA datagram whose circuit {@link UdpCodec#relayDataCircuit} read, as
     * a retained slice after the header (the datagram's indices do not move; release both).
     */
    public static ByteBuf payload(ByteBuf datagram) {
        return datagram.retainedSlice(datagram.readerIndex() + LENGTH, datagram.readableBytes() - LENGTH);
    }
}
