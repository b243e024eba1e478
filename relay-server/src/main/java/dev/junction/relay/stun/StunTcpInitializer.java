package dev.junction.relay.stun;

import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.relay.net.ConnectionLimiter;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetAddress;

/** The pipeline of a STUN-over-TCP connection: per-source cap, idle timeout, framing with a per-message deadline, responder. */
public final class StunTcpInitializer extends ChannelInitializer<Channel> {
    /** A Binding request is small; anything longer is not one of ours. */
    static final int MAX_MESSAGE = 2048;
    /** A STUN/TCP client that says nothing for this long between messages is disconnected. */
    static final int IDLE_SECONDS = 30;

    private final StunResponder responder;
    private final RelayMetrics metrics;
    private final ConnectionLimiter limiter;

    public StunTcpInitializer(RelayMetrics metrics, StunResponder responder, ConnectionLimiter limiter) {
        this.responder = responder;
        this.metrics = metrics;
        this.limiter = limiter;
    }

    /** The responder STUN/TCP uses: RFC 5780 discovery is UDP-only, so it has no alternate address. */
    public static StunResponder responder(InetAddress bind, int port, StunResponder.Options options) {
        return new StunResponder(bind, java.util.Optional.empty(), port, port, options);
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast(limiter, new ReadTimeoutHandler(IDLE_SECONDS),
                new StunTcpFramer(MAX_MESSAGE, metrics, StunTcpFramer.MESSAGE_TIMEOUT),
                new StunTcpHandler(responder, metrics));
    }
}
