package dev.junction.relay.control;

import dev.junction.relay.metrics.DropReason;
import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.control.ControlCodec;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits the TLS byte stream into control frames ({@code type:u8 | length:u16 | payload}) and
 * decodes them. DATA frames skip decoding: they become {@link RelayedData} holding the frame, a slice of
 * the received buffer. A malformed frame is counted, answered with ERROR MALFORMED, and the connection
 * closed, as a TCP decoder must.
 */
final class ControlFrameDecoder extends LengthFieldBasedFrameDecoder {
    private final RelayMetrics metrics;

    ControlFrameDecoder(RelayMetrics metrics) {
        super(ControlCodec.HEADER_LENGTH + ControlCodec.MAX_PAYLOAD, 1, 2, 0, 0);
        this.metrics = metrics;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        ByteBuf frame = (ByteBuf) super.decode(ctx, in);
        if (frame == null) {
            return null;
        }
        try {
            long circuit = ControlCodec.dataCircuit(frame);
            if (circuit >= 0) {
                return new RelayedData((int) circuit, frame.retain());
            }
            return ControlCodec.decode(frame);
        } catch (WireFormatException e) {
            metrics.drop(DropReason.MALFORMED_FRAME);
            in.skipBytes(in.readableBytes());
            ctx.writeAndFlush(new LinkFrames.Error(0, ErrorCode.MALFORMED, e.getMessage()))
                    .addListener(ChannelFutureListener.CLOSE);
            return null;
        } finally {
            frame.release();
        }
    }

    @Override
    protected ByteBuf extractFrame(ChannelHandlerContext ctx, ByteBuf buffer, int index, int length) {
        // A slice, not a copy: DATA payloads are forwarded from the received buffer itself.
        return buffer.retainedSlice(index, length);
    }
}
