package dev.junction.client.internal.net;

import dev.junction.wire.PacketKind;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * The client's one UDP socket (PROTOCOL.md section 1): STUN discovery, Junction frames to the relay and peers,
 * and direct QUIC packets all share it, so the mapping discovery measures is the one punching and
 * data use. Received datagrams are sorted by first byte (RFC 9443 ranges) to the three consumers.
 */
public final class SessionSocket implements UdpPort {
    /** Who gets what arrives; all called on the I/O thread, each takes ownership of the packet. */
    public interface Inbound {
        void stun(DatagramPacket packet);

        void junction(DatagramPacket packet);

        void quic(DatagramPacket packet);

        /** The socket has no more datagrams for now (end of one read burst). */
        void readComplete();
    }

    /** Large buffers so a burst of relayed datagrams is not lost in the kernel. */
    static final int SOCKET_BUFFER = 4 << 20;
    /** Extra sockets (port prediction) carry probes and at most one direct path: default-sized buffers do. */
    static final int EXTRA_SOCKET_BUFFER = 256 << 10;

    private final Channel channel;

    private SessionSocket(Channel channel) {
        this.channel = channel;
    }

    public static SessionSocket bind(ClientTransport transport, InetSocketAddress local, Inbound inbound) throws InterruptedException {
        return new SessionSocket(bootstrap(transport, SOCKET_BUFFER, inbound).bind(local).sync().channel());
    }

    /**
     * Binds an extra socket without blocking (callable on the I/O thread); {@code ready} gets it, on
     * the I/O thread, once bound, or never when the bind fails.
     */
    public static void open(ClientTransport transport, InetSocketAddress local, Inbound inbound,
                            java.util.function.Consumer<SessionSocket> ready) {
        ChannelFuture f = bootstrap(transport, EXTRA_SOCKET_BUFFER, inbound).bind(local);
        f.addListener(x -> {
            if (f.isSuccess()) {
                ready.accept(new SessionSocket(f.channel()));
            }
        });
    }

    private static Bootstrap bootstrap(ClientTransport transport, int buffer, Inbound inbound) {
        return new Bootstrap().group(transport.group()).channel(transport.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, buffer).option(ChannelOption.SO_SNDBUF, buffer)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>(false) {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        ByteBuf c = p.content();
                        if (!c.isReadable()) {
                            p.release();
                            return;
                        }
                        switch (PacketKind.classify(c.getUnsignedByte(c.readerIndex()))) {
                            case STUN -> inbound.stun(p);
                            case JUNCTION -> inbound.junction(p);
                            case QUIC -> inbound.quic(p);
                            default -> p.release();
                        }
                    }

                    @Override
                    public void channelReadComplete(ChannelHandlerContext ctx) {
                        inbound.readComplete();
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        // ICMP errors surface here (port unreachable); the paths notice by silence.
                    }
                });
    }

    public Channel channel() {
        return channel;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Sends a datagram; takes ownership of {@code content}. */
    @Override
    public void send(ByteBuf content, InetSocketAddress to) {
        channel.writeAndFlush(new DatagramPacket(content, to), channel.voidPromise());
    }

    @Override
    public void close() {
        channel.close();
    }
}
