package dev.junction.relay.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/** Picks Netty's epoll transport where its native library loads (Linux), NIO elsewhere. */
public final class Transports {
    private Transports() {
    }

    public static boolean epoll() {
        return Epoll.isAvailable() && !Boolean.getBoolean("junction.nio");
    }

    /** True when UDP sockets can share a port (SO_REUSEPORT through the epoll transport). */
    public static boolean reusePort() {
        return epoll();
    }

    public static String name() {
        return epoll() ? "epoll" : "nio";
    }

    public static EventLoopGroup group(int threads) {
        IoHandlerFactory factory = epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, factory);
    }

    public static Class<? extends DatagramChannel> datagramChannel() {
        return epoll() ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    /** Outgoing TCP connections: the relay dials other relays of its fleet. */
    public static Class<? extends io.netty.channel.socket.SocketChannel> socketChannel() {
        return epoll() ? io.netty.channel.epoll.EpollSocketChannel.class : io.netty.channel.socket.nio.NioSocketChannel.class;
    }

    public static Class<? extends ServerSocketChannel> serverChannel() {
        return epoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }
}
