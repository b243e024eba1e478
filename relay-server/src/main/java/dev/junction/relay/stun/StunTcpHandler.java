package dev.junction.relay.stun;

import dev.junction.relay.metrics.DropReason;
import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.stun.StunClass;
import dev.junction.wire.stun.StunDecoder;
import dev.junction.wire.stun.StunEncoder;
import dev.junction.wire.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * STUN over TCP (RFC 8489 section 6.2.2): each framed message is answered on the same connection.
 * RFC 5780 discovery is UDP-only, so this responder has no alternate address and answers
 * CHANGE-REQUEST with 420. A malformed message closes the connection.
 */
final class StunTcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private final StunResponder responder;
    private final RelayMetrics metrics;

    StunTcpHandler(StunResponder responder, RelayMetrics metrics) {
        this.responder = responder;
        this.metrics = metrics;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        StunMessage request;
        try {
            request = StunDecoder.decode(frame);
        } catch (WireFormatException e) {
            metrics.drop(DropReason.MALFORMED_STUN);
            ctx.close();
            return;
        }
        Optional<StunResponder.Reply> reply = responder.answer(request, StunResponder.UNBOUNDED, (InetSocketAddress) ctx.channel().localAddress(),
                (InetSocketAddress) ctx.channel().remoteAddress());
        if (reply.isEmpty()) {
            metrics.drop(DropReason.UNEXPECTED_STUN);
            return;
        }
        ByteBuf out = ctx.alloc().buffer(128);
        StunEncoder.FINGERPRINT.encode(reply.get().message(), out);
        ctx.writeAndFlush(out);
        metrics.stun(reply.get().message().messageClass() == StunClass.SUCCESS_RESPONSE
                ? RelayMetrics.StunOutcome.SUCCESS : RelayMetrics.StunOutcome.ERROR_RESPONSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        metrics.drop(DropReason.MALFORMED_STUN);
        ctx.close();
    }
}
