package dev.junction.client.internal.relay;

import dev.junction.wire.control.ControlCodec;
import dev.junction.wire.control.ControlFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.MessageToByteEncoder;

/** The client side's control-frame encoder and frame splitter. */
final class ControlCodecHandlers {
    private ControlCodecHandlers() {
    }

    /** Encodes {@link ControlFrame}s; pre-framed DATA buffers pass through. Stateless. */
    @ChannelHandler.Sharable
    static final class Encoder extends MessageToByteEncoder<ControlFrame> {
        static final Encoder INSTANCE = new Encoder();

        private Encoder() {
            super(ControlFrame.class);
        }

        @Override
        protected void encode(ChannelHandlerContext ctx, ControlFrame frame, ByteBuf out) {
            ControlCodec.encode(frame, out);
        }
    }

    /** Splits the TLS stream into whole frames ({@code type:u8 | length:u16 | payload}), as slices. */
    static LengthFieldBasedFrameDecoder splitter() {
        return new LengthFieldBasedFrameDecoder(ControlCodec.HEADER_LENGTH + ControlCodec.MAX_PAYLOAD, 1, 2, 0, 0) {
            @Override
            protected ByteBuf extractFrame(ChannelHandlerContext ctx, ByteBuf buffer, int index, int length) {
                return buffer.retainedSlice(index, length);
            }
        };
    }
}
