package dev.junction.relay.stun;

import dev.junction.relay.metrics.DropReason;
import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.relay.turn.ClientPath;
import dev.junction.relay.turn.TurnMetrics;
import dev.junction.relay.turn.TurnServer;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.stun.ChannelData;
import dev.junction.wire.stun.StunClass;
import dev.junction.wire.stun.StunDecoder;
import dev.junction.wire.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * STUN over TCP (RFC 8489 section 6.2.2), and TURN over TCP and TLS (RFC 8656) when TURN runs: each
 * framed Binding request is answered on the same connection, every other STUN message and every
 * ChannelData message goes to the TURN server, whose allocation for this connection ends with it.
 * RFC 5780 discovery is UDP-only, so this responder has no alternate address and answers
 * CHANGE-REQUEST with 420. A malformed message closes the connection; so does silence for the idle
 * time, unless the connection holds a TURN allocation (whose own lifetime then governs).
 */
final class StunTcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private final StunResponder responder;
    private final RelayMetrics metrics;
    private final TurnServer turn;
    private final TurnMetrics.Transport transport;
    private ClientPath path;

    StunTcpHandler(StunResponder responder, RelayMetrics metrics, TurnServer turn, TurnMetrics.Transport transport) {
        this.responder = responder;
        this.metrics = metrics;
        this.turn = turn;
        this.transport = transport;
    }

    private ClientPath path(ChannelHandlerContext ctx) {
        if (path == null) {
            path = ClientPath.stream(ctx.channel(), transport);
        }
        return path;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        if (turn != null && ChannelData.isChannelData(frame.getUnsignedByte(frame.readerIndex()))) {
            turn.onChannelData(frame, path(ctx));
            return;
        }
        StunMessage request;
        try {
            request = StunDecoder.decode(frame);
        } catch (WireFormatException e) {
            metrics.drop(DropReason.MALFORMED_STUN);
            ctx.close();
            return;
        }
        if (turn != null && !request.isBinding()) {
            turn.onStun(request, frame, path(ctx));
            return;
        }
        Optional<StunResponder.Reply> reply = responder.answer(request, StunResponder.UNBOUNDED, (InetSocketAddress) ctx.channel().localAddress(),
                (InetSocketAddress) ctx.channel().remoteAddress());
        if (reply.isEmpty()) {
            metrics.drop(DropReason.UNEXPECTED_STUN);
            return;
        }
        ByteBuf out = ctx.alloc().buffer(reply.get().wire().length).writeBytes(reply.get().wire());
        ctx.writeAndFlush(out);
        metrics.stun(reply.get().message().messageClass() == StunClass.SUCCESS_RESPONSE
                ? RelayMetrics.StunOutcome.SUCCESS : RelayMetrics.StunOutcome.ERROR_RESPONSE);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent && (turn == null || path == null || !turn.holds(path))) {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (turn != null && path != null) {
            turn.connectionClosed(path);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        metrics.drop(DropReason.MALFORMED_STUN);
        ctx.close();
    }
}
