package dev.junction.relay.control;

import dev.junction.relay.RelayContext;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;

/**
 * The pipeline of a control connection: TLS, frame encoder, frame decoder, session. The session's
 * bounded send queue ({@link ControlOutbox}) closes a client that stops taking frames.
 */
public final class ControlChannelInitializer extends ChannelInitializer<Channel> {
    private final SslContext tls;
    private final RelayContext relay;

    public ControlChannelInitializer(SslContext tls, RelayContext relay) {
        this.tls = tls;
        this.relay = relay;
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
        ch.pipeline().addLast("encoder", ControlFrameEncoder.INSTANCE);
        ch.pipeline().addLast("decoder", new ControlFrameDecoder(relay.metrics()));
        ch.pipeline().addLast("session", new ClientSession(relay));
    }
}
