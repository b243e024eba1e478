package dev.junction.relay.circuit;

import dev.junction.relay.metrics.DropReason;
import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.relay.reservation.Reservation;
import dev.junction.relay.reservation.ReservationRegistry;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.udp.UdpCodec;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.time.Clock;

/**
 * Junction frames on the relay's UDP sockets (after the STUN handler): BIND attaches a client's
 * address to its reservation (BIND_ACK returns it with the relay's signed statement of it),
 * RELAY_DATA is forwarded, PING is answered, ATTEST gets a BIND_ACK without moving the binding. Only
 * BIND and ATTEST are accepted from an unbound address, and each costs the relay one HMAC; everything else from an unbound address is
 * dropped (reason unbound_sender), so the relay never answers strangers with more than they sent.
 */
@ChannelHandler.Sharable
public final class UdpRelayHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private final ReservationRegistry reservations;
    private final Forwarder forwarder;
    private final RelayMetrics metrics;
    private final Identity identity;
    private final Clock clock;
    private volatile BindAcks bindAcks;

    /** Where a BIND_ACK goes: this relay BINDs its own UDP socket to the other relays of its fleet. */
    public interface BindAcks {
        /** {@code ack} arrived from {@code from} on relay socket {@code on}; the callee checks it is one it asked for. */
        void acked(UdpFrame.BindAck ack, InetSocketAddress from, io.netty.channel.Channel on);
    }

    /** Set when the relay joins a fleet; without it a BIND_ACK is dropped as malformed (clients never send one). */
    public void bindAcks(BindAcks acks) {
        this.bindAcks = acks;
    }

    /** {@code identity} signs each BIND_ACK's statement of the client's observed UDP address. */
    public UdpRelayHandler(ReservationRegistry reservations, Forwarder forwarder, RelayMetrics metrics, Identity identity, Clock clock) {
        super(false);
        this.reservations = reservations;
        this.forwarder = forwarder;
        this.metrics = metrics;
        this.identity = identity;
        this.clock = clock;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf content = packet.content();
        InetSocketAddress sender = packet.sender();
        long circuit = UdpCodec.relayDataCircuit(content);
        if (circuit >= 0) {
            Reservation from = reservations.byUdp(sender);
            if (from == null) {
                metrics.drop(DropReason.UNBOUND_SENDER);
                packet.release();
                return;
            }
            // The whole datagram: the forwarder sends it on unchanged when the receiver is on UDP too.
            forwarder.forward(from, (int) circuit, content, true, ctx.channel());
            return;
        }
        try {
            UdpFrame frame = UdpCodec.decode(content);
            if (frame instanceof UdpFrame.Bind bind) {
                bind(ctx, bind, sender);
            } else if (frame instanceof UdpFrame.Attest attest) {
                attest(ctx, attest, sender);
            } else if (frame instanceof UdpFrame.BindAck ack && bindAcks != null) {
                bindAcks.acked(ack, sender, ctx.channel());
            } else if (frame instanceof UdpFrame.Ping ping) {
                if (reservations.byUdp(sender) != null) {
                    reply(ctx, new UdpFrame.Pong(ping.nonce()), sender);
                } else {
                    metrics.drop(DropReason.UNBOUND_SENDER);
                }
            } else {
                metrics.drop(DropReason.MALFORMED_FRAME);
            }
        } catch (WireFormatException e) {
            metrics.drop(DropReason.MALFORMED_FRAME);
        } finally {
            packet.release();
        }
    }

    /** Datagrams forwarded during this read batch were written without a flush: they leave together. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        ctx.fireChannelReadComplete();
    }

    private void bind(ChannelHandlerContext ctx, UdpFrame.Bind bind, InetSocketAddress sender) {
        Reservation r = reservations.byId(bind.reservation());
        if (r == null || !bind.verify(r.udpBindKey().toArray())
                || !reservations.bindUdp(r, bind.nonce(), sender, ctx.channel())) {
            metrics.drop(DropReason.UNBOUND_SENDER);
            return;
        }
        // The statement costs one Ed25519 signature, paid only for a BIND that passed its HMAC and nonce checks.
        AddressAttestation attested = AddressAttestation.sign(identity, r.peer(), AddressAttestation.Transport.UDP, sender, clock.instant());
        metrics.statement(false);
        reply(ctx, new UdpFrame.BindAck(bind.nonce(), sender, attested), sender);
    }

    /**
     * ATTEST: the relay's statement of the sender's address, the binding left where it is (a
     * dual-stack client asks in its other family). As BIND: one HMAC for anyone, one signature only
     * for a valid MAC and a fresh nonce, and never more sent back than BIND_ACK.
     */
    private void attest(ChannelHandlerContext ctx, UdpFrame.Attest attest, InetSocketAddress sender) {
        Reservation r = reservations.byId(attest.reservation());
        if (r == null || !attest.verify(r.udpBindKey().toArray()) || !r.acceptAttestNonce(attest.nonce())) {
            metrics.drop(DropReason.UNBOUND_SENDER);
            return;
        }
        AddressAttestation attested = AddressAttestation.sign(identity, r.peer(), AddressAttestation.Transport.UDP, sender, clock.instant());
        metrics.statement(true);
        reply(ctx, new UdpFrame.BindAck(attest.nonce(), sender, attested), sender);
    }

    private static void reply(ChannelHandlerContext ctx, UdpFrame frame, InetSocketAddress to) {
        ByteBuf out = ctx.alloc().ioBuffer(224);
        UdpCodec.encode(frame, out);
        ctx.writeAndFlush(new DatagramPacket(out, to), ctx.voidPromise());
    }
}
