package dev.junction.client.internal.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * A direct TCP path to a peer, made by TCP simultaneous open (PROTOCOL.md section 6.5): both
 * sides connect from the same local port to each other's public address at once, and each SYN
 * finds the other's NAT already open. On it travel datagrams, each as {@code length:u16 | bytes}:
 * first one PROBE each way (which proves the punch key), then the session's QUIC packets.
 */
public final class TcpPath implements UdpPort {
    /** What arrives on a path, on the I/O thread. */
    public interface Inbound {
        /** One datagram; takes ownership. */
        void datagram(TcpPath path, ByteBuf datagram);

        void readComplete(TcpPath path);

        void closed(TcpPath path);
    }

    /** Datagrams queued beyond this are dropped, as a full UDP socket would (QUIC retransmits). */
    static final int HIGH_WATER = 1 << 20;

    private final Channel channel;
    private final InetSocketAddress remote;

    private TcpPath(Channel channel, InetSocketAddress remote) {
        this.channel = channel;
        this.remote = remote;
    }

    /**
     * Connects from {@code local} (address reuse on, so the session's TCP port can connect to more
     * than one candidate) to {@code remote}; {@code done} gets the path, or null when the attempt
     * failed or timed out.
     */
    public static void connect(ClientTransport transport, InetSocketAddress local, InetSocketAddress remote, int timeoutMillis,
                               Inbound inbound, Consumer<TcpPath> done) {
        TcpPath[] self = new TcpPath[1];
        Bootstrap b = new Bootstrap().group(transport.group()).channel(transport.socketChannel())
                .option(ChannelOption.SO_REUSEADDR, true).option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeoutMillis)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(HIGH_WATER / 2, HIGH_WATER))
                .localAddress(local)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(2 + 0xffff, 0, 2, 0, 2), new LengthFieldPrepender(2),
                                new SimpleChannelInboundHandler<ByteBuf>(false) {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                        if (self[0] == null) {
                                            msg.release();
                                        } else {
                                            inbound.datagram(self[0], msg);
                                        }
                                    }

                                    @Override
                                    public void channelReadComplete(ChannelHandlerContext ctx) {
                                        if (self[0] != null) {
                                            inbound.readComplete(self[0]);
                                        }
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        if (self[0] != null) {
                                            inbound.closed(self[0]);
                                        }
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        ctx.close(); // reset or malformed framing: the path is gone
                                    }
                                });
                    }
                });
        ChannelFuture f = b.connect(remote);
        f.addListener(x -> {
            if (f.isSuccess()) {
                self[0] = new TcpPath(f.channel(), remote);
                done.accept(self[0]);
            } else {
                done.accept(null);
            }
        });
    }

    public InetSocketAddress remote() {
        return remote;
    }

    /** Sends one datagram (the address is the path's own); dropped when the path is backed up. */
    @Override
    public void send(ByteBuf content, InetSocketAddress to) {
        if (!channel.isWritable()) {
            content.release();
            return;
        }
        channel.writeAndFlush(content, channel.voidPromise());
    }

    @Override
    public void close() {
        channel.close();
    }

    public boolean isOpen() {
        return channel.isActive();
    }
}
