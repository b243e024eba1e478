package dev.junction.relay.control;

import dev.junction.relay.RelayContext;
import dev.junction.relay.circuit.Circuit;
import dev.junction.relay.punch.PunchCoordinator;
import dev.junction.relay.reservation.ClientLink;
import dev.junction.relay.reservation.Reservation;
import dev.junction.relay.reservation.ReservationRegistry;
import dev.junction.wire.Bytes;
import dev.junction.wire.ProtocolVersion;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.control.Candidate;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.control.PunchFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One client's control connection: the login state machine, then its requests. Runs on the
 * connection's event loop; the state field is only touched there.
 */
final class ClientSession extends ChannelInboundHandlerAdapter implements ClientLink {
    private static final System.Logger LOG = System.getLogger("junction.relay.login");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Login progress; assigned only in {@link #channelRead}. */
    enum State {
        /** Entered when the TLS handshake completes: HELLO is awaited. */
        AWAIT_HELLO,
        /** Entered on HELLO: CHALLENGE was sent, AUTH is awaited. */
        AWAIT_AUTH,
        /** Entered on a valid AUTH: LOGIN_OK was sent and the reservation is held. */
        LOGGED_IN,
        /** Entered on any error or close. */
        CLOSED
    }

    private final RelayContext relay;
    private final PunchCoordinator punch;
    private ChannelHandlerContext ctx;
    private State state = State.AWAIT_HELLO;
    private Bytes nonce;
    private Reservation reservation;
    private ScheduledFuture<?> loginTimeout;

    ClientSession(RelayContext relay, PunchCoordinator punch) {
        this.relay = relay;
        this.punch = punch;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Duration t = relay.unauthenticatedTimeout();
        loginTimeout = ctx.executor().schedule(() -> {
            if (state != State.LOGGED_IN) {
                refuse(ErrorCode.TIMEOUT, "no login within " + t.toSeconds() + " s");
            }
        }, t.toMillis(), TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof RelayedData data) {
            if (state == State.LOGGED_IN) {
                relay.forwarder().forward(reservation, data.circuit(), data.frame(), false, null);
            } else {
                data.frame().release();
                refuse(ErrorCode.MALFORMED, "DATA before login");
            }
            return;
        }
        try {
            ControlFrame frame = (ControlFrame) msg;
            switch (state) {
                case AWAIT_HELLO -> onHello(frame);
                case AWAIT_AUTH -> onAuth(frame);
                case LOGGED_IN -> onRequest(frame);
                case CLOSED -> { }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHello(ControlFrame frame) {
        if (!(frame instanceof LoginFrames.Hello hello)) {
            refuse(ErrorCode.MALFORMED, "expected HELLO, got " + frame.type());
            return;
        }
        if (hello.version() != ProtocolVersion.CURRENT) {
            refuse(ErrorCode.UNSUPPORTED_VERSION, "relay speaks version " + ProtocolVersion.CURRENT + ", client " + hello.version());
            return;
        }
        byte[] n = new byte[LoginFrames.NONCE_LENGTH];
        RANDOM.nextBytes(n);
        nonce = Bytes.of(n);
        state = State.AWAIT_AUTH;
        PeerId self = relay.identity().peerId();
        ctx.writeAndFlush(new LoginFrames.Challenge(ProtocolVersion.CURRENT, self, nonce,
                Bytes.of(relay.identity().sign(LoginFrames.signedChallengeBytes(nonce, self)))));
    }

    private void onAuth(ControlFrame frame) {
        if (!(frame instanceof LoginFrames.Auth auth)) {
            refuse(ErrorCode.MALFORMED, "expected AUTH, got " + frame.type());
            return;
        }
        byte[] signed = LoginFrames.signedLoginBytes(relay.identity().peerId(), nonce, auth.peer());
        if (!Identity.verify(auth.peer(), signed, auth.signature().toArray())) {
            refuse(ErrorCode.BAD_SIGNATURE, "signature does not verify for " + auth.peer().shortString());
            return;
        }
        Optional<ErrorCode> denied = relay.admission().admit(auth.peer(), auth.token());
        if (denied.isPresent()) {
            refuse(denied.get(), "admission refused for " + auth.peer().shortString());
            return;
        }
        InetSocketAddress observed = (InetSocketAddress) ctx.channel().remoteAddress();
        ReservationRegistry.Outcome outcome = relay.reservations().reserve(auth.peer(), observed, this, ctx.channel());
        if (!outcome.ok()) {
            refuse(outcome.error(), "no reservation for " + auth.peer().shortString());
            return;
        }
        reservation = outcome.reservation();
        state = State.LOGGED_IN;
        loginTimeout.cancel(false);
        relay.metrics().loginSucceeded();
        AddressAttestation attested = AddressAttestation.sign(relay.identity(), auth.peer(), Candidate.Transport.TCP, observed,
                relay.clock().instant());
        ctx.writeAndFlush(new LoginFrames.LoginOk(reservation.id(), relay.reservationLifetime().toSeconds(),
                (int) relay.keepalive().toSeconds(), relay.udpPort(), reservation.udpBindKey(), observed, attested));
        LOG.log(System.Logger.Level.INFO, "login {0} from {1}: reservation {2}", auth.peer(), observed, reservation.id());
    }

    private void onRequest(ControlFrame frame) {
        if (frame instanceof LoginFrames.Refresh) {
            Instant expiry = relay.reservations().refresh(reservation);
            ctx.writeAndFlush(new LoginFrames.RefreshOk(Duration.between(relay.clock().instant(), expiry).toSeconds()));
        } else if (frame instanceof CircuitFrames.Connect c) {
            var outcome = relay.circuits().connect(reservation, c.target(), c.request(), relay.reservations());
            if (outcome.circuit() == null) {
                ctx.writeAndFlush(new LinkFrames.Error(c.request(), outcome.error(), outcome.error().hint()));
            }
        } else if (frame instanceof CircuitFrames.Accept a) {
            if (!relay.circuits().accept(reservation, a.circuit())) {
                ctx.writeAndFlush(new CircuitFrames.CircuitClose(a.circuit(), CloseReason.UNKNOWN, 0));
            }
        } else if (frame instanceof CircuitFrames.CircuitClose close) {
            Circuit c = relay.circuits().get(close.circuit());
            if (c != null && c.has(reservation)) {
                CloseReason reason = c.state() == Circuit.State.PENDING && c.callee() == reservation
                        ? CloseReason.REJECTED : CloseReason.PEER_CLOSED;
                relay.circuits().close(c, reason, reservation);
            }
        } else if (frame instanceof PunchFrames.Candidates cand) {
            punch.candidates(reservation, cand);
        } else if (frame instanceof PunchFrames.PunchSync sync) {
            punch.sync(reservation, sync);
        } else if (frame instanceof PunchFrames.PunchResult result) {
            punch.result(reservation, result);
        } else if (frame instanceof LinkFrames.Ping ping) {
            ctx.writeAndFlush(new LinkFrames.Pong(ping.nonce()));
        } else if (!(frame instanceof LinkFrames.Pong)) {
            refuse(ErrorCode.MALFORMED, "unexpected " + frame.type() + " after login");
        }
    }

    /** Sends ERROR with {@code code}, counts the refusal, closes. */
    private void refuse(ErrorCode code, String logDetail) {
        if (state == State.CLOSED) {
            return;
        }
        if (state != State.LOGGED_IN) {
            relay.metrics().loginRefused(code);
        }
        state = State.CLOSED;
        LOG.log(System.Logger.Level.INFO, "refused {0}: {1} ({2})", ctx.channel().remoteAddress(), code, logDetail);
        sendAndClose(new LinkFrames.Error(0, code, code.hint()));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        if (loginTimeout != null) {
            loginTimeout.cancel(false);
        }
        if (reservation != null && relay.reservations().remove(reservation)) {
            relay.circuits().closeAll(reservation, CloseReason.PEER_GONE);
            LOG.log(System.Logger.Level.INFO, "logout {0}: reservation {1} released", reservation.peer(), reservation.id());
        } else if (reservation != null) {
            relay.circuits().closeAll(reservation, CloseReason.REPLACED);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.log(System.Logger.Level.DEBUG, "control connection {0} failed: {1}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void send(ControlFrame frame) {
        ctx.writeAndFlush(frame, ctx.voidPromise());
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
