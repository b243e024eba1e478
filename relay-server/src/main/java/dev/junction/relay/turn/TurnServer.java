package dev.junction.relay.turn;

import dev.junction.relay.net.SourceKey;
import dev.junction.relay.stun.AmplificationBudget;
import dev.junction.relay.net.Transports;
import dev.junction.wire.Bytes;
import dev.junction.wire.stun.StunAttribute;
import dev.junction.wire.stun.StunAttributeType;
import dev.junction.wire.stun.StunClass;
import dev.junction.wire.stun.StunEncoder;
import dev.junction.wire.stun.StunMessage;
import dev.junction.wire.stun.StunMessageType;
import dev.junction.wire.stun.TurnAttribute;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TURN server (RFC 8656) on the relay's STUN ports: Allocate with UDP relayed transport, EVEN-PORT
 * and RESERVATION-TOKEN; Refresh; CreatePermission; ChannelBind; Send and Data indications;
 * ChannelData. The STUN handlers hand it every message that is not a Binding request, and every
 * ChannelData message, on the client's event loop; everything of one allocation happens there.
 */
public final class TurnServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("junction.relay.turn");
    /** Re-check an allocation's timers at least this often (expired permissions and channels go). */
    static final long TICK_NANOS = 30_000_000_000L;
    /** Ports tried when binding a relayed socket fails because another process holds the port. */
    static final int BIND_ATTEMPTS = 8;

    private final TurnOptions options;
    private final TurnAuth auth;
    private final TurnMetrics metrics;
    private final PeerPolicy policy;
    private final PortPool ports;
    private final Quotas quotas;
    private final ConcurrentHashMap<FiveTuple, Allocation> allocations = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<InetSocketAddress, Allocation> byRelayed = new ConcurrentHashMap<>();
    private final AtomicInteger permissions = new AtomicInteger();
    private final AtomicInteger channels = new AtomicInteger();
    private final TurnRelaying relaying;
    private volatile boolean closed;

    /**
     * @param open     admission is open: requests without credentials are served
     * @param services the relay's own listening endpoints, which no allocation may send to: a live set,
     *                 filled as the relay binds
     */
    public TurnServer(TurnOptions options, TurnSecrets secrets, boolean open, java.util.Set<InetSocketAddress> services, TurnMetrics metrics,
                      Clock clock) {
        this.options = options;
        this.metrics = metrics;
        this.auth = new TurnAuth(open, options.realm(), secrets, options.nonceLifetime(), options.maxCredentialLifetime(), clock, metrics);
        this.ports = new PortPool(options.portMin(), options.portMax());
        this.quotas = new Quotas(options.allocationsTotal(), options.allocationsPerUser(), options.allocationsPerSource());
        this.policy = new PeerPolicy(options.allowedPeers(), options.deniedPeers(), services, byRelayed::containsKey);
        this.relaying = new TurnRelaying(metrics);
        metrics.gauges(allocations::size, permissions::get, channels::get);
    }

    /** Allocations held now. */
    public int allocationCount() {
        return allocations.size();
    }

    /** A STUN message that is not a Binding request; {@code raw} holds its bytes (for MESSAGE-INTEGRITY). */
    public void onStun(StunMessage message, ByteBuf raw, ClientPath client) {
        if (message.messageClass() == StunClass.INDICATION && message.method() == StunMessageType.METHOD_SEND) {
            relaying.send(allocations.get(client.key()), message);
            return;
        }
        if (message.messageClass() != StunClass.REQUEST) {
            metrics.drop(TurnMetrics.Drop.MALFORMED);
            return;
        }
        switch (message.method()) {
            case StunMessageType.METHOD_ALLOCATE, StunMessageType.METHOD_REFRESH, StunMessageType.METHOD_CREATE_PERMISSION,
                 StunMessageType.METHOD_CHANNEL_BIND -> request(message, raw, client);
            default -> replyUnauthenticated(client, message, StunAttribute.ErrorCode.BAD_REQUEST, "Unknown method", List.of(),
                    raw.readableBytes());
        }
    }

    private void request(StunMessage request, ByteBuf raw, ClientPath client) {
        InetSocketAddress source = client.key().client();
        TurnAuth.Verdict verdict = auth.check(request, raw, source.getAddress());
        if (verdict instanceof TurnAuth.Refuse r) {
            List<StunAttribute> extra = r.challenge()
                    ? List.of(new StunAttribute.Realm(auth.realm()), new StunAttribute.Nonce(auth.nonce(source.getAddress())))
                    : List.of();
            replyUnauthenticated(client, request, r.code(), r.reason(), extra, raw.readableBytes());
            return;
        }
        TurnAuth.Pass pass = (TurnAuth.Pass) verdict;
        List<Integer> unknown = new ArrayList<>();
        for (StunAttribute a : request.attributes()) {
            if ((a instanceof StunAttribute.Unknown u && StunAttributeType.isComprehensionRequired(u.type()))
                    || a instanceof TurnAttribute.DontFragment) {
                // DONT-FRAGMENT: the relay cannot promise DF per datagram, and RFC 8656 section 7.2 says to refuse it so.
                unknown.add(a.type());
            }
        }
        if (!unknown.isEmpty()) {
            error(client, request, StunAttribute.ErrorCode.UNKNOWN_ATTRIBUTE, "Unknown Attribute", pass,
                    new StunAttribute.UnknownAttributes(unknown));
            return;
        }
        Allocation existing = allocations.get(client.key());
        // A new Allocate on a 5-tuple in use is 437 whoever sends it (RFC 8656 section 7.2, checked in allocate);
        // the allocation's other requests must come with its user name (section 5): 441.
        if (existing != null && request.method() != StunMessageType.METHOD_ALLOCATE && !sameUser(existing.username, pass.username())) {
            metrics.auth(TurnMetrics.Auth.WRONG_CREDENTIALS);
            error(client, request, StunAttribute.ErrorCode.WRONG_CREDENTIALS, "Wrong Credentials", pass);
            return;
        }
        switch (request.method()) {
            case StunMessageType.METHOD_ALLOCATE -> allocate(request, client, pass, existing);
            case StunMessageType.METHOD_REFRESH -> refresh(request, client, pass, existing);
            case StunMessageType.METHOD_CREATE_PERMISSION -> createPermission(request, client, pass, existing);
            default -> channelBind(request, client, pass, existing);
        }
    }

    private static boolean sameUser(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }

    // ---- Allocate (RFC 8656 section 7.2) ----

    private void allocate(StunMessage request, ClientPath client, TurnAuth.Pass pass, Allocation existing) {
        if (existing != null) {
            if (existing.allocateTransaction.equals(request.transactionId()) && existing.bound()) {
                reply(client, allocated(request, existing, existing.expiresAt - System.nanoTime(), null), pass.key(), pass.sha256());
            } else if (!existing.allocateTransaction.equals(request.transactionId())) {
                error(client, request, StunAttribute.ErrorCode.ALLOCATION_MISMATCH, "Allocation Mismatch", pass);
            } // else: a retransmission while the socket is being bound; the first answer is on its way
            return;
        }
        Optional<TurnAttribute.RequestedTransport> transport = request.attribute(TurnAttribute.RequestedTransport.class);
        if (transport.isEmpty()) {
            error(client, request, StunAttribute.ErrorCode.BAD_REQUEST, "REQUESTED-TRANSPORT is required", pass);
            return;
        }
        if (transport.get().protocol() != TurnAttribute.TRANSPORT_UDP) {
            error(client, request, StunAttribute.ErrorCode.UNSUPPORTED_TRANSPORT_PROTOCOL, "Unsupported Transport Protocol", pass);
            return;
        }
        Optional<TurnAttribute.ReservationToken> token = request.attribute(TurnAttribute.ReservationToken.class);
        Optional<TurnAttribute.EvenPort> even = request.attribute(TurnAttribute.EvenPort.class);
        Optional<TurnAttribute.RequestedAddressFamily> family = request.attribute(TurnAttribute.RequestedAddressFamily.class);
        if (token.isPresent() && (even.isPresent() || family.isPresent())) {
            error(client, request, StunAttribute.ErrorCode.BAD_REQUEST, "RESERVATION-TOKEN with EVEN-PORT or REQUESTED-ADDRESS-FAMILY", pass);
            return;
        }
        int served = options.relayedIp() instanceof Inet6Address ? TurnAttribute.FAMILY_IPV6 : TurnAttribute.FAMILY_IPV4;
        if (family.orElse(new TurnAttribute.RequestedAddressFamily(TurnAttribute.FAMILY_IPV4)).family() != served) {
            error(client, request, StunAttribute.ErrorCode.ADDRESS_FAMILY_NOT_SUPPORTED, "Address Family not Supported", pass);
            return;
        }
        String source = SourceKey.of(client.key().client().getAddress()).toString();
        Quotas.Refusal refusal = quotas.take(pass.username(), source);
        if (refusal != Quotas.Refusal.NONE) {
            error(client, request, refusal == Quotas.Refusal.QUOTA ? StunAttribute.ErrorCode.ALLOCATION_QUOTA_REACHED
                    : StunAttribute.ErrorCode.INSUFFICIENT_CAPACITY, refusal == Quotas.Refusal.QUOTA ? "Allocation Quota Reached"
                    : "Insufficient Capacity", pass);
            return;
        }
        long now = System.nanoTime();
        Allocation a = new Allocation(client.key(), client, pass.username(), source, request.transactionId(),
                new TokenBucket(options.bytesPerSecond(), now));
        a.integrityKey = pass.key();
        a.expiresAt = now + lifetimeNanos(request);
        allocations.put(client.key(), a);
        OptionalInt port = token.isPresent() ? ports.claim(token.get().token(), now)
                : ports.acquire(even.isPresent(), even.map(TurnAttribute.EvenPort::reserveNext).orElse(false), now);
        if (port.isEmpty()) {
            abandon(a);
            error(client, request, StunAttribute.ErrorCode.INSUFFICIENT_CAPACITY, "Insufficient Capacity", pass);
            return;
        }
        Bytes reserved = even.isPresent() && even.get().reserveNext() ? ports.reserve(port.getAsInt() + 1, now) : null;
        bind(a, request, pass, port.getAsInt(), reserved, even.isPresent() && token.isEmpty(), 1);
    }

    /** Binds the relayed socket on the client's event loop; answers once it is bound or has failed. */
    private void bind(Allocation a, StunMessage request, TurnAuth.Pass pass, int port, Bytes reserved, boolean even, int attempt) {
        ChannelFuture f = new Bootstrap().group(a.client.eventLoop()).channel(Transports.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, 1 << 20)
                .handler(new RelayedPeerHandler(this, a))
                .bind(new InetSocketAddress(options.relayedIp(), port));
        f.addListener(done -> {
            if (done.isSuccess() && !closed && allocations.get(a.key) == a) {
                a.relayed = f.channel();
                a.relayedAddress = new InetSocketAddress(options.relayedIp(), port);
                byRelayed.put(a.relayedAddress, a);
                metrics.allocated();
                reply(a.client, allocated(request, a, a.expiresAt - System.nanoTime(), reserved), pass.key(), pass.sha256());
                a.client.eventLoop().schedule(() -> tick(a), Math.min(TICK_NANOS, a.expiresAt - System.nanoTime()), TimeUnit.NANOSECONDS);
                return;
            }
            f.channel().close();
            ports.release(port);
            if (done.isSuccess() || closed || allocations.get(a.key) != a) {
                abandon(a); // deleted or the relay closed while binding
                return;
            }
            OptionalInt next = attempt < BIND_ATTEMPTS && reserved == null ? ports.acquire(even, false, System.nanoTime()) : OptionalInt.empty();
            if (next.isPresent()) {
                bind(a, request, pass, next.getAsInt(), null, even, attempt + 1);
            } else {
                LOG.log(System.Logger.Level.WARNING, "TURN: cannot bind a relayed socket on {0} port {1}: {2}",
                        options.relayedIp().getHostAddress(), String.valueOf(port), String.valueOf(done.cause()));
                abandon(a);
                error(a.client, request, StunAttribute.ErrorCode.INSUFFICIENT_CAPACITY, "Insufficient Capacity", pass);
            }
        });
    }

    private StunMessage allocated(StunMessage request, Allocation a, long remainingNanos, Bytes reserved) {
        List<StunAttribute> attrs = new ArrayList<>();
        attrs.add(new TurnAttribute.XorRelayedAddress(a.relayedAddress));
        attrs.add(new TurnAttribute.Lifetime(Math.max(0, TimeUnit.NANOSECONDS.toSeconds(remainingNanos))));
        if (reserved != null) {
            attrs.add(new TurnAttribute.ReservationToken(reserved));
        }
        attrs.add(new StunAttribute.XorMappedAddress(a.key.client()));
        return new StunMessage(StunClass.SUCCESS_RESPONSE, request.method(), request.transactionId(), attrs);
    }

    /** RFC 8656 sections 7.2 and 7.3: the requested lifetime, at least the default, at most the maximum. */
    private long lifetimeNanos(StunMessage request) {
        long asked = request.attribute(TurnAttribute.Lifetime.class).map(TurnAttribute.Lifetime::seconds)
                .orElse(TurnOptions.DEFAULT_LIFETIME.toSeconds());
        long seconds = Math.min(Math.max(asked, TurnOptions.DEFAULT_LIFETIME.toSeconds()), options.maxLifetime().toSeconds());
        return TimeUnit.SECONDS.toNanos(seconds);
    }

    // ---- Refresh (section 7.3) ----

    private void refresh(StunMessage request, ClientPath client, TurnAuth.Pass pass, Allocation a) {
        if (a == null || !a.bound()) {
            error(client, request, StunAttribute.ErrorCode.ALLOCATION_MISMATCH, "Allocation Mismatch", pass);
            return;
        }
        Optional<TurnAttribute.RequestedAddressFamily> family = request.attribute(TurnAttribute.RequestedAddressFamily.class);
        if (family.isPresent() && family.get().family() != familyOf(a.relayedAddress)) {
            error(client, request, StunAttribute.ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH, "Peer Address Family Mismatch", pass);
            return;
        }
        long asked = request.attribute(TurnAttribute.Lifetime.class).map(TurnAttribute.Lifetime::seconds).orElse(-1L);
        long lifetime;
        if (asked == 0) {
            free(a);
            lifetime = 0;
        } else {
            long nanos = lifetimeNanos(request);
            a.expiresAt = System.nanoTime() + nanos;
            lifetime = TimeUnit.NANOSECONDS.toSeconds(nanos);
        }
        reply(client, new StunMessage(StunClass.SUCCESS_RESPONSE, request.method(), request.transactionId(),
                List.of(new TurnAttribute.Lifetime(lifetime))), pass.key(), pass.sha256());
    }

    // ---- CreatePermission (section 9) and ChannelBind (section 12) ----

    private void createPermission(StunMessage request, ClientPath client, TurnAuth.Pass pass, Allocation a) {
        if (a == null || !a.bound()) {
            error(client, request, StunAttribute.ErrorCode.ALLOCATION_MISMATCH, "Allocation Mismatch", pass);
            return;
        }
        List<InetSocketAddress> peers = new ArrayList<>();
        for (StunAttribute attr : request.attributes()) {
            if (attr instanceof TurnAttribute.XorPeerAddress p) {
                peers.add(p.address());
            }
        }
        if (peers.isEmpty()) {
            error(client, request, StunAttribute.ErrorCode.BAD_REQUEST, "XOR-PEER-ADDRESS is required", pass);
            return;
        }
        if (!checkPeers(request, client, pass, a, peers)) {
            return;
        }
        long now = System.nanoTime();
        for (InetSocketAddress p : peers) {
            int before = a.permissionCount();
            if (!a.permit(p.getAddress(), now, options.permissionsPerAllocation())) {
                error(client, request, StunAttribute.ErrorCode.INSUFFICIENT_CAPACITY, "Insufficient Capacity: permission limit", pass);
                return;
            }
            permissions.addAndGet(a.permissionCount() - before);
        }
        reply(client, new StunMessage(StunClass.SUCCESS_RESPONSE, request.method(), request.transactionId(), List.of()),
                pass.key(), pass.sha256());
    }

    private void channelBind(StunMessage request, ClientPath client, TurnAuth.Pass pass, Allocation a) {
        if (a == null || !a.bound()) {
            error(client, request, StunAttribute.ErrorCode.ALLOCATION_MISMATCH, "Allocation Mismatch", pass);
            return;
        }
        Optional<TurnAttribute.ChannelNumber> number = request.attribute(TurnAttribute.ChannelNumber.class);
        Optional<TurnAttribute.XorPeerAddress> peer = request.attribute(TurnAttribute.XorPeerAddress.class);
        if (number.isEmpty() || !number.get().valid() || peer.isEmpty()) {
            error(client, request, StunAttribute.ErrorCode.BAD_REQUEST, "CHANNEL-NUMBER 0x4000-0x7FFF and XOR-PEER-ADDRESS are required",
                    pass);
            return;
        }
        if (!checkPeers(request, client, pass, a, List.of(peer.get().address()))) {
            return;
        }
        long now = System.nanoTime();
        int channelsBefore = a.channelCount();
        int permissionsBefore = a.permissionCount();
        InetSocketAddress peerAt = peer.get().address();
        boolean permissionRoom = a.permitted(peerAt.getAddress(), now) || a.permissionCount() < options.permissionsPerAllocation();
        Allocation.BindResult result = permissionRoom ? a.bind(number.get().number(), peerAt, now, options.channelsPerAllocation())
                : Allocation.BindResult.FULL;
        if (result == Allocation.BindResult.CONFLICT) {
            error(client, request, StunAttribute.ErrorCode.BAD_REQUEST, "Channel number or peer already bound otherwise", pass);
            return;
        }
        if (result == Allocation.BindResult.FULL || !a.permit(peerAt.getAddress(), now, options.permissionsPerAllocation())) {
            error(client, request, StunAttribute.ErrorCode.INSUFFICIENT_CAPACITY, "Insufficient Capacity: channel or permission limit",
                    pass);
            return;
        }
        channels.addAndGet(a.channelCount() - channelsBefore);
        permissions.addAndGet(a.permissionCount() - permissionsBefore);
        reply(client, new StunMessage(StunClass.SUCCESS_RESPONSE, request.method(), request.transactionId(), List.of()),
                pass.key(), pass.sha256());
    }

    /** Family and policy of each peer; answers the error (443, 403) and returns false on the first refused. */
    private boolean checkPeers(StunMessage request, ClientPath client, TurnAuth.Pass pass, Allocation a, List<InetSocketAddress> peers) {
        for (InetSocketAddress p : peers) {
            if (familyOf(p) != familyOf(a.relayedAddress)) {
                error(client, request, StunAttribute.ErrorCode.PEER_ADDRESS_FAMILY_MISMATCH, "Peer Address Family Mismatch", pass);
                return false;
            }
            if (!policy.permits(p)) {
                metrics.forbiddenPeer();
                error(client, request, StunAttribute.ErrorCode.FORBIDDEN, "Forbidden: the relay does not send to that address", pass);
                return false;
            }
        }
        return true;
    }

    private static int familyOf(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address ? TurnAttribute.FAMILY_IPV6 : TurnAttribute.FAMILY_IPV4;
    }

    /** A ChannelData message from a client: the whole datagram, or one frame of a stream with its padding. */
    public void onChannelData(ByteBuf message, ClientPath client) {
        relaying.channelData(allocations.get(client.key()), message);
    }

    // ---- Lifetimes ----

    private void tick(Allocation a) {
        if (a.freed) {
            return;
        }
        long now = System.nanoTime();
        if (now - a.expiresAt >= 0) {
            free(a);
            return;
        }
        int[] gone = a.sweep(now);
        permissions.addAndGet(-gone[0]);
        channels.addAndGet(-gone[1]);
        a.client.eventLoop().schedule(() -> tick(a), Math.min(TICK_NANOS, a.expiresAt - now), TimeUnit.NANOSECONDS);
    }

    /** True when {@code client} holds an allocation. */
    public boolean holds(ClientPath client) {
        return allocations.containsKey(client.key());
    }

    /** The client's TCP or TLS connection closed: its allocation goes with it (RFC 8656 section 7). */
    public void connectionClosed(ClientPath client) {
        Allocation a = allocations.get(client.key());
        if (a != null) {
            if (a.bound()) {
                free(a);
            } else {
                abandon(a); // the bind's listener sees it gone and releases the port
            }
        }
    }

    private void free(Allocation a) {
        if (a.freed) {
            return;
        }
        a.freed = true;
        allocations.remove(a.key, a);
        permissions.addAndGet(-a.permissionCount());
        channels.addAndGet(-a.channelCount());
        if (a.relayed != null) {
            byRelayed.remove(a.relayedAddress, a);
            a.relayed.close();
            ports.release(a.relayedAddress.getPort());
        }
        quotas.give(a.username, a.sourceKey);
    }

    /** An allocation that never got its socket: counted back, nothing else to undo. */
    private void abandon(Allocation a) {
        if (a.freed) {
            return;
        }
        a.freed = true;
        allocations.remove(a.key, a);
        quotas.give(a.username, a.sourceKey);
    }

    @Override
    public void close() {
        closed = true;
        for (Allocation a : allocations.values()) {
            a.client.eventLoop().execute(() -> free(a));
        }
    }

    // ---- Answers ----

    private void error(ClientPath client, StunMessage request, int code, String reason, TurnAuth.Pass pass, StunAttribute... extra) {
        reply(client, errorMessage(request, code, reason, List.of(extra)), pass == null ? null : pass.key(), pass != null && pass.sha256());
    }

    private static StunMessage errorMessage(StunMessage request, int code, String reason, List<StunAttribute> extra) {
        List<StunAttribute> attrs = new ArrayList<>();
        attrs.add(new StunAttribute.ErrorCode(code, reason));
        attrs.addAll(extra);
        return new StunMessage(StunClass.ERROR_RESPONSE, request.method(), request.transactionId(), attrs);
    }

    /**
     * An error answer to a request nobody authenticated. Over UDP it is at most twice its request on
     * the wire (as every unauthenticated STUN answer of the relay): the reason phrase goes first, then
     * FINGERPRINT; if it still does not fit it is not sent (a request that small is no real client's).
     */
    private void replyUnauthenticated(ClientPath client, StunMessage request, int code, String reason, List<StunAttribute> extra,
                                      int requestBytes) {
        int budget = client.stream() ? Integer.MAX_VALUE
                : AmplificationBudget.maxAnswerBytes(requestBytes, client.key().client().getAddress());
        for (String r : new String[] {reason, ""}) {
            for (StunEncoder encoder : new StunEncoder[] {StunEncoder.FINGERPRINT, StunEncoder.PLAIN}) {
                ByteBuf out = ByteBufAllocator.DEFAULT.ioBuffer(128);
                encoder.encode(errorMessage(request, code, r, extra), out);
                if (out.readableBytes() <= budget) {
                    client.send(out);
                    client.flush();
                    return;
                }
                out.release();
            }
        }
        metrics.drop(TurnMetrics.Drop.OVERSIZED_ANSWER);
    }

    /** Sends {@code message} with MESSAGE-INTEGRITY(-SHA256) under {@code key} when there is one, and FINGERPRINT. */
    private static void reply(ClientPath client, StunMessage message, byte[] key, boolean sha256) {
        StunEncoder encoder = key == null ? StunEncoder.FINGERPRINT
                : sha256 ? StunEncoder.FINGERPRINT.withIntegritySha256(key) : StunEncoder.FINGERPRINT.withIntegrity(key);
        ByteBuf out = ByteBufAllocator.DEFAULT.ioBuffer(128);
        encoder.encode(message, out);
        client.send(out);
        client.flush();
    }

    /** A datagram from {@code peer} on {@code a}'s relayed socket. */
    void fromPeer(Allocation a, InetSocketAddress peer, ByteBuf payload) {
        relaying.fromPeer(a, peer, payload);
    }

    /** For the relayed socket's handler: flushes what it wrote towards {@code a}'s client. */
    void flush(Allocation a) {
        a.client.flush();
    }
}
