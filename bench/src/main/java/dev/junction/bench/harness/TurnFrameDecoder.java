package dev.junction.bench.harness;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a TURN-over-TCP byte stream (RFC 8656 section 12.5) into messages: ChannelData (first two
 * bits 01: 4-byte header, length, padding to 4 bytes) and STUN messages (first two bits 00: 20-byte
 * header plus the length field). Frames are retained slices of the stream, never copies.
 */
final class TurnFrameDecoder extends ByteToMessageDecoder {
    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 4) {
            int first = in.getUnsignedByte(in.readerIndex());
            int length = in.getUnsignedShort(in.readerIndex() + 2);
            int total = frameLength(first, length);
            if (total < 0) {
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
            if (in.readableBytes() < total) {
                return;
            }
            out.add(in.readRetainedSlice(total));
        }
    }

    /** Bytes of the frame that starts with {@code first} and carries {@code length}; -1 when it is neither kind. */
    static int frameLength(int first, int length) {
        return switch (first >> 6) {
            case 0 -> TurnMessage.HEADER + length;
            case 1 -> 4 + TurnMessage.pad4(length);
            default -> -1;
        };
    }
}
