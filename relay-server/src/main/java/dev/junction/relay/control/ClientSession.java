package dev.junction.relay.control;

import dev.junction.relay.RelayContext;
import dev.junction.relay.admission.Admission;
import dev.junction.relay.circuit.Circuit;
import dev.junction.relay.metrics.DropReason;
import dev.junction.relay.metrics.LogThrottle;
import dev.junction.relay.reservation.Reservation;
import dev.junction.relay.reservation.ReservationRegistry;
import dev.junction.wire.Bytes;
import dev.junction.wire.ProtocolVersion;
import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * One client's control connection: the login state machine, then its requests. Runs on the
 * connection's event loop; the state field is only touched there.
 */
final class ClientSession extends OutboxLink {
    private static final System.Logger LOG = System.getLogger("junction.relay.login");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Refusals are what strangers cause: one line a minute, the rest counted in junction_logins_total. */
    private static final LogThrottle REFUSALS = new LogThrottle(LOG, System.Logger.Level.INFO);

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
    private State state = State.AWAIT_HELLO;
    private Bytes nonce;
    /** HELLO asked for a mesh link: the other end says it is a relay of this fleet. */
    private boolean meshHello;
    /** The client's HELLO set DUAL_STACK: its LOGIN_OK names the relay's UDP addresses in the other families. */
    private boolean dualStackWanted;
    /** Frames that may wait for LOGIN_OK: a few INCOMINGs at most, from callers on this relay. */
    static final int HELD_MAX = 64;
    /** Frames for this client while its LOGIN_OK waits for the directory; null before and after. Guarded by this. */
    private java.util.List<ControlFrame> held;
    /** HELLO said the client takes RELAY_MAP frames. */
    private volatile boolean relayMapWanted;
    private Reservation reservation;
    private ScheduledFuture<?> loginTimeout;
    private RequestRate requests;

    ClientSession(RelayContext relay) {
        this.relay = relay;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.outbox = new ControlOutbox(ctx.channel(), relay.limits().sendQueueFrames(), relay.limits().writeTimeout(), relay.metrics());
        this.requests = new RequestRate(relay.limits().controlRequestsPerSecond(), System.nanoTime());
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
        if (hello.version() != ProtocolVersion.CURRENT && hello.version() != ProtocolVersion.OLDEST_ACCEPTED) {
            refuse(ErrorCode.UNSUPPORTED_VERSION, "relay speaks versions " + ProtocolVersion.OLDEST_ACCEPTED + " and " + ProtocolVersion.CURRENT
                    + ", client " + hello.version());
            return;
        }
        meshHello = hello.mesh();
        relayMapWanted = hello.relayMap();
        dualStackWanted = hello.dualStack();
        byte[] n = new byte[LoginFrames.NONCE_LENGTH];
        RANDOM.nextBytes(n);
        nonce = Bytes.of(n);
        state = State.AWAIT_AUTH;
        PeerId self = relay.identity().peerId();
        if (hello.version() == ProtocolVersion.CURRENT) {
            // A client that follows rotations gets the previous key's endorsement while it lasts (PROTOCOL.md 5.1).
            dev.junction.wire.control.KeyEndorsement e = relay.endorsement();
            boolean endorse = hello.rotation() && e != null && !e.expiredAt(relay.clock().instant());
            send(new LoginFrames.Challenge(ProtocolVersion.CURRENT, self, nonce,
                    Bytes.of(relay.identity().sign(LoginFrames.signedChallengeBytes(nonce, self, servedCertificateSha256()))),
                    endorse ? e : null));
        } else {
            // N-1: a client of the previous version gets that version's CHALLENGE; the rest of the
            // protocol is the same for both (PROTOCOL.md section 7).
            send(new LoginFrames.Challenge(hello.version(), self, nonce,
                    Bytes.of(relay.identity().sign(LoginFrames.signedChallengeBytesV2(nonce, self)))));
        }
    }

