package dev.junction.relay.admin;

import dev.junction.relay.net.Listening;
import dev.junction.relay.net.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** The admin HTTP listener: binds, serves {@link AdminHandler}, closes. */
public final class AdminServer implements AutoCloseable {
    /** Requests to the admin port are tiny GETs; anything larger is refused. */
    static final int MAX_REQUEST_BYTES = 8192;
    /** An idle admin connection (a scraper between scrapes) is closed after this many seconds. */
    static final int IDLE_SECONDS = 60;

    private final java.util.List<Channel> channels;

    private AdminServer(java.util.List<Channel> channels) {
        this.channels = channels;
    }

    public static AdminServer bind(EventLoopGroup group, InetSocketAddress address, Supplier<String> metrics,
                                   BooleanSupplier ready) throws InterruptedException, java.net.BindException {
        return bind(group, java.util.List.of(address.getAddress()), address.getPort(), metrics, ready);
    }

    /**
     * Binds the endpoint on each of {@code ips} (one per address family) at {@code port}; the second
     * family takes the first's port number, or any when {@code port} is 0 and that one is taken there.
     */
    public static AdminServer bind(EventLoopGroup group, java.util.List<java.net.InetAddress> ips, int port, Supplier<String> metrics,
                                   BooleanSupplier ready) throws InterruptedException, java.net.BindException {
        AdminHandler handler = new AdminHandler(metrics, ready);
        ServerBootstrap b = new ServerBootstrap().group(group).channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS), new HttpServerCodec(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES), handler);
                    }
                });
        java.util.List<Channel> bound = new java.util.ArrayList<>();
        try {
            for (java.net.InetAddress ip : ips) {
                bound.add(Listening.bindInFamily(b, ip, bound.isEmpty() ? null : bound.get(0), port, "metrics", "junction.relay.admin.port"));
            }
        } catch (java.net.BindException | RuntimeException e) {
            bound.forEach(Channel::close);
            throw e;
        }
        return new AdminServer(java.util.List.copyOf(bound));
    }

    /** The first bind address's endpoint. */
    public InetSocketAddress address() {
        return (InetSocketAddress) channels.get(0).localAddress();
    }

    /** Every endpoint, one per bind address. */
    public java.util.List<InetSocketAddress> addresses() {
        return channels.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
    }

    @Override
    public void close() {
        channels.forEach(c -> c.close().syncUninterruptibly());
    }
}
