package dev.junction.relay.stun;

import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.wire.stun.StunDecoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.util.Optional;

/** The pipeline of a STUN-over-TCP connection. */
public final class StunTcpInitializer extends ChannelInitializer<Channel> {
    /** A Binding request is small; anything longer is not one of ours. */
    static final int MAX_MESSAGE = 2048;
    /** A STUN/TCP client that says nothing for this long is disconnected. */
    static final int IDLE_SECONDS = 30;

    private final StunResponder responder;
    private final RelayMetrics metrics;

    public StunTcpInitializer(RelayMetrics metrics, java.net.InetAddress bind, int port) {
        this.responder = new StunResponder(bind, Optional.empty(), port, port);
        this.metrics = metrics;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast(new ReadTimeoutHandler(IDLE_SECONDS),
                // length at offset 2, 2 bytes, then 16 more header bytes (cookie + transaction ID)
                new LengthFieldBasedFrameDecoder(MAX_MESSAGE, 2, 2, StunDecoder.HEADER_LENGTH - 4, 0),
                new StunTcpHandler(responder, metrics));
    }
}