    /** The SHA-256 of the certificate this connection's TLS served (the CHALLENGE signature covers it). */
    private byte[] servedCertificateSha256() {
        java.security.cert.Certificate[] local = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class).engine().getSession().getLocalCertificates();
        try {
            return LoginFrames.certificateSha256(local[0].getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("the relay's own certificate does not encode", e);
        }
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
        if (meshHello) {
            if (relay.mesh() == null || !relay.mesh().admits(auth.peer(), auth.token())) {
                refuse(ErrorCode.NOT_ALLOWED, auth.peer().shortString() + " is no relay of this fleet");
                return;
            }
            state = State.CLOSED; // this connection is a mesh link from here on, served by MeshSession
            loginTimeout.cancel(false);
            MeshSession.accepted(ctx, relay, auth.peer());
            return;
        }
        Admission.Decision admitted = relay.admission().admit(auth.peer(), auth.token());
        if (!admitted.admitted()) {
            refuse(admitted.error(), "admission refused for " + auth.peer().shortString());
            return;
        }
        InetSocketAddress observed = (InetSocketAddress) ctx.channel().remoteAddress();
        ReservationRegistry.Outcome outcome = relay.reservations().reserve(auth.peer(), observed, this, ctx.channel());
        if (!outcome.ok()) {
            refuse(outcome.error(), "no reservation for " + auth.peer().shortString());
            return;
        }
        reservation = outcome.reservation();
        reservation.tokenExpiry(admitted.until());
        state = State.LOGGED_IN;
        loginTimeout.cancel(false);
        relay.metrics().loginSucceeded(observed);
        AddressAttestation attested = AddressAttestation.sign(relay.identity(), auth.peer(), AddressAttestation.Transport.TCP, observed,
                relay.clock().instant());
        InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
        java.util.List<InetSocketAddress> others = !dualStackWanted ? java.util.List.of() : relay.udpAddresses().stream()
                .filter(a -> (a.getAddress() instanceof java.net.Inet6Address) != (local.getAddress() instanceof java.net.Inet6Address)).toList();
        LoginFrames.LoginOk ok = new LoginFrames.LoginOk(reservation.id(), remainingSeconds(),
                (int) relay.keepalive().toSeconds(), relay.udpPort(), reservation.udpBindKey(), observed, attested, others);
        // LOGIN_OK waits until the fleet's directory has the reservation (at most the directory
        // timeout), so a client that is logged in can be called from every relay of the fleet.
        // Frames for it meanwhile (an INCOMING from a caller on this relay) follow LOGIN_OK.
        synchronized (this) {
            held = new java.util.ArrayList<>();
        }
        java.util.concurrent.CompletionStage<Void> visible = relay.reservations().announce(reservation);
        if (visible.toCompletableFuture().isDone()) {
            loginAnswered(ok);
        } else {
            visible.whenComplete((v, e) -> ctx.executor().execute(() -> loginAnswered(ok)));
        }
        LOG.log(System.Logger.Level.INFO, "login {0} from {1}: reservation {2}", auth.peer(), observed, String.valueOf(reservation.id()));
    }

    /** Sends LOGIN_OK, the relay map, then whatever waited for them. On the event loop. */
    private void loginAnswered(LoginFrames.LoginOk ok) {
        outbox.offer(ok, true, null);
        if (relay.mesh() != null && relayMapWanted) {
            outbox.offer(relay.mesh().relayMap(), true, null);
        }
        java.util.List<ControlFrame> waiting;
        synchronized (this) {
            waiting = held;
            held = null;
        }
        waiting.forEach(this::send);
    }

