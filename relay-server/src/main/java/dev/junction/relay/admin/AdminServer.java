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

    private final Channel channel;

    private AdminServer(Channel channel) {
        this.channel = channel;
    }

    public static AdminServer bind(EventLoopGroup group, InetSocketAddress address, Supplier<String> metrics,
                                   BooleanSupplier ready) throws InterruptedException, java.net.BindException {
        AdminHandler handler = new AdminHandler(metrics, ready);
        io.netty.channel.ChannelFuture f = new ServerBootstrap().group(group).channel(Transports.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS), new HttpServerCodec(),
                                new HttpObjectAggregator(MAX_REQUEST_BYTES), handler);
                    }
                }).bind(address);
        return new AdminServer(Listening.await(f, "metrics", address, "junction.relay.admin.port"));
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
