package dev.junction.bench.harness;

import dev.junction.wire.control.ControlFrameType;
import dev.junction.wire.control.DataHeader;
import dev.junction.wire.udp.RelayDataHeader;
import dev.junction.wire.udp.UdpFrameType;
import io.netty.buffer.ByteBuf;

/**
 * How one relayed payload is framed on each path the harness measures. The generator writes the
 * same 1200-byte payload for every system; only these few header bytes differ.
 */
enum Framing {
    /** Raw UDP between two sockets: the loopback limit, no header. */
    RAW(0),
    /** Junction RELAY_DATA datagram (docs/PROTOCOL.md section 4): 0x82 | circuit:u32 | payload. */
    JUNCTION_UDP(RelayDataHeader.LENGTH),
    /** Junction DATA frame on the TLS control connection (section 3.2): 0x15 | length:u16 | circuit:u32 | payload. */
    JUNCTION_TLS(DataHeader.LENGTH),
    /** TURN ChannelData over UDP (RFC 8656 section 12.4): channel:u16 | length:u16 | payload. */
    TURN_UDP(4),
    /** TURN ChannelData over TCP: the same header, the message padded to a multiple of 4 bytes (section 12.5). */
    TURN_TCP(4);

    final int header;

    Framing(int header) {
        this.header = header;
    }

    /** True when {@code frame} (its readable bytes: one datagram or one decoded TCP frame) carries a payload. */
    boolean isData(ByteBuf frame) {
        if (frame.readableBytes() < header) {
            return false;
        }
        int first = frame.getUnsignedByte(frame.readerIndex());
        return switch (this) {
            case RAW -> true;
            case JUNCTION_UDP -> first == (UdpFrameType.RELAY_DATA.byteValue() & 0xFF);
            case JUNCTION_TLS -> first == (ControlFrameType.DATA.byteValue() & 0xFF);
            case TURN_UDP, TURN_TCP -> (first & 0xC0) == 0x40; // ChannelData numbers are 0x4000-0x7FFF
        };
    }

    /** The payload's length in a data frame (TCP ChannelData frames may carry padding after it). */
    int payloadLength(ByteBuf frame) {
        return switch (this) {
            case TURN_UDP, TURN_TCP -> frame.getUnsignedShort(frame.readerIndex() + 2);
            default -> frame.readableBytes() - header;
        };
    }

    /** Bytes on the wire for a payload of {@code n} bytes. */
    int frameLength(int n) {
        return this == TURN_TCP ? header + TurnMessage.pad4(n) : header + n;
    }

    /** Writes the header for a payload of {@code n} bytes to {@code id} (circuit or channel number). */
    void writeHeader(ByteBuf out, int id, int n) {
        switch (this) {
            case RAW -> { }
            case JUNCTION_UDP -> RelayDataHeader.write(out, id);
            case JUNCTION_TLS -> DataHeader.write(out, id, n);
            case TURN_UDP, TURN_TCP -> out.writeShort(id).writeShort(n);
        }
    }

    /** Writes the padding after a payload of {@code n} bytes. */
    void writePadding(ByteBuf out, int n) {
        if (this == TURN_TCP) {
            out.writeZero(TurnMessage.pad4(n) - n);
        }
    }
}