    private void onRequest(ControlFrame frame) {
        if (!requests.admit(System.nanoTime())) {
            relay.metrics().drop(DropReason.RATE_LIMITED);
            if (frame instanceof CircuitFrames.Connect c) {
                send(new LinkFrames.Error(c.request(), ErrorCode.RATE_LIMITED, ErrorCode.RATE_LIMITED.hint()));
            }
            pauseReading();
            return;
        }
        if (frame instanceof LoginFrames.Refresh refresh) {
            if (!refresh.token().isEmpty()) {
                Admission.Decision fresh = relay.admission().admit(reservation.peer(), refresh.token());
                if (!fresh.admitted()) {
                    send(new LinkFrames.Error(0, fresh.error(), fresh.error().hint()));
                    return;
                }
                reservation.tokenExpiry(fresh.until());
            }
            relay.reservations().refresh(reservation);
            send(new LoginFrames.RefreshOk(remainingSeconds()));
        } else if (frame instanceof CircuitFrames.Connect c) {
            var outcome = relay.circuits().connect(reservation, c.target(), c.request(), relay.reservations());
            if (outcome.circuit() == null && outcome.error() == ErrorCode.PEER_NOT_FOUND && relay.mesh() != null
                    && !c.target().equals(reservation.peer())) {
                connectElsewhere(c);
            } else if (outcome.circuit() == null) {
                send(new LinkFrames.Error(c.request(), outcome.error(), outcome.error().hint()));
            }
        } else if (frame instanceof CircuitFrames.Accept a) {
            if (!relay.circuits().accept(reservation, a.circuit())) {
                send(new CircuitFrames.CircuitClose(a.circuit(), CloseReason.UNKNOWN, 0));
            }
        } else if (frame instanceof CircuitFrames.CircuitClose close) {
            Circuit c = relay.circuits().get(close.circuit());
            if (c != null && c.has(reservation)) {
                CloseReason reason = c.state() == Circuit.State.PENDING && c.callee() == reservation
                        ? CloseReason.REJECTED : CloseReason.PEER_CLOSED;
                relay.circuits().close(c, reason, reservation);
            }
        } else if (frame instanceof LinkFrames.Ping ping) {
            send(new LinkFrames.Pong(ping.nonce()));
        } else if (!(frame instanceof LinkFrames.Pong)) {
            refuse(ErrorCode.MALFORMED, "unexpected " + frame.type() + " after login");
        }
    }

    /**
     * CONNECT to a peer this relay does not hold: asks the fleet's directory where it is homed and
     * opens the circuit across the mesh link to that relay. Answers ERROR (PEER_NOT_FOUND,
     * DIRECTORY_UNAVAILABLE, RELAY_UNREACHABLE) when that fails; bounded by the request rate and the
     * directory timeout. The rest runs back on this connection's event loop.
     */
    private void connectElsewhere(CircuitFrames.Connect c) {
        relay.mesh().route(c.target()).whenComplete((route, e) -> ctx.executor().execute(() -> {
            if (state != State.LOGGED_IN) {
                return;
            }
            ErrorCode error = e != null ? ErrorCode.INTERNAL : route.error();
            if (error == null) {
                var outcome = relay.circuits().connectRemote(reservation,
                        dev.junction.relay.fleet.Mesh.remoteSide(route.link(), c.target(), false, 0), c.request());
                error = outcome.error();
                if (error == null && !route.link().controlChannel().isActive()) {
                    // The link went down between the route and now: its circuits were closed before this
                    // one joined them, so close it here (the caller hears RELAY_UNREACHABLE at once).
                    relay.circuits().closeAll(route.link(), dev.junction.wire.control.CloseReason.RELAY_UNREACHABLE);
                }
            }
            if (error != null) {
                send(new LinkFrames.Error(c.request(), error, error.hint()));
            }
        }));
    }

    /**
     * Stops reading this connection for {@link RequestRate#PENALTY} (on the event loop): a client
     * over its request rate is slowed by TCP itself, so whatever it sends costs the relay no
     * memory and almost no CPU. Frames already read are still handled (and dropped while over).
     */
    private void pauseReading() {
        if (!ctx.channel().config().isAutoRead()) {
            return;
        }
        ctx.channel().config().setAutoRead(false);
        ctx.executor().schedule(() -> ctx.channel().config().setAutoRead(true), RequestRate.PENALTY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whole seconds (rounded up) until the reservation expires: the lifetime, or less when its token ends sooner. */
    private long remainingSeconds() {
        return Math.max(0, (Duration.between(relay.clock().instant(), reservation.expiry()).toMillis() + 999) / 1000);
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
        REFUSALS.log(() -> "refused " + ctx.channel().remoteAddress() + ": " + code + " (" + logDetail + ")");
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
            LOG.log(System.Logger.Level.INFO, "logout {0}: reservation {1} released", reservation.peer(), String.valueOf(reservation.id()));
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
    public boolean send(ControlFrame frame) {
        if (frame instanceof LinkFrames.RelayMap && !relayMapWanted) {
            return true; // a client that did not ask for it would not know the frame type
        }
        synchronized (this) {
            if (held != null) {
                if (held.size() >= HELD_MAX) {
                    relay.metrics().drop(DropReason.QUEUE_FULL);
                    return false;
                }
                held.add(frame);
                return true;
            }
        }
        return outbox.offer(frame, true, null);
    }
}
