package dev.junction.client.internal.relay;

import dev.junction.client.JunctionException;
import dev.junction.client.internal.net.ClientTransport;
import dev.junction.wire.Bytes;
import dev.junction.wire.ProtocolVersion;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.ControlCodec;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.control.DataHeader;
import dev.junction.wire.control.KeyEndorsement;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The client's control connection to its relay: TLS with the relay's key pinned, login, reservation
 * refresh, keepalive, circuits, relayed DATA, and reconnection with capped, jittered backoff (also
 * after the relay's GOING_AWAY, to its hinted successor if any). All on the I/O thread.
 */
public final class RelayLink {
    private static final System.Logger LOG = System.getLogger("junction.client.relay");
    /** A PING unanswered this long marks the control connection dead. */
    static final long PONG_TIMEOUT_MILLIS = 5000;
    /**
     * REFRESH at half the reservation's remaining lifetime, but not more often than this: near a
     * token's end the remaining lifetime shrinks, and a client whose app has no new token yet must
     * not spin (the relay rate-limits control requests).
     */
    static final long MIN_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** First reconnect delay; doubles per failure. */
    static final Duration BACKOFF_MIN = Duration.ofMillis(250);
    /** Reconnect delays stop growing here so a client returns within half a minute of the relay. */
    static final Duration BACKOFF_MAX = Duration.ofSeconds(30);
    /** ± share of each delay randomized so clients of a restarted relay do not return in lockstep. */
    static final double JITTER = 0.2;
    /** TCP connect and TLS handshake together. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** The login state; assigned only on the I/O thread. */
    enum State {
        /** No connection; a reconnect may be scheduled. */
        DISCONNECTED,
        /** Entered when the TLS connection opens: HELLO sent, CHALLENGE awaited. */
        AWAIT_CHALLENGE,
        /** Entered on a verified CHALLENGE: AUTH sent, LOGIN_OK awaited. */
        AWAIT_LOGIN,
        /** Entered on LOGIN_OK. */
        LOGGED_IN,
        /** Entered on close(): nothing reconnects. */
        CLOSED
    }

    private final ClientTransport transport;
    private final EventLoop loop;
    private final Identity identity;
    private final java.nio.file.Path relayCas;
    private final Supplier<String> tokens;
    private final RelayEvents events;
    private final Duration keepalive;
    /** Where this client may log in, in order (configured, then the fleet's), and whose statements it believes. */
    private final RelayList relays;
    private RelayAddress relay;
    private State state = State.DISCONNECTED;
    private Channel channel;
    private LoginFrames.LoginOk login;
    private volatile InetSocketAddress relayUdp;
    private CompletableFuture<LoginFrames.LoginOk> firstLogin = new CompletableFuture<>();
    private final Map<Integer, CompletableFuture<CircuitFrames.CircuitOpen>> connects = new HashMap<>();
    private int nextRequest = 1;
    private int failures;
    /** When the last frame from the relay arrived (System.nanoTime). */
    private long lastHeardNanos;
    private String goingAwayHint = "";
    /** Other logins with this identity taking the reservation, and the wait before taking it back. */
    private final Replacements replacements = new Replacements();
    private ScheduledFuture<?> ticker;
    private long lastRefreshNanos;
    /** Seconds the reservation has left as the relay last said (LOGIN_OK, REFRESH_OK); I/O thread. */
    private long reservationSeconds;
    /** The fleet's relays were measured once (the client then moved home to the nearest, if idle and clearly nearer). */
    private boolean ranked;
    /** The relay to log in to at the next reconnect, chosen as the fleet's nearest; null for the usual order. */
    private RelayAddress movingTo;
    /** The admission token last sent (AUTH or REFRESH); I/O thread. */
    private String lastToken;

    /**
     * A link to the first of {@code relays}; the others are fallbacks, tried in turn whenever two
     * connection attempts in a row fail.
     */
    /** {@code relayCas}: the CAs trusted for a relay's CA-issued certificate (null: the JDK's). */
    public RelayLink(ClientTransport transport, List<RelayAddress> relays, java.nio.file.Path relayCas, Identity identity,
                     Supplier<String> tokens, Duration keepalive, RelayEvents events) {
        this.transport = transport;
        this.loop = transport.group().next();
        this.relays = new RelayList(relays);
        this.relay = relays.get(0);
        this.identity = identity;
        this.relayCas = relayCas;
        this.tokens = tokens;
        this.keepalive = keepalive;
        this.events = events;
    }

    public EventLoop loop() {
        return loop;
    }

    public RelayAddress relay() {
        return relay;
    }

    /**
     * The relays whose statements of a peer's addresses this client believes: those it was
     * configured with, those its relay's fleet named, and the one it is on (which may be a
     * GOING_AWAY hint).
     */
    public java.util.Set<dev.junction.wire.identity.PeerId> trustedRelays() {
        java.util.Set<dev.junction.wire.identity.PeerId> out = new java.util.HashSet<>();
        relays.all().forEach(r -> out.add(r.relayId()));
        out.add(relay.relayId());
        return out;
    }

    /** Connects and logs in; the future fails with the relay's reason (and no retry) if login is refused. */
    public CompletableFuture<LoginFrames.LoginOk> start() {
        // The app's first relay first; the nearest only once the relay names its fleet (rankFleet).
        loop.execute(this::open);
        return firstLogin;
    }

    /** The current login, or null while not logged in. I/O thread. */
    public LoginFrames.LoginOk login() {
        return state == State.LOGGED_IN ? login : null;
    }

    /** The relay's UDP address (its control host and the UDP port it announced), or null before login. */
    public InetSocketAddress relayUdp() {
        return relayUdp;
    }

    public InetSocketAddress relayTcp() {
        Channel c = channel;
        return c == null ? null : (InetSocketAddress) c.remoteAddress();
    }

    private void open() {
        if (state == State.CLOSED) {
            return;
        }
        SslContext tls;
        try {
            tls = RelayCertificates.clientContext(relay.relayId(), relayCas);
        } catch (IllegalStateException e) {
            fatal(e.getMessage());
            return;
        }
        RelayAddress target = relay;
        new Bootstrap().group(loop).channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        SslHandler ssl = tls.newHandler(c.alloc(), target.host(), target.port());
                        ssl.setHandshakeTimeoutMillis(CONNECT_TIMEOUT.toMillis());
                        c.pipeline().addLast(ssl, ControlCodecHandlers.Encoder.INSTANCE, ControlCodecHandlers.splitter(),
                                new Handler());
                        ssl.handshakeFuture().addListener(f -> {
                            if (f.isSuccess()) {
                                state = State.AWAIT_CHALLENGE;
                                c.writeAndFlush(new LoginFrames.Hello(ProtocolVersion.CURRENT, LoginFrames.Hello.RELAY_MAP | LoginFrames.Hello.ROTATION
                                        | LoginFrames.Hello.DUAL_STACK));
                            } else {
                                String refused = RelayCertificates.refusal(f.cause());
                                if (refused != null) {
                                    fatal("the relay at " + target.host() + ":" + target.port()
                                            + " is not the one in the relay address (" + refused + "); check the address"
                                            + (refused.contains("trusted CAs") ? ", or name the CAs that issued its certificate"
                                                    + " (TraversalClient.Builder.relayCertificateAuthorities, junction: --relay-ca FILE)" : ""));
                                }
                                c.close();
                            }
                        });
                    }
                }).connect(target.host(), target.port()).addListener(f -> {
                    if (!f.isSuccess()) {
                        lost("cannot reach relay " + target.host() + ":" + target.port() + ": " + rootMessage(f.cause()));
                    }
                });
    }

    private final class Handler extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
            ctx.fireChannelActive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            lastHeardNanos = System.nanoTime();
            long circuit = ControlCodec.dataCircuit(frame);
            if (circuit >= 0 && state == State.LOGGED_IN) {
                events.data((int) circuit, frame.retainedSlice(frame.readerIndex() + DataHeader.LENGTH, frame.readableBytes() - DataHeader.LENGTH));
                return;
            }
            ControlFrame f;
            try {
                f = ControlCodec.decode(frame);
            } catch (WireFormatException e) {
                LOG.log(System.Logger.Level.WARNING, "malformed frame from relay: {0}", e.getMessage());
                ctx.close();
                return;
            }
            onFrame(ctx.channel(), f);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            events.readComplete();
            ctx.fireChannelReadComplete();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (channel == ctx.channel()) {
                lost("relay connection closed");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.log(System.Logger.Level.DEBUG, "relay connection failed: {0}", cause.toString());
            ctx.close();
        }
    }

    private void onFrame(Channel ch, ControlFrame f) {
        switch (state) {
            case AWAIT_CHALLENGE -> {
                if (f instanceof LoginFrames.Challenge c) {
                    onChallenge(ch, c);
                } else {
                    onLoginAnswer(f);
                }
            }
            case AWAIT_LOGIN -> onLoginAnswer(f);
            case LOGGED_IN -> onLoggedInFrame(ch, f);
            default -> { }
        }
    }

    private void onChallenge(Channel ch, LoginFrames.Challenge c) {
        RelayProof proof = RelayProof.check(relay, c, RelayCertificates.servedIdentity(ch), RelayCertificates.servedSha256(ch), Instant.now());
        if (proof.refusal() != null) {
            fatal(proof.refusal());
            ch.close();
            return;
        }
        if (proof.rotatedBy() != null) {
            rotated(c.relay(), proof.rotatedBy());
        }
        String token;
        try {
            token = tokens.get();
        } catch (RuntimeException e) {
            fatal("cannot get an admission token: " + e.getMessage());
            ch.close();
            return;
        }
        byte[] sig = identity.sign(LoginFrames.signedLoginBytes(c.relay(), c.nonce(), identity.peerId()));
        lastToken = token;
        state = State.AWAIT_LOGIN;
        ch.writeAndFlush(new LoginFrames.Auth(identity.peerId(), Bytes.of(sig), token == null ? "" : token));
    }

    /** The relay proved {@code next}, which the pinned key endorsed: pinned from now on (the app hears it in relayConnected). */
    private void rotated(PeerId next, KeyEndorsement e) {
        RelayAddress old = relay;
        relay = new RelayAddress(old.host(), old.port(), next);
        relays.rotated(old, relay);
        LOG.log(System.Logger.Level.WARNING, "relay {0} rotated its identity key; its address is now {1} (the old key vouches for it"
                + " until {2}): store the new address", old, relay, e.expires());
    }

    private void onLoginAnswer(ControlFrame f) {
        if (f instanceof LoginFrames.LoginOk ok) {
            login = ok;
            reservationSeconds = ok.lifetimeSeconds();
            relayUdp = new InetSocketAddress(((InetSocketAddress) channel.remoteAddress()).getAddress(), ok.udpPort());
            state = State.LOGGED_IN;
            failures = 0;
            lastRefreshNanos = System.nanoTime();
            startTicker();
            events.loggedIn(ok);
            firstLogin.complete(ok);
        } else if (f instanceof LinkFrames.Error e) {
            fatal("relay refused login: " + e.code().hint());
            channel.close();
        }
    }

    private void onLoggedInFrame(Channel ch, ControlFrame f) {
        if (f instanceof CircuitFrames.Incoming in) {
            events.incoming(in.circuit(), in.from());
        } else if (f instanceof CircuitFrames.CircuitOpen open) {
            CompletableFuture<CircuitFrames.CircuitOpen> waiting = open.request() == 0 ? null : connects.remove(open.request());
            if (waiting != null) {
                waiting.complete(open);
            } else {
                events.circuitOpen(open);
            }
        } else if (f instanceof CircuitFrames.CircuitClose close) {
            events.circuitClosed(close.circuit(), close.reason());
        } else if (f instanceof LoginFrames.RefreshOk ok) {
            reservationSeconds = ok.lifetimeSeconds();
        } else if (f instanceof LinkFrames.Error e && e.request() == 0) {
            // A REFRESH whose token the relay refused: the reservation ends when its token does.
            LOG.log(System.Logger.Level.WARNING, "relay refused the renewed admission token: {0}; the reservation ends in {1} s",
                    e.code().hint(), String.valueOf(reservationSeconds));
        } else if (f instanceof LinkFrames.Error e) {
            CompletableFuture<CircuitFrames.CircuitOpen> waiting = connects.remove(e.request());
            if (waiting != null) {
                waiting.completeExceptionally(new JunctionException(e.code().hint()));
            }
        } else if (f instanceof LinkFrames.Ping p) {
            ch.writeAndFlush(new LinkFrames.Pong(p.nonce()));
        } else if (f instanceof LinkFrames.RelayMap map) {
            relays.learned(map);
            rankFleet();
        } else if (f instanceof LinkFrames.GoingAway away && away.reason() == CloseReason.REPLACED) {
            replaced();
        } else if (f instanceof LinkFrames.GoingAway away) {
            goingAwayHint = away.reconnectHint();
            LOG.log(System.Logger.Level.INFO, "relay going away ({0}); will reconnect", away.reason().label());
        }
    }

    /**
     * The first time the relay names its fleet, measures the round trip to each of its relays
     * (RelayRanking) and, when one is clearly nearer than this one and no session is open or
     * opening, moves home there: the client logs in to the app's first relay (peers given the same
     * standalone relays must meet on one), and only a fleet makes any of its relays as good a home.
     */
    private void rankFleet() {
        if (ranked || !RelayRanking.rankable(relay, relays.fleet())) {
            return;
        }
        ranked = true;
        RelayAddress from = relay;
        RelayRanking.nearestOfFleet(transport, loop, from, relays.fleet()).thenAccept(choice -> {
            if (!choice.worthMoving() || !from.equals(relay) || state != State.LOGGED_IN) {
                return;
            }
            if (!connects.isEmpty() || !events.idle()) {
                LOG.log(System.Logger.Level.INFO, "relay {0} of the fleet is nearer ({1}); staying on {2} while sessions are open",
                        choice.nearest(), choice.times(), from);
                return;
            }
            LOG.log(System.Logger.Level.INFO, "moving home to the nearest relay of the fleet: {0} ({1})", choice.nearest(), choice.times());
            movingTo = choice.nearest();
            failures = 0;
            channel.close();
        });
    }

    /** The relays this client may log in to: the configured ones, then those its relay's fleet named. */
    public List<RelayAddress> relays() {
        return relays.all();
    }

    /** Another login with this client's identity took the reservation: say so plainly, and wait longer each time before taking it back. */
    private void replaced() {
        int inARow = replacements.replaced(System.nanoTime());
        LOG.log(System.Logger.Level.WARNING, "another client logged in to the relay with this identity ({0}) and took its reservation"
                + " ({1} time(s) in a row); taking it back in {2} s. Two running clients must not share an identity:"
                + " give each its own identity file (junction: --identity FILE)", identity.peerId().shortString(),
                String.valueOf(inARow), String.valueOf(replacements.backoff().toSeconds()));
    }

    /** Opens a circuit to {@code peer}: completes with CIRCUIT_OPEN or fails with the relay's reason. */
    public CompletableFuture<CircuitFrames.CircuitOpen> connect(PeerId peer) {
        CompletableFuture<CircuitFrames.CircuitOpen> f = new CompletableFuture<>();
        loop.execute(() -> {
            if (state != State.LOGGED_IN) {
                f.completeExceptionally(new JunctionException("not connected to the relay; the client reconnects by itself, try again"));
                return;
            }
            int request = nextRequest++;
            connects.put(request, f);
            channel.writeAndFlush(new CircuitFrames.Connect(request, peer));
        });
        return f;
    }

    public void accept(int circuit) {
        send(new CircuitFrames.Accept(circuit));
    }

    public void reject(int circuit) {
        send(new CircuitFrames.CircuitClose(circuit, CloseReason.REJECTED, 0));
    }

    public void closeCircuit(int circuit) {
        send(new CircuitFrames.CircuitClose(circuit, CloseReason.NORMAL, 0));
    }

    public void send(ControlFrame frame) {
        loop.execute(() -> {
            if (state == State.LOGGED_IN) {
                channel.writeAndFlush(frame, channel.voidPromise());
            }
        });
    }

    /** Sends a relayed datagram as a DATA frame (I/O thread); takes ownership; drops it if the connection is backed up. */
    public void sendData(int circuit, ByteBuf payload) {
        Channel ch = channel;
        if (state != State.LOGGED_IN || ch == null || !ch.isWritable()) {
            payload.release();
            return;
        }
        ByteBuf header = DataHeader.write(ch.alloc().ioBuffer(DataHeader.LENGTH), circuit, payload.readableBytes());
        ch.writeAndFlush(ch.alloc().compositeBuffer(2).addComponents(true, header, payload), ch.voidPromise());
    }

    private void startTicker() {
        if (ticker != null) {
            ticker.cancel(false);
        }
        long period = Math.min(keepalive.toMillis(), login.keepaliveSeconds() * 1000L);
        ticker = loop.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        if (state != State.LOGGED_IN) {
            return;
        }
        Channel ch = channel;
        long sent = System.nanoTime();
        ch.writeAndFlush(new LinkFrames.Ping(sent), ch.voidPromise());
        // A connection that stays silent after a PING is dead (a network change, a vanished
        // relay, a long pause): close it and reconnect instead of waiting for TCP to give up.
        loop.schedule(() -> {
            if (channel == ch && state == State.LOGGED_IN && lastHeardNanos - sent < 0) {
                LOG.log(System.Logger.Level.INFO, "relay silent for {0} ms after a PING; reconnecting", String.valueOf(PONG_TIMEOUT_MILLIS));
                ch.close();
            }
        }, PONG_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        if (System.nanoTime() - lastRefreshNanos > Math.max(MIN_REFRESH_NANOS, TimeUnit.SECONDS.toNanos(reservationSeconds) / 2)) {
            lastRefreshNanos = System.nanoTime();
            channel.writeAndFlush(new LoginFrames.Refresh(freshToken()), channel.voidPromise());
        }
    }

    /**
     * The supplier's token when it differs from the one this reservation was admitted or last
     * refreshed with (the app renewed it), else empty: the relay extends a reservation only up to
     * its token's expiry, so a renewed token is what keeps a long-lived client logged in.
     */
    private String freshToken() {
        String t;
        try {
            t = tokens.get();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot get a fresh admission token: {0}", e.getMessage());
            return "";
        }
        if (t == null || t.isEmpty() || t.equals(lastToken)) {
            return "";
        }
        lastToken = t;
        return t;
    }

    private void lost(String reason) {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasLoggedIn = state == State.LOGGED_IN;
        state = State.DISCONNECTED;
        channel = null;
        if (ticker != null) {
            ticker.cancel(false);
        }
        connects.values().forEach(f -> f.completeExceptionally(new JunctionException("relay connection lost: " + reason)));
        connects.clear();
        if (wasLoggedIn) {
            events.disconnected(replacements.pending() ? "another client logged in to the relay with this identity and took its reservation" : reason);
        }
        if (!firstLogin.isDone() && failures >= 2 * relays.all().size() - 1) {
            firstLogin.completeExceptionally(new JunctionException(reason));
        }
        if (failures % 2 == 1 && relays.all().size() > 1) {
            relay = relays.after(relay);
        }
        if (movingTo != null) {
            relay = movingTo;
            movingTo = null;
        }
        if (!goingAwayHint.isEmpty()) {
            try {
                relay = RelayAddress.parse(goingAwayHint);
            } catch (WireFormatException e) {
                LOG.log(System.Logger.Level.WARNING, "ignoring malformed reconnect hint: {0}", goingAwayHint);
            }
            goingAwayHint = "";
        }
        long base = replacements.take() ? replacements.backoff().toMillis()
                : Math.min(BACKOFF_MAX.toMillis(), BACKOFF_MIN.toMillis() << Math.min(failures, 16));
        long delay = (long) (base * (1 - JITTER + 2 * JITTER * ThreadLocalRandom.current().nextDouble()));
        failures++;
        loop.schedule(this::open, delay, TimeUnit.MILLISECONDS);
    }

    /** A failure retrying cannot fix (refused login, wrong relay): stop and report it. */
    private void fatal(String reason) {
        LOG.log(System.Logger.Level.WARNING, reason);
        if (!firstLogin.isDone()) {
            firstLogin.completeExceptionally(new JunctionException(reason));
            state = State.CLOSED;
        }
    }

    /** The host's addresses are now {@code now}: a control connection whose local address is gone reconnects at once. */
    public void addressesChanged(java.util.Set<java.net.InetAddress> now) {
        InetSocketAddress control = localAddress();
        if (control != null && !control.getAddress().isLoopbackAddress() && !now.contains(control.getAddress())) {
            reconnectNow("local address " + control.getAddress().getHostAddress() + " is gone");
        }
    }

    /** Drops the control connection and reconnects at once (the network under it changed). */
    public void reconnectNow(String why) {
        loop.execute(() -> {
            if (channel != null && state != State.CLOSED) {
                LOG.log(System.Logger.Level.INFO, "reconnecting to the relay: {0}", why);
                failures = 0;
                channel.close();
            }
        });
    }

    /** The control connection's local address, or null when not connected. */
    public InetSocketAddress localAddress() {
        Channel ch = channel;
        return ch == null ? null : (InetSocketAddress) ch.localAddress();
    }

    public void close() {
        loop.execute(() -> {
            state = State.CLOSED;
            if (ticker != null) {
                ticker.cancel(false);
            }
            if (channel != null) {
                channel.close();
            }
            if (!firstLogin.isDone()) {
                firstLogin.completeExceptionally(new JunctionException("client closed"));
            }
        });
    }

    public static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }
}
