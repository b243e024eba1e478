package dev.junction.relay.control;

import dev.junction.relay.RelayContext;
import dev.junction.relay.circuit.Circuit;
import dev.junction.relay.fleet.Mesh;
import dev.junction.relay.reservation.Reservation;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.PeerId;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One mesh link to another relay of the fleet, after its login, on either end (the relay that
 * dialled and the one that accepted serve it alike). The other relay forwards for its own peers:
 * MESH_CONNECT opens a circuit to a peer homed here, CIRCUIT_OPEN and CIRCUIT_CLOSE move circuits
 * that span both relays, DATA carries their datagrams (UDP RELAY_DATA carries them too, once the
 * link's UDP binding is up). A link carries many circuits, so it has its own, larger send queue and
 * a dropped frame costs one datagram, never the link. It lives while both relays ping each other:
 * a link silent for {@link #DEAD_AFTER_KEEPALIVES} keepalives is closed, and its circuits close
 * with RELAY_UNREACHABLE.
 */
final class MeshSession extends OutboxLink {
    private static final System.Logger LOG = System.getLogger("junction.relay.fleet");
    /** Frames a mesh link may have waiting for the kernel: one client's queue serves one client, a link serves many. */
    static final int QUEUE_FRAMES = 16_384;
    /** Bytes a mesh link may have waiting for the kernel (its channel's high water mark). */
    static final int QUEUE_BYTES = 8 << 20;
    /** A link whose other end takes nothing for this long is dead, not slow. */
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);
    /** Keepalive intervals without a frame from the other relay before the link counts as down. */
    static final int DEAD_AFTER_KEEPALIVES = 3;

    private final RelayContext relay;
    private final PeerId other;
    private Reservation link;

    private MeshSession(RelayContext relay, PeerId other) {
        this.relay = relay;
        this.other = other;
    }

    /**
     * The accepting end: {@code login} (the ClientSession that checked HELLO, AUTH and the fleet
     * token) hands its connection over; this answers LOGIN_OK with an ID and UDP bind key for the link.
     */
    static void accepted(ChannelHandlerContext login, RelayContext relay, PeerId other) {
        MeshSession s = new MeshSession(relay, other);
        InetSocketAddress observed = (InetSocketAddress) login.channel().remoteAddress();
        login.pipeline().replace(login.handler(), "mesh", s);
        s.link = relay.reservations().reserveLink(other, observed, s, login.channel());
        s.up();
        AddressAttestation attested = AddressAttestation.sign(relay.identity(), other, AddressAttestation.Transport.TCP, observed,
                relay.clock().instant());
        s.send(new LoginFrames.LoginOk(s.link.id(), 0, (int) relay.keepalive().toSeconds(), relay.udpPort(), s.link.udpBindKey(),
                observed, attested));
    }

    /** The dialling end, once LOGIN_OK arrived: {@code handshake} hands its connection over. Returns the link. */
    static Reservation dialled(ChannelHandlerContext handshake, RelayContext relay, PeerId other) {
        MeshSession s = new MeshSession(relay, other);
        handshake.pipeline().replace(handshake.handler(), "mesh", s);
        s.link = relay.reservations().dialledLink(other, (InetSocketAddress) handshake.channel().remoteAddress(), s, handshake.channel());
        s.up();
        return s.link;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        ctx.channel().config().setWriteBufferWaterMark(new io.netty.channel.WriteBufferWaterMark(QUEUE_BYTES / 2, QUEUE_BYTES));
        this.outbox = new ControlOutbox(ctx.channel(), QUEUE_FRAMES, STALL_TIMEOUT, relay.metrics());
        long keepalive = relay.keepalive().toMillis();
        ctx.pipeline().addBefore(ctx.name(), "mesh-idle",
                new IdleStateHandler(keepalive * DEAD_AFTER_KEEPALIVES, keepalive, 0, TimeUnit.MILLISECONDS));
    }

    private void up() {
        relay.mesh().linkUp(link);
        if (!ctx.channel().isActive()) {
            gone();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE) {
                LOG.log(System.Logger.Level.WARNING, "mesh link to relay {0} silent for {1} keepalives: closing", other,
                        String.valueOf(DEAD_AFTER_KEEPALIVES));
                ctx.close();
            } else {
                send(new LinkFrames.Ping(System.nanoTime()));
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof RelayedData data) {
            relay.forwarder().forward(link, data.circuit(), data.frame(), false, null);
            return;
        }
        try {
            onFrame((ControlFrame) msg);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onFrame(ControlFrame frame) {
        if (frame instanceof CircuitFrames.MeshConnect m) {
            Reservation caller = Mesh.remoteSide(link, m.caller(), true, m.circuit());
            var outcome = relay.circuits().adopt(m.circuit(), caller, m.target(), relay.reservations());
            if (outcome.circuit() == null) {
                // Said as the caller should hear it: this relay draining is not the caller's relay
                // draining (its callee is about to re-home: RELAY_UNREACHABLE, retry shortly).
                CloseReason why = switch (outcome.error()) {
                    case DRAINING -> CloseReason.RELAY_UNREACHABLE;
                    case PEER_NOT_FOUND -> CloseReason.PEER_GONE;
                    default -> CloseReason.REJECTED;
                };
                send(new CircuitFrames.CircuitClose(m.circuit(), why, 0));
            }
        } else if (frame instanceof CircuitFrames.CircuitOpen o) {
            Circuit c = relay.circuits().get(o.circuit());
            if (c != null && c.sideVia(link) == c.callee()) {
                relay.circuits().accept(c.callee(), o.circuit());
            }
        } else if (frame instanceof CircuitFrames.CircuitClose close) {
            Circuit c = relay.circuits().get(close.circuit());
            Reservation side = c == null ? null : c.sideVia(link);
            if (side != null) {
                relay.circuits().close(c, close.reason(), side);
            }
        } else if (frame instanceof LinkFrames.Ping ping) {
            send(new LinkFrames.Pong(ping.nonce()));
        } else if (!(frame instanceof LinkFrames.Pong)) {
            LOG.log(System.Logger.Level.WARNING, "mesh link to relay {0}: unexpected {1}; closing", other, frame.type());
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        gone();
        ctx.fireChannelInactive();
    }

    private void gone() {
        if (link == null) {
            return;
        }
        relay.reservations().remove(link);
        relay.mesh().linkDown(link);
        relay.circuits().closeAll(link, CloseReason.RELAY_UNREACHABLE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "mesh link to relay {0} failed: {1}", other, cause.toString());
        ctx.close();
    }
}
