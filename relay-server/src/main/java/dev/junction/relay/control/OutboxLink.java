package dev.junction.relay.control;

import dev.junction.relay.reservation.ClientLink;
import dev.junction.wire.control.ControlFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * A control connection's handler that others reach it through: every frame goes through its one
 * bounded {@link ControlOutbox}, set up by the subclass in {@code handlerAdded}. A client's session
 * and a mesh link to another relay are both one.
 */
abstract class OutboxLink extends ChannelInboundHandlerAdapter implements ClientLink {
    protected ChannelHandlerContext ctx;
    protected ControlOutbox outbox;

    @Override
    public boolean send(ControlFrame frame) {
        return outbox.offer(frame, true, null);
    }

    @Override
    public boolean sendRelayed(ByteBuf frame, Runnable beforeWrite) {
        return outbox.offer(frame, false, beforeWrite);
    }

    @Override
    public void sendAndClose(ControlFrame frame) {
        ctx.writeAndFlush(frame).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void close() {
        ctx.close();
    }
}
