package dev.junction.bench.harness;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/** The generator's sockets: Netty epoll (NIO where epoll does not load), loopback only. */
final class Net {
    static final InetSocketAddress ANY_LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
    /** Socket buffers large enough that a burst of 100 pairs' datagrams is not dropped by the generator's own kernel queue. */
    static final int SOCKET_BUFFER = 1 << 20;

    /**
     * TLS 1.3 client context of the generator (JDK provider, as the relay's). It trusts any
     * certificate: the Junction relay's key is proved by its CHALLENGE signature, and coturn's
     * certificate is a throwaway self-signed one the harness generated.
     */
    static final SslContext TLS = tls("TLSv1.3");
    /**
     * For TURN over TLS: Debian's coturn 4.6.1 answers TLS 1.3 ClientHellos with a handshake failure
     * and negotiates TLS 1.2 (ECDHE-ECDSA-AES256-GCM-SHA384 with the harness's P-256 certificate).
     */
    static final SslContext TLS12 = tls("TLSv1.2");

    private Net() {
    }

    private static SslContext tls(String protocol) {
        try {
            return SslContextBuilder.forClient().sslProvider(io.netty.handler.ssl.SslProvider.JDK).protocols(protocol).trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    static EventLoopGroup group(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    }

    /** A UDP socket on 127.0.0.1 connected to {@code server}; {@code handlers} end in its {@link Link}. */
    static Channel udp(EventLoopGroup group, InetSocketAddress server, Supplier<ChannelHandler[]> handlers) {
        return new Bootstrap().group(group)
                .channel(Epoll.isAvailable() ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER).option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .handler(init(handlers)).localAddress(ANY_LOOPBACK)
                .connect(server).syncUninterruptibly().channel();
    }

    /** A UDP socket on 127.0.0.1, not yet connected (for raw pairs: connect each to the other). */
    static Channel udpBound(EventLoopGroup group, Supplier<ChannelHandler[]> handlers) {
        return new Bootstrap().group(group)
                .channel(Epoll.isAvailable() ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER).option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                .handler(init(handlers)).bind(ANY_LOOPBACK).syncUninterruptibly().channel();
    }

    /** A TCP connection to {@code server} with Nagle off. */
    static Channel tcp(EventLoopGroup group, InetSocketAddress server, Supplier<ChannelHandler[]> handlers) {
        return new Bootstrap().group(group)
                .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(init(handlers))
                .connect(server).syncUninterruptibly().channel();
    }

    private static ChannelInitializer<Channel> init(Supplier<ChannelHandler[]> handlers) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(handlers.get());
            }
        };
    }
}
