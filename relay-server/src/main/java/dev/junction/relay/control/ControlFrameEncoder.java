package dev.junction.relay.control;

import dev.junction.wire.control.ControlCodec;
import dev.junction.wire.control.ControlFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;

/** Encodes control frames; raw buffers (pre-framed DATA from the forwarder) pass through. Stateless. */
@ChannelHandler.Sharable
public final class ControlFrameEncoder extends MessageToByteEncoder<ControlFrame> {
    public static final ControlFrameEncoder INSTANCE = new ControlFrameEncoder();

    private ControlFrameEncoder() {
        super(ControlFrame.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ControlFrame frame, ByteBuf out) {
        ControlCodec.encode(frame, out);
    }
}
