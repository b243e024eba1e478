package dev.junction.relay.stun;

import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.relay.net.ConnectionLimiter;
import dev.junction.relay.turn.TurnMetrics;
import dev.junction.relay.turn.TurnServer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;

/**
 * The pipeline of a STUN-over-TCP connection (and TURN over TCP or TLS): per-source cap, TLS when it
 * is the TURN-TLS port, idle timeout, framing with a per-message deadline, responder.
 */
public final class StunTcpInitializer extends ChannelInitializer<Channel> {
    /** A Binding request is small; anything longer is not one of ours. */
    static final int MAX_MESSAGE = 2048;
    /** With TURN: the largest ChannelData frame (65535 bytes of data, header, padding). */
    static final int MAX_TURN_MESSAGE = 65_540;
    /** A STUN/TCP client that says nothing for this long between messages is disconnected. */
    static final int IDLE_SECONDS = 30;

    private final StunResponder responder;
    private final RelayMetrics metrics;
    private final ConnectionLimiter limiter;
    private final TurnServer turn;
    private final SslContext tls;

    /**
     * @param turn the TURN server, or null when TURN is off
     * @param tls  the TLS context when this is the TURN-TLS port, else null
     */
    public StunTcpInitializer(RelayMetrics metrics, StunResponder responder, ConnectionLimiter limiter, TurnServer turn, SslContext tls) {
        this.responder = responder;
        this.metrics = metrics;
        this.limiter = limiter;
        this.turn = turn;
        this.tls = tls;
    }

    /** The responder STUN/TCP uses: RFC 5780 discovery is UDP-only, so it has no alternate address. */
    public static StunResponder responder(InetAddress bind, int port, StunResponder.Options options) {
        return new StunResponder(bind, java.util.Optional.empty(), port, port, options);
    }

    @Override
    protected void initChannel(Channel ch) {
        ch.pipeline().addLast(limiter);
        if (tls != null) {
            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
        }
        ch.pipeline().addLast(new IdleStateHandler(IDLE_SECONDS, 0, 0),
                new StunTcpFramer(turn == null ? MAX_MESSAGE : MAX_TURN_MESSAGE, turn != null, metrics, StunTcpFramer.MESSAGE_TIMEOUT),
                new StunTcpHandler(responder, metrics, turn, tls == null ? TurnMetrics.Transport.TCP : TurnMetrics.Transport.TLS));
    }
}
