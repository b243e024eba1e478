package dev.junction.relay.net;

import dev.junction.relay.metrics.ConnectionCloseReason;
import dev.junction.relay.metrics.RelayMetrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caps the TCP connections one source ({@link SourceKey}: an IPv4 address or an IPv6 /64) holds open
 * at once on one listening port. The first handler of every accepted connection: beyond the cap the
 * connection is closed before TLS or any decoding costs a thing, and counted
 * ({@code junction_connections_closed_total{reason="per_ip_limit"}}). One instance per port.
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final AttributeKey<SourceKey> COUNTED = AttributeKey.valueOf("junction.connection-limiter.counted");

    private final int perSource;
    private final RelayMetrics metrics;
    private final Map<SourceKey, Integer> open = new ConcurrentHashMap<>();

    public ConnectionLimiter(int perSource, RelayMetrics metrics) {
        this.perSource = perSource;
        this.metrics = metrics;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        SourceKey key = SourceKey.of(((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
        boolean[] admitted = new boolean[1];
        open.compute(key, (k, n) -> {
            int now = n == null ? 0 : n;
            admitted[0] = now < perSource;
            return admitted[0] ? now + 1 : (n == null ? null : n);
        });
        if (!admitted[0]) {
            metrics.connectionClosed(ConnectionCloseReason.PER_IP_LIMIT);
            ctx.close();
            return;
        }
        ctx.channel().attr(COUNTED).set(key);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        SourceKey key = ctx.channel().attr(COUNTED).getAndSet(null);
        if (key != null) {
            open.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
            ctx.fireChannelInactive();
        }
    }

    /** Connections open now from {@code key}'s source (tests). */
    int openFrom(SourceKey key) {
        return open.getOrDefault(key, 0);
    }
}
