package dev.junction.relay.control;

import dev.junction.relay.RelayContext;
import dev.junction.relay.punch.PunchCoordinator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.WriteTimeoutHandler;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of a control connection: TLS, write timeout, frame encoder, frame decoder, session.
 */
public final class ControlChannelInitializer extends ChannelInitializer<Channel> {
    private final SslContext tls;
    private final RelayContext relay;
    private final PunchCoordinator punch;
    private final long writeTimeoutMillis;

    public ControlChannelInitializer(SslContext tls, RelayContext relay, PunchCoordinator punch, long writeTimeoutMillis) {
        this.tls = tls;
        this.relay = relay;
        this.punch = punch;
        this.writeTimeoutMillis = writeTimeoutMillis;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
        ch.pipeline().addLast("write-timeout", new WriteTimeoutHandler(writeTimeoutMillis, TimeUnit.MILLISECONDS));
        ch.pipeline().addLast("encoder", ControlFrameEncoder.INSTANCE);
        ch.pipeline().addLast("decoder", new ControlFrameDecoder(relay.metrics()));
        ch.pipeline().addLast("session", new ClientSession(relay, punch));
    }
}
