package dev.junction.relay.circuit;

import dev.junction.relay.metrics.DropReason;
import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.relay.reservation.Reservation;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.ControlCodec;
import dev.junction.wire.control.ControlFrameType;
import dev.junction.wire.udp.UdpFrameType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;

/**
 * The forwarding path: one relayed datagram from one side of a circuit to the other, over the
 * transport the receiver last used. The payload is never copied: a 5- or 7-byte header is written
 * in front of the retained payload slice (a composite buffer), and a full send queue drops the
 * datagram (reason queue_full) instead of buffering without bound, so a slow client stalls nobody.
 */
public final class Forwarder {
    private final CircuitTable circuits;
    private final RelayMetrics metrics;

    public Forwarder(CircuitTable circuits, RelayMetrics metrics) {
        this.circuits = circuits;
        this.metrics = metrics;
    }

    /**
     * Forwards {@code payload} (a retained slice this method takes ownership of) that {@code from}
     * sent on circuit {@code id}, having arrived over UDP if {@code viaUdp}.
     */
    public void forward(Reservation from, int id, ByteBuf payload, boolean viaUdp) {
        int length = payload.readableBytes();
        metrics.relayed(viaUdp ? RelayMetrics.Transport.UDP : RelayMetrics.Transport.TCP, RelayMetrics.Direction.IN, length);
        Circuit c = circuits.get(id);
        if (c == null || c.state() != Circuit.State.OPEN || !c.has(from)) {
            payload.release();
            metrics.drop(DropReason.UNKNOWN_CIRCUIT);
            return;
        }
        c.sentOn(from, viaUdp);
        long total = c.addBytes(length);
        if (c.limits().maxBytes() > 0 && total > c.limits().maxBytes()) {
            payload.release();
            metrics.drop(DropReason.LIMIT);
            circuits.close(c, CloseReason.BYTE_LIMIT, null);
            return;
        }
        switch (c.rate().admit(System.nanoTime())) {
            case PASS -> { }
            case DROP -> {
                payload.release();
                metrics.drop(DropReason.LIMIT);
                return;
            }
            case CLOSE -> {
                payload.release();
                metrics.drop(DropReason.LIMIT);
                circuits.close(c, CloseReason.RATE_LIMIT, null);
                return;
            }
        }
        Reservation to = c.other(from);
        if (c.reachByUdp(to)) {
            sendUdp(to, id, payload, length);
        } else {
            sendTcp(to, id, payload, length);
        }
    }

    private void sendUdp(Reservation to, int id, ByteBuf payload, int length) {
        Channel ch = to.udpChannel();
        InetSocketAddress address = to.udpAddress();
        if (ch == null || address == null || !ch.isWritable()) {
            payload.release();
            metrics.drop(DropReason.QUEUE_FULL);
            return;
        }
        ByteBuf header = ch.alloc().ioBuffer(5).writeByte(UdpFrameType.RELAY_DATA.byteValue()).writeInt(id);
        ByteBuf datagram = ch.alloc().compositeDirectBuffer(2).addComponents(true, header, payload);
        // Counted before the write, so a scrape never lags what the receiver already holds.
        metrics.relayed(RelayMetrics.Transport.UDP, RelayMetrics.Direction.OUT, length);
        ch.writeAndFlush(new DatagramPacket(datagram, address), ch.voidPromise());
    }

    private void sendTcp(Reservation to, int id, ByteBuf payload, int length) {
        Channel ch = to.controlChannel();
        if (!ch.isActive() || !ch.isWritable() || length > ControlCodec.MAX_PAYLOAD - 4) {
            payload.release();
            metrics.drop(DropReason.QUEUE_FULL);
            return;
        }
        ByteBuf header = ch.alloc().ioBuffer(7).writeByte(ControlFrameType.DATA.byteValue())
                .writeShort(4 + length).writeInt(id);
        // One write: forwarding threads of other circuits may write to this channel at the same time.
        metrics.relayed(RelayMetrics.Transport.TCP, RelayMetrics.Direction.OUT, length);
        ch.writeAndFlush(ch.alloc().compositeDirectBuffer(2).addComponents(true, header, payload), ch.voidPromise());
    }
}
