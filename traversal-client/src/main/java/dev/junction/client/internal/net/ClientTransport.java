package dev.junction.client.internal.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The client's one I/O thread and its channel classes (epoll where it loads). Everything of one
 * client (session socket, anchors, relay connection, QUIC) runs on this thread, so the path mux and
 * sessions need no locks.
 */
public final class ClientTransport {
    private static final System.Logger LOG = System.getLogger("junction.client");
    private static final java.util.concurrent.atomic.AtomicBoolean SAID = new java.util.concurrent.atomic.AtomicBoolean();

    private final boolean epoll = Epoll.isAvailable() && !Boolean.getBoolean("junction.nio");
    private final EventLoopGroup group;

    public ClientTransport() {
        if (SAID.compareAndSet(false, true)) {
            // Said once per process. Nothing in the client needs epoll: it only saves system calls on Linux.
            LOG.log(epoll ? System.Logger.Level.DEBUG : System.Logger.Level.INFO, epoll ? "I/O transport: epoll"
                    : "I/O transport: NIO (" + (Boolean.getBoolean("junction.nio") ? "-Djunction.nio=true"
                    : "epoll unavailable here: " + Epoll.unavailabilityCause()) + "); every feature works on it");
        }
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(1, factory);
    }

    public EventLoopGroup group() {
        return group;
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        return epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    public Class<? extends SocketChannel> socketChannel() {
        return epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    public void shutdown() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
