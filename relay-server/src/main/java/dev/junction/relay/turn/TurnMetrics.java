package dev.junction.relay.turn;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * TURN's meters (docs/OPERATIONS.md "TURN metrics"): allocations, permissions and channels held;
 * relayed bytes and datagrams by client transport and direction; authentication outcomes; drops by
 * reason. Every label value comes from an enum below: never a user name (a REST user name is unique
 * per session and would make a series per session).
 */
public final class TurnMetrics {
    /** The client's transport to the relay: the {@code transport} label. */
    public enum Transport {
        UDP,
        TCP,
        TLS
    }

    /** {@code to_peer}: from a client out of its relayed address; {@code from_peer}: the way back. */
    public enum Direction {
        TO_PEER,
        FROM_PEER
    }

    /** The {@code outcome} label of authentication. */
    public enum Auth {
        /** Credentials checked and good. */
        OK,
        /** No credentials: answered 401 with a realm and nonce (the first step of every login). */
        CHALLENGED,
        /** A nonce that expired or was not ours: answered 438 with a fresh one. */
        STALE_NONCE,
        /** A user name past its expiry, unknown, or a MESSAGE-INTEGRITY that does not verify: 401. */
        REFUSED,
        /** Credentials other than the ones the allocation was made with: 441. */
        WRONG_CREDENTIALS
    }

    /** Why a datagram or message was dropped: the {@code reason} label. */
    public enum Drop {
        /** From a peer the allocation has no permission for, or a Send to one. */
        NO_PERMISSION,
        /** ChannelData on a channel that is not bound. */
        NO_CHANNEL,
        /** For a client 5-tuple with no allocation. */
        NO_ALLOCATION,
        /** Over the allocation's bandwidth cap. */
        RATE_LIMITED,
        /** The client's TCP connection could not take more (its queue is full). */
        CLIENT_BACKLOG,
        /** Not a valid STUN or ChannelData message, or an indication TURN does not take. */
        MALFORMED,
        /** An unauthenticated UDP answer that would have been more than twice its request on the wire: not sent. */
        OVERSIZED_ANSWER
    }

    private final Counter[] bytes = new Counter[Transport.values().length * 2];
    private final Counter[] packets = new Counter[Transport.values().length * 2];
    private final Map<Auth, Counter> auth = new EnumMap<>(Auth.class);
    private final Map<Drop, Counter> drops = new EnumMap<>(Drop.class);
    private final Counter allocationsMade;
    private final Counter refusedPeers;
    private final MeterRegistry registry;

    public TurnMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Transport t : Transport.values()) {
            for (Direction d : Direction.values()) {
                int i = t.ordinal() * 2 + d.ordinal();
                bytes[i] = Counter.builder("junction.turn.relayed.bytes").baseUnit("bytes")
                        .description("Application bytes relayed for TURN allocations, by client transport and direction")
                        .tags("transport", label(t), "direction", label(d)).register(registry);
                packets[i] = Counter.builder("junction.turn.relayed.packets")
                        .description("Datagrams relayed for TURN allocations, by client transport and direction")
                        .tags("transport", label(t), "direction", label(d)).register(registry);
            }
        }
        for (Auth a : Auth.values()) {
            auth.put(a, Counter.builder("junction.turn.auth").description("TURN authentication outcomes")
                    .tag("outcome", label(a)).register(registry));
        }
        for (Drop d : Drop.values()) {
            drops.put(d, Counter.builder("junction.turn.drops").description("TURN datagrams and messages dropped, by reason")
                    .tag("reason", label(d)).register(registry));
        }
        allocationsMade = Counter.builder("junction.turn.allocations.made").description("TURN allocations made").register(registry);
        refusedPeers = Counter.builder("junction.turn.forbidden.peers")
                .description("Peer addresses refused (403) by the peer policy: loopback, private, the relay's own services...").register(registry);
    }

    /** Gauges of what the relay holds now. */
    public void gauges(Supplier<Number> allocations, Supplier<Number> permissions, Supplier<Number> channels) {
        Gauge.builder("junction.turn.allocations", allocations, n -> n.get().doubleValue())
                .description("TURN allocations held").strongReference(true).register(registry);
        Gauge.builder("junction.turn.permissions", permissions, n -> n.get().doubleValue())
                .description("TURN permissions installed, over all allocations").strongReference(true).register(registry);
        Gauge.builder("junction.turn.channels", channels, n -> n.get().doubleValue())
                .description("TURN channels bound, over all allocations").strongReference(true).register(registry);
    }

    void relayed(Transport transport, Direction direction, int length) {
        int i = transport.ordinal() * 2 + direction.ordinal();
        bytes[i].increment(length);
        packets[i].increment();
    }

    void auth(Auth outcome) {
        auth.get(outcome).increment();
    }

    void drop(Drop reason) {
        drops.get(reason).increment();
    }

    void allocated() {
        allocationsMade.increment();
    }

    void forbiddenPeer() {
        refusedPeers.increment();
    }

    private static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
