package dev.junction.relay.turn;

import dev.junction.wire.Bytes;
import dev.junction.wire.stun.ChannelData;
import dev.junction.wire.stun.StunClass;
import dev.junction.wire.stun.StunEncoder;
import dev.junction.wire.stun.StunMessage;
import dev.junction.wire.stun.StunMessageType;
import dev.junction.wire.stun.TurnAttribute;
import io.netty.buffer.ByteBuf;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * TURN's data path (RFC 8656 sections 11 and 12): Send indications and ChannelData from a client out
 * of its relayed socket, and datagrams from permitted peers back to the client as ChannelData (when a
 * channel is bound to the peer) or Data indications. Runs on the allocation's event loop.
 */
final class TurnRelaying {
    private final TurnMetrics metrics;

    TurnRelaying(TurnMetrics metrics) {
        this.metrics = metrics;
    }

    /** A Send indication from the client of {@code a} (null: it has no allocation). */
    void send(Allocation a, StunMessage indication) {
        if (a == null || !a.bound()) {
            metrics.drop(TurnMetrics.Drop.NO_ALLOCATION);
            return;
        }
        Optional<TurnAttribute.XorPeerAddress> peer = indication.attribute(TurnAttribute.XorPeerAddress.class);
        Optional<TurnAttribute.Data> data = indication.attribute(TurnAttribute.Data.class);
        if (peer.isEmpty() || data.isEmpty()) {
            metrics.drop(TurnMetrics.Drop.MALFORMED);
            return;
        }
        byte[] payload = data.get().value().toArray();
        toPeer(a, peer.get().address(), a.relayed.alloc().ioBuffer(payload.length).writeBytes(payload));
    }

    /** A ChannelData message from the client of {@code a} (null: it has no allocation). */
    void channelData(Allocation a, ByteBuf message) {
        if (a == null || !a.bound()) {
            metrics.drop(TurnMetrics.Drop.NO_ALLOCATION);
            return;
        }
        int length = ChannelData.length(message);
        if (ChannelData.HEADER_LENGTH + length > message.readableBytes()) {
            metrics.drop(TurnMetrics.Drop.MALFORMED);
            return;
        }
        Allocation.Binding b = a.channel(ChannelData.channel(message), System.nanoTime());
        if (b == null) {
            metrics.drop(TurnMetrics.Drop.NO_CHANNEL);
            return;
        }
        toPeer(a, b.peer, message.retainedSlice(message.readerIndex() + ChannelData.HEADER_LENGTH, length));
    }

    private void toPeer(Allocation a, InetSocketAddress peer, ByteBuf payload) {
        long now = System.nanoTime();
        int length = payload.readableBytes();
        if (!a.permitted(peer.getAddress(), now)) {
            payload.release();
            metrics.drop(TurnMetrics.Drop.NO_PERMISSION);
            return;
        }
        if (!a.bandwidth.take(length, now)) {
            payload.release();
            metrics.drop(TurnMetrics.Drop.RATE_LIMITED);
            return;
        }
        a.relayed.writeAndFlush(new DatagramPacket(payload, peer), a.relayed.voidPromise());
        metrics.relayed(a.key.transport(), TurnMetrics.Direction.TO_PEER, length);
    }

    /** A datagram from {@code peer} on {@code a}'s relayed socket: to the client as ChannelData or a Data indication. */
    void fromPeer(Allocation a, InetSocketAddress peer, ByteBuf payload) {
        long now = System.nanoTime();
        int length = payload.readableBytes();
        if (a.freed || !a.permitted(peer.getAddress(), now)) {
            metrics.drop(TurnMetrics.Drop.NO_PERMISSION);
            return;
        }
        if (!a.bandwidth.take(length, now)) {
            metrics.drop(TurnMetrics.Drop.RATE_LIMITED);
            return;
        }
        Allocation.Binding b = a.channelTo(peer, now);
        ByteBuf out;
        if (b != null) {
            int frame = a.client.stream() ? ChannelData.streamFrameLength(length) : ChannelData.HEADER_LENGTH + length;
            out = a.relayed.alloc().ioBuffer(frame);
            ChannelData.writeHeader(out, b.number, length);
            out.writeBytes(payload, payload.readerIndex(), length);
            out.writeZero(frame - ChannelData.HEADER_LENGTH - length);
        } else {
            byte[] data = new byte[length];
            payload.getBytes(payload.readerIndex(), data);
            out = a.relayed.alloc().ioBuffer(length + 64);
            StunEncoder.FINGERPRINT.encode(new StunMessage(StunClass.INDICATION, StunMessageType.METHOD_DATA, StunMessage.newTransactionId(),
                    List.of(new TurnAttribute.XorPeerAddress(peer), new TurnAttribute.Data(Bytes.of(data)))), out);
        }
        if (!a.client.send(out)) {
            metrics.drop(TurnMetrics.Drop.CLIENT_BACKLOG);
            return;
        }
        metrics.relayed(a.key.transport(), TurnMetrics.Direction.FROM_PEER, length);
    }
}
