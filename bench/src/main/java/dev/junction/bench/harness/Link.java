package dev.junction.bench.harness;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One client socket of the load generator (a UDP socket connected to the server, or a TCP/TLS
 * connection after its frame decoder). Data frames go to the payload handler on the event loop,
 * without a copy; anything else (STUN/TURN responses, control frames) is copied into a queue for the
 * blocking setup code.
 */
final class Link extends ChannelInboundHandlerAdapter {
    /** Called on the event loop with the payload (valid only during the call). */
    interface PayloadHandler {
        void onPayload(Link link, ByteBuf payload);
    }

    final Framing framing;
    private final BlockingQueue<ByteBuf> control = new LinkedBlockingQueue<>();
    volatile Channel channel;
    /** Circuit ID (Junction) or channel number (TURN) written into each data frame's header. */
    volatile int id;
    volatile PayloadHandler handler = (l, p) -> { };

    Link(Framing framing) {
        this.framing = framing;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = msg instanceof DatagramPacket p ? p.content() : (ByteBuf) msg;
        try {
            if (framing.isData(b)) {
                handler.onPayload(this, b.slice(b.readerIndex() + framing.header, framing.payloadLength(b)));
            } else {
                control.add(Unpooled.copiedBuffer(b));
            }
        } finally {
            b.release();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** Frames {@code payload} (not consumed) and writes it. Any thread; no per-call allocation beyond a pooled buffer. */
    void send(ByteBuf payload) {
        Channel ch = channel;
        int n = payload.readableBytes();
        ByteBuf out = ch.alloc().directBuffer(framing.frameLength(n));
        framing.writeHeader(out, id, n);
        out.writeBytes(payload, payload.readerIndex(), n);
        framing.writePadding(out, n);
        ch.writeAndFlush(out, ch.voidPromise());
    }

    /** Writes bytes as they are (a STUN request, an encoded control frame). */
    void sendRaw(byte[] bytes) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
    }

    void sendRaw(ByteBuf bytes) {
        channel.writeAndFlush(bytes);
    }

    /** The next non-data frame, or null after {@code millis}. */
    ByteBuf nextControl(long millis) throws InterruptedException {
        return control.poll(millis, TimeUnit.MILLISECONDS);
    }

    void close() {
        Channel ch = channel;
        if (ch != null) {
            ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
    }
}
