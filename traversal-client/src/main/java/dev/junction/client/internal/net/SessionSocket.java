package dev.junction.client.internal.net;

import dev.junction.wire.PacketKind;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * The client's one UDP socket (DESIGN.md): STUN discovery, Junction frames to the relay and peers,
 * and direct QUIC packets all share it, so the mapping discovery measures is the one punching and
 * data use. Received datagrams are sorted by first byte (RFC 9443 ranges) to the three consumers.
 */
public final class SessionSocket {
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

    private final Channel channel;

    private SessionSocket(Channel channel) {
        this.channel = channel;
    }

    public static SessionSocket bind(ClientTransport transport, InetSocketAddress local, Inbound inbound) throws InterruptedException {
        Channel ch = new Bootstrap().group(transport.group()).channel(transport.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER).option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
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
                }).bind(local).sync().channel();
        return new SessionSocket(ch);
    }

    public Channel channel() {
        return channel;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Sends a datagram; takes ownership of {@code content}. */
    public void send(ByteBuf content, InetSocketAddress to) {
        channel.writeAndFlush(new DatagramPacket(content, to), channel.voidPromise());
    }

    public void close() {
        channel.close();
    }
}
