package dev.junction.wire.stun;

import io.netty.buffer.ByteBuf;

/**
 * TURN's ChannelData message (RFC 8656 section 12.4): a 4-byte header, then the application data.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Channel Number        |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       Application Data                        |
 * </pre>
 * RFC 8656 gives clients channel numbers 0x4000–0x4FFF; RFC 5766 gave them 0x4000–0x7FFF and clients
 * still use that range (coturn's uclient does), so a first byte 0x40–0x7F starts a ChannelData
 * message, told apart from a STUN message (0x00–0x03) on the same socket. Over TCP and TLS the message is padded to a multiple of
 * four bytes (the padding is not counted in Length); over UDP it is not.
 */
public final class ChannelData {
    public static final int HEADER_LENGTH = 4;

    private ChannelData() {
    }

    /** True when {@code firstByte} starts a ChannelData message (a channel number 0x4000–0x7FFF). */
    public static boolean isChannelData(int firstByte) {
        return (firstByte & 0xC0) == 0x40;
    }

    /** The channel number of the message at the reader index (at least 2 bytes readable). */
    public static int channel(ByteBuf buf) {
        return buf.getUnsignedShort(buf.readerIndex());
    }

    /** The Length field of the message at the reader index (at least 4 bytes readable). */
    public static int length(ByteBuf buf) {
        return buf.getUnsignedShort(buf.readerIndex() + 2);
    }

    /** Bytes the message takes on a stream (TCP, TLS): header, data, padding to four. */
    public static int streamFrameLength(int dataLength) {
        return (HEADER_LENGTH + dataLength + 3) & ~3;
    }

    /** Writes the header for {@code dataLength} bytes of data on {@code channel}. */
    public static void writeHeader(ByteBuf out, int channel, int dataLength) {
        out.writeShort(channel).writeShort(dataLength);
    }
}
