package dev.junction.relay.circuit;

import dev.junction.relay.metrics.DropReason;
import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.relay.reservation.Reservation;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.DataHeader;
import dev.junction.wire.udp.RelayDataHeader;
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
    static final int UDP_HEADER = RelayDataHeader.LENGTH;
    /** DATA header: type:u8 | length:u16 | circuit:u32 (docs/PROTOCOL.md section 3.2). */
    static final int TCP_HEADER = DataHeader.LENGTH;

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
        Circuit c = circuits.get(id);
        if (c != null && from.kind() == Reservation.Kind.MESH_LINK) {
            from = c.sideVia(from); // another relay forwards for the peer at its end of this circuit
        }
        if (c == null || from == null || c.state() != Circuit.State.OPEN || !c.has(from)) {
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
            if (toUdp) {
                sendUdp(from, to, frame, length, true, batchOn);
            } else {
                sendTcp(from, to, frame, length, false);
            }
            return;
        }
        ByteBuf slice = frame.retainedSlice(frame.readerIndex() + header, length);
        frame.release();
        Channel out = toUdp ? to.udpChannel() : to.controlChannel();
        if (out == null) {
            slice.release();
            metrics.drop(DropReason.QUEUE_FULL);
            return;
        }
        ByteBuf h = toUdp
                ? RelayDataHeader.write(out.alloc().ioBuffer(UDP_HEADER), id)
                : DataHeader.write(out.alloc().ioBuffer(TCP_HEADER), id, length);
        ByteBuf reframed = out.alloc().compositeDirectBuffer(2).addComponents(true, h, slice);
        if (toUdp) {
            sendUdp(from, to, reframed, length, false, batchOn);
        } else {
            sendTcp(from, to, reframed, length, true);
        }
    }

    /**
     * Counts a datagram as relayed, in (by the transport it arrived on) and out. Called only once
     * it is accepted for sending, before the write, so a scrape never lags what the receiver
     * already holds and dropped frames never count as relayed.
     */
    private void counted(boolean inUdp, boolean outUdp, int length, Reservation from, Reservation to) {
        metrics.relayed(inUdp ? RelayMetrics.Transport.UDP : RelayMetrics.Transport.TCP, RelayMetrics.Direction.IN, length);
        metrics.relayed(outUdp ? RelayMetrics.Transport.UDP : RelayMetrics.Transport.TCP, RelayMetrics.Direction.OUT, length);
        if (from.kind() == Reservation.Kind.REMOTE) {
            metrics.meshForwarded(RelayMetrics.Direction.IN, length, from.via().peer());
        } else {
            metrics.relayedFamily(inUdp ? from.udpAddress() : from.observedTcp(), RelayMetrics.Direction.IN, length);
        }
        if (to.kind() == Reservation.Kind.REMOTE) {
            metrics.meshForwarded(RelayMetrics.Direction.OUT, length, to.via().peer());
        } else {
            metrics.relayedFamily(outUdp ? to.udpAddress() : to.observedTcp(), RelayMetrics.Direction.OUT, length);
        }
    }

    /** Writes; flushes unless {@code ch} is the socket being read, which flushes at the end of its read batch. */
    private static void write(Channel ch, Object msg, Channel batchOn) {
        if (ch == batchOn) {
            ch.write(msg, ch.voidPromise());
        } else {
            ch.writeAndFlush(msg, ch.voidPromise());
        }
    }

    /**
     * A RELAY_DATA datagram to the receiver's bound UDP address; {@code viaUdp}: it arrived over UDP.
     * It leaves from the socket it arrived on ({@code batchOn}) when that socket shares the receiver's
     * local address (SO_REUSEPORT sockets of one port, each on its own event loop): the same source
     * address on the wire, and no hand-off to another loop.
     */
    private void sendUdp(Reservation from, Reservation to, ByteBuf datagram, int length, boolean viaUdp, Channel batchOn) {
        Channel ch = to.udpChannel();
        if (batchOn != null && ch != null && ch != batchOn && batchOn.localAddress().equals(ch.localAddress())) {
            ch = batchOn;
        }
        InetSocketAddress address = to.udpAddress();
        if (ch == null || address == null || !ch.isWritable()) {
            datagram.release();
            metrics.drop(DropReason.QUEUE_FULL);
            return;
        }
        counted(viaUdp, true, length, from, to);
        write(ch, new DatagramPacket(datagram, address), batchOn);
    }

    /** A DATA frame through the receiver's bounded control send queue, which counts a drop itself. */
    private void sendTcp(Reservation from, Reservation to, ByteBuf frame, int length, boolean viaUdp) {
        if (length > DataHeader.MAX_PAYLOAD) {
            frame.release();
            metrics.drop(DropReason.QUEUE_FULL);
            return;
        }
        to.link().sendRelayed(frame, () -> counted(viaUdp, false, length, from, to));
    }
}
