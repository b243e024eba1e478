package dev.junction.relay.stun;

import dev.junction.relay.metrics.ConnectionCloseReason;
import dev.junction.relay.metrics.DropReason;
import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.wire.stun.ChannelData;
import dev.junction.wire.stun.StunDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Frames a STUN/TURN stream: STUN messages (RFC 8489 section 6.2.2: the length field at offset 2
 * counts the attributes after the 20-byte header) and, with TURN, ChannelData messages padded to four
 * bytes (RFC 8656 section 12.5). A connection whose next message is not complete within {@link
 * #MESSAGE_TIMEOUT} of its first byte is closed: a client that trickles a message one byte at a time
 * cannot hold a connection. Between complete messages the idle timeout governs. A first byte that
 * starts neither kind, or a message over the maximum, closes the connection.
 */
final class StunTcpFramer extends ByteToMessageDecoder {
    /** A Binding request is a few dozen bytes: any client completes one in far less. */
    static final Duration MESSAGE_TIMEOUT = Duration.ofSeconds(10);

    private final int maxMessage;
    private final boolean channelData;
    private final RelayMetrics metrics;
    private final Duration timeout;
    private ScheduledFuture<?> deadline;

    /** @param channelData TURN runs on this connection: ChannelData messages are framed too */
    StunTcpFramer(int maxMessage, boolean channelData, RelayMetrics metrics, Duration timeout) {
        this.maxMessage = maxMessage;
        this.channelData = channelData;
        this.metrics = metrics;
        this.timeout = timeout;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= 4) {
            int first = in.getUnsignedByte(in.readerIndex());
            int length;
            if ((first & 0xC0) == 0) {
                length = StunDecoder.frameLength(in);
            } else if (channelData && ChannelData.isChannelData(first)) {
                length = ChannelData.streamFrameLength(ChannelData.length(in));
            } else {
                refuse(ctx, in);
                return;
            }
            if (length > maxMessage) {
                refuse(ctx, in);
                return;
            }
            if (in.readableBytes() < length) {
                break;
            }
            out.add(in.readRetainedSlice(length));
            if (deadline != null) {
                deadline.cancel(false); // a message completed: the next one gets its own time
                deadline = null;
            }
        }
        if (in.isReadable() && deadline == null) {
            deadline = ctx.executor().schedule(() -> {
                metrics.connectionClosed(ConnectionCloseReason.INCOMPLETE_MESSAGE);
                ctx.close();
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf in) {
        metrics.drop(DropReason.MALFORMED_STUN);
        in.skipBytes(in.readableBytes());
        ctx.close();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }
}
