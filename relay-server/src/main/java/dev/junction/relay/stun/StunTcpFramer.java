package dev.junction.relay.stun;

import dev.junction.relay.metrics.ConnectionCloseReason;
import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.wire.stun.StunDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Frames STUN messages on a TCP stream (RFC 8489 section 6.2.2: the length field at offset 2 counts
 * the attributes after the 20-byte header) and closes a connection whose next message is not
 * complete within {@link #MESSAGE_TIMEOUT} of its first byte: a client that trickles a message one
 * byte at a time cannot hold a connection. Between complete messages the idle timeout governs, so
 * long-lived connections that send whole messages stay up.
 */
final class StunTcpFramer extends LengthFieldBasedFrameDecoder {
    /** A Binding request is a few dozen bytes: any client completes one in far less. */
    static final Duration MESSAGE_TIMEOUT = Duration.ofSeconds(10);

    private final RelayMetrics metrics;
    private final Duration timeout;
    private ScheduledFuture<?> deadline;

    StunTcpFramer(int maxMessage, RelayMetrics metrics, Duration timeout) {
        // length at offset 2, 2 bytes, then 16 more header bytes (cookie + transaction ID)
        super(maxMessage, 2, 2, StunDecoder.HEADER_LENGTH - 4, 0);
        this.metrics = metrics;
        this.timeout = timeout;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        Object message = super.decode(ctx, in);
        if (message != null && deadline != null) {
            deadline.cancel(false); // a message completed: the next one gets its own time
            deadline = null;
        }
        if (in.isReadable() && deadline == null) {
            deadline = ctx.executor().schedule(() -> {
                metrics.connectionClosed(ConnectionCloseReason.INCOMPLETE_MESSAGE);
                ctx.close();
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        return message;
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }
}
