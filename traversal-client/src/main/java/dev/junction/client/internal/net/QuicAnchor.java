package dev.junction.client.internal.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * The parent channel of a QUIC codec whose datagrams travel over Junction paths instead of a socket
 * of their own. It is a real UDP socket on 127.0.0.1 so that the codec sits on a registered,
 * active channel of the client's event loop, but that socket carries nothing: a tap at the bottom
 * of the pipeline takes every datagram the codec writes and hands it to the path mux, and the mux
 * injects received datagrams above the tap. Anything that arrives on the socket itself is dropped.
 *
 * <p>This is how path changes happen below QUIC (PROTOCOL.md section 6.1): QUIC sees one stable peer
 * address per session while the mux moves the session between relayed and direct paths.
 */
public final class QuicAnchor {
    private final Channel channel;
    private final Tap tap;
    /** Datagrams were injected since the last read-complete. */
    private boolean readPending;

    private QuicAnchor(Channel channel, Tap tap) {
        this.channel = channel;
        this.tap = tap;
    }

    /**
     * Binds an anchor on {@code group} with {@code quicCodec} above the tap; every datagram the codec
     * writes goes to {@code outbound}, which takes ownership of it.
     */
    public static QuicAnchor bind(EventLoopGroup group, Class<? extends Channel> datagramChannel, ChannelHandler quicCodec,
                                  Consumer<DatagramPacket> outbound) throws InterruptedException {
        Tap tap = new Tap(outbound);
        Channel ch = new Bootstrap().group(group).channel(datagramChannel).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                c.pipeline().addLast("tap", tap).addLast("quic", quicCodec);
            }
        }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return new QuicAnchor(ch, tap);
    }

    public Channel channel() {
        return channel;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /**
     * Delivers {@code payload}'s datagram to the QUIC codec as if it came from {@code virtualSender}.
     * Must run on the anchor's event loop; takes ownership of the buffer.
     */
    public void inject(io.netty.buffer.ByteBuf payload, InetSocketAddress virtualSender) {
        ChannelHandlerContext ctx = tap.ctx;
        if (ctx == null || !channel.isActive()) {
            payload.release();
            return;
        }
        ctx.fireChannelRead(new DatagramPacket(payload, localAddress(), virtualSender));
        readPending = true;
    }

    /**
     * Ends a batch of {@link #inject}ed datagrams: the codec processes its connections and flushes
     * (acknowledgements, window updates, data) on read-complete, so a burst of datagrams read from
     * the socket in one go gets one flush, not one per datagram.
     */
    public void readComplete() {
        ChannelHandlerContext ctx = tap.ctx;
        if (readPending && ctx != null) {
            readPending = false;
            ctx.fireChannelReadComplete();
        }
    }

    public void close() {
        channel.close();
    }

    /** Bottom of the anchor pipeline: swallows the socket, routes the codec's writes. */
    static final class Tap extends ChannelDuplexHandler {
        private final Consumer<DatagramPacket> outbound;
        volatile ChannelHandlerContext ctx;

        Tap(Consumer<DatagramPacket> outbound) {
            this.outbound = outbound;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg); // nothing legitimate arrives on the anchor socket
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            // reads from the socket are dropped, so is their completion
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof DatagramPacket packet) {
                outbound.accept(packet);
                promise.trySuccess();
            } else {
                ReferenceCountUtil.release(msg);
                promise.tryFailure(new IllegalArgumentException("anchor carries datagrams only"));
            }
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            // nothing is queued on the socket
        }
    }
}
