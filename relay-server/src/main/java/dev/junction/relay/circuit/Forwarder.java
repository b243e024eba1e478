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
 * transport the receiver last used. Both sides know a circuit by the same ID, so a frame that
 * leaves on the transport it came in on (UDP to UDP, TLS to TLS) is sent on unchanged: the received
 * buffer itself, with no copy, no new header and no composite buffer. Only a change of transport
 * writes a new 5- or 7-byte header in front of a retained payload slice. A full send queue drops the
 * datagram (reason queue_full) instead of buffering without bound, so a slow client stalls nobody.
 */
public final class Forwarder {
    /** RELAY_DATA header: type:u8 | circuit:u32 (docs/PROTOCOL.md section 4). */
    static final int UDP_HEADER = 5;
    /** DATA header: type:u8 | length:u16 | circuit:u32 (docs/PROTOCOL.md section 3.2). */
    static final int TCP_HEADER = 7;

    private final CircuitTable circuits;
    private final RelayMetrics metrics;

    public Forwarder(CircuitTable circuits, RelayMetrics metrics) {
        this.circuits = circuits;
        this.metrics = metrics;
    }

    /**
     * Forwards {@code frame}, the whole frame {@code from} sent on circuit {@code id} (a RELAY_DATA
     * datagram if {@code viaUdp}, else a DATA frame), retained; this method takes ownership of it.
     *
     * <p>{@code batchOn} is the UDP socket the frame arrived on when called from that socket's event
     * loop (else null): a datagram leaving on that socket is written without a flush, and the
     * socket's handler flushes once per read batch, so a batch leaves in one sendmmsg call instead of
     * one sendmsg per datagram.
     */
    public void forward(Reservation from, int id, ByteBuf frame, boolean viaUdp, Channel batchOn) {
        int header = viaUdp ? UDP_HEADER : TCP_HEADER;
        int length = frame.readableBytes() - header;
        metrics.relayed(viaUdp ? RelayMetrics.Transport.UDP : RelayMetrics.Transport.TCP, RelayMetrics.Direction.IN, length);
        Circuit c = circuits.get(id);
        if (c == null || c.state() != Circuit.State.OPEN || !c.has(from)) {
            frame.release();
            metrics.drop(DropReason.UNKNOWN_CIRCUIT);
            return;
        }
        c.sentOn(from, viaUdp);
        long total = c.addBytes(length);
        if (c.limits().maxBytes() > 0 && total > c.limits().maxBytes()) {
            frame.release();
            metrics.drop(DropReason.LIMIT);
            circuits.close(c, CloseReason.BYTE_LIMIT, null);
            return;
        }
        switch (c.rate().admit(System.nanoTime())) {
            case PASS -> { }
            case DROP -> {
                frame.release();
                metrics.drop(DropReason.LIMIT);
                return;
            }
            case CLOSE -> {
                frame.release();
                metrics.drop(DropReason.LIMIT);
                circuits.close(c, CloseReason.RATE_LIMIT, null);
                return;
            }
        }
        Reservation to = c.other(from);
        boolean toUdp = c.reachByUdp(to);
        if (toUdp == viaUdp) {
            sendUnchanged(to, frame, length, toUdp, batchOn);
            return;
        }
        ByteBuf slice = frame.retainedSlice(frame.readerIndex() + header, length);
        frame.release();
        if (toUdp) {
            sendUdp(to, id, slice, length, batchOn);
        } else {
            sendTcp(to, id, slice, length);
        }
    }

    /** The received frame as it is, to the receiver on the same transport. */
    private void sendUnchanged(Reservation to, ByteBuf frame, int length, boolean udp, Channel batchOn) {
        Channel ch = udp ? to.udpChannel() : to.controlChannel();
        InetSocketAddress address = udp ? to.udpAddress() : null;
        if (ch == null || (udp && address == null) || !ch.isActive() || !ch.isWritable()) {
            frame.release();
            metrics.drop(DropReason.QUEUE_FULL);
            return;
        }
        // Counted before the write, so a scrape never lags what the receiver already holds.
        metrics.relayed(udp ? RelayMetrics.Transport.UDP : RelayMetrics.Transport.TCP, RelayMetrics.Direction.OUT, length);
        write(ch, udp ? new DatagramPacket(frame, address) : frame, batchOn);
    }

    /** Writes; flushes unless {@code ch} is the socket being read, which flushes at the end of its read batch. */
    private static void write(Channel ch, Object msg, Channel batchOn) {
        if (ch == batchOn) {
            ch.write(msg, ch.voidPromise());
        } else {
            ch.writeAndFlush(msg, ch.voidPromise());
        }
    }

    private void sendUdp(Reservation to, int id, ByteBuf payload, int length, Channel batchOn) {
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
        write(ch, new DatagramPacket(datagram, address), batchOn);
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
