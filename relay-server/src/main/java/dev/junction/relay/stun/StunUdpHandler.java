package dev.junction.relay.stun;

import dev.junction.relay.metrics.DropReason;
import dev.junction.relay.metrics.LogThrottle;
import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.wire.PacketKind;
import dev.junction.wire.WireFormatException;
import dev.junction.relay.turn.ClientPath;
import dev.junction.relay.turn.TurnServer;
import dev.junction.wire.stun.ChannelData;
import dev.junction.wire.stun.StunClass;
import dev.junction.wire.stun.StunDecoder;
import dev.junction.wire.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;

/**
 * The first handler on every relay UDP socket. STUN Binding requests are answered here; other STUN
 * messages and TURN ChannelData go to the TURN server when it runs; Junction frames go on to the next
 * handler (the UDP relay); anything else is dropped and counted. The responder may
 * ask for a reply from another of the relay's STUN sockets (RFC 5780 CHANGE-REQUEST): the sockets
 * map, filled once all sockets are bound, finds it.
 */
@ChannelHandler.Sharable
public final class StunUdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final LogThrottle UDP_ERRORS = new LogThrottle(System.getLogger("junction.relay.udp"), System.Logger.Level.WARNING);

    private final StunResponder responder;
    private final Map<InetSocketAddress, Channel> sockets;
    private final RelayMetrics metrics;
    private final TurnServer turn;

    /** @param turn the TURN server, or null when TURN is off */
    public StunUdpHandler(StunResponder responder, Map<InetSocketAddress, Channel> sockets, RelayMetrics metrics, TurnServer turn) {
        super(false);
        this.responder = responder;
        this.sockets = sockets;
        this.metrics = metrics;
        this.turn = turn;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf content = packet.content();
        if (!content.isReadable()) {
            metrics.drop(DropReason.UNKNOWN_PROTOCOL);
            packet.release();
            return;
        }
        int first = content.getUnsignedByte(content.readerIndex());
        if (turn != null && ChannelData.isChannelData(first) && content.readableBytes() >= ChannelData.HEADER_LENGTH) {
            try {
                turn.onChannelData(content, ClientPath.udp(ctx.channel(), local(ctx, packet), packet.sender()));
            } finally {
                packet.release();
            }
            return;
        }
        switch (PacketKind.classify(first)) {
            case STUN -> {
                try {
                    answer(ctx, packet);
                } finally {
                    packet.release();
                }
            }
            case JUNCTION -> ctx.fireChannelRead(packet);
            default -> {
                metrics.drop(DropReason.UNKNOWN_PROTOCOL);
                packet.release();
            }
        }
    }

    /**
     * A failed send (the kernel refused a datagram) or any other error on a relay UDP socket: never
     * a stack trace per packet, at most one line a minute.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        UDP_ERRORS.log(() -> "UDP socket " + ctx.channel().localAddress() + ": " + cause);
    }

    /** Answers written during this read batch leave together. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    private void answer(ChannelHandlerContext ctx, DatagramPacket packet) {
        StunMessage request;
        int requestBytes = packet.content().readableBytes();
        try {
            request = StunDecoder.decode(packet.content());
        } catch (WireFormatException e) {
            metrics.drop(DropReason.MALFORMED_STUN);
            return;
        }
        InetSocketAddress local = local(ctx, packet);
        if (turn != null && !request.isBinding()) {
            turn.onStun(request, packet.content(), ClientPath.udp(ctx.channel(), local, packet.sender()));
            return;
        }
        Optional<StunResponder.Reply> reply = responder.answer(request, requestBytes, local, packet.sender());
        if (reply.isEmpty()) {
            metrics.drop(DropReason.UNEXPECTED_STUN);
            return;
        }
        StunResponder.Reply r = reply.get();
        Channel out = r.from().equals(local) ? ctx.channel() : sockets.get(r.from());
        if (out == null) {
            metrics.drop(DropReason.UNEXPECTED_STUN);
            return;
        }
        ByteBuf buf = ctx.alloc().ioBuffer(r.wire().length).writeBytes(r.wire());
        // The void promise: nobody waits on a STUN answer. Answers from the socket being read wait for
        // the flush at the end of the read batch (channelReadComplete), so a batch leaves in one sendmmsg.
        if (out == ctx.channel()) {
            out.write(new DatagramPacket(buf, r.to()), out.voidPromise());
        } else {
            out.writeAndFlush(new DatagramPacket(buf, r.to()), out.voidPromise());
        }
        metrics.stun(r.message().messageClass() == StunClass.SUCCESS_RESPONSE
                ? RelayMetrics.StunOutcome.SUCCESS : RelayMetrics.StunOutcome.ERROR_RESPONSE);
    }

    /** The socket the datagram arrived on (Netty fills recipient with it on receive). */
    private static InetSocketAddress local(ChannelHandlerContext ctx, DatagramPacket packet) {
        return packet.recipient() != null ? packet.recipient() : (InetSocketAddress) ctx.channel().localAddress();
    }
}
