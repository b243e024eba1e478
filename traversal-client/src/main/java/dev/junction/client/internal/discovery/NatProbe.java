package dev.junction.client.internal.discovery;

import dev.junction.client.NatReport;
import dev.junction.client.NatReport.Behaviour;
import dev.junction.wire.stun.StunAttribute;
import dev.junction.wire.stun.StunMessage;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * RFC 5780 section 4 behaviour discovery over one socket's {@link StunClient}. Filtering is tested
 * before mapping, because the mapping tests send to the relay's second address and would open the
 * NAT's filter to it. Unanswered requests cost {@link StunClient}'s full retransmission schedule
 * (3 s); the two filtering tests run side by side, so a check ends within about 3.5 s.
 */
public final class NatProbe {
    /** How long a hairpinned request may take to come back. */
    static final long HAIRPIN_WAIT_MILLIS = 1000;

    private final StunClient stun;
    private final InetSocketAddress local;

    public NatProbe(StunClient stun, InetSocketAddress local) {
        this.stun = stun;
        this.local = local;
    }

    /** The parts of the report this probe measures over UDP; interfaces and TCP are the caller's. */
    public record Result(boolean udp, InetSocketAddress mapped, boolean behindNat, Behaviour mapping, Behaviour filtering,
                         Boolean hairpinning, boolean rfc5780, long rttMillis) {
    }

    public CompletableFuture<Result> run(InetSocketAddress server) {
        long t0 = System.nanoTime();
        return stun.request(StunMessage.bindingRequest(), server).handle((first, error) -> {
            if (error != null) {
                return CompletableFuture.completedFuture(new Result(false, null, false, Behaviour.UNKNOWN, Behaviour.UNKNOWN,
                        null, false, -1));
            }
            long rtt = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            InetSocketAddress mapped = mappedOf(first.message());
            InetSocketAddress other = first.message().attribute(StunAttribute.OtherAddress.class)
                    .map(StunAttribute.OtherAddress::address).orElse(null);
            // The first round trip pays for cold code paths on both ends; the report gives the best of three.
            CompletableFuture<Long> best = timed(server).thenCompose(a -> timed(server).thenApply(b -> Math.min(rtt, Math.min(a, b))));
            return afterFirst(server, mapped, other, rtt).thenCombine(best, (res, min) -> new Result(res.udp(), res.mapped(),
                    res.behindNat(), res.mapping(), res.filtering(), res.hairpinning(), res.rfc5780(), min));
        }).thenCompose(f -> f);
    }

    /** One plain binding round trip in milliseconds (Long.MAX_VALUE if unanswered). */
    private CompletableFuture<Long> timed(InetSocketAddress server) {
        long t = System.nanoTime();
        return stun.request(StunMessage.bindingRequest(), server)
                .handle((r, e) -> e == null ? TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t) : Long.MAX_VALUE);
    }

    private CompletableFuture<Result> afterFirst(InetSocketAddress server, InetSocketAddress mapped,
                                                 InetSocketAddress other, long rtt) {
        boolean natted = mapped != null && !sameEndpoint(mapped, local);
        CompletableFuture<Boolean> hairpin = natted ? hairpin(mapped) : CompletableFuture.completedFuture(null);
        if (other == null) {
            Behaviour mapping = natted ? Behaviour.UNKNOWN : Behaviour.NONE;
            return hairpin.thenApply(h -> new Result(true, mapped, natted, mapping, Behaviour.UNKNOWN, h, false, rtt));
        }
        CompletableFuture<Boolean> changeBoth = answered(server, new StunAttribute.ChangeRequest(true, true));
        CompletableFuture<Boolean> changePort = answered(server, new StunAttribute.ChangeRequest(false, true));
        CompletableFuture<Behaviour> filtering = changeBoth.thenCombine(changePort, (both, port) ->
                both ? (natted ? Behaviour.ENDPOINT_INDEPENDENT : Behaviour.NONE)
                        : port ? Behaviour.ADDRESS_DEPENDENT : Behaviour.ADDRESS_AND_PORT_DEPENDENT);
        // Mapping tests only once filtering is known: they open the filter to the second address.
        return filtering.thenCompose(f -> mapping(server, mapped, other, natted)
                .thenCombine(hairpin, (m, h) -> new Result(true, mapped, natted, m, f, h, true, rtt)));
    }

    private CompletableFuture<Behaviour> mapping(InetSocketAddress server, InetSocketAddress mapped,
                                                 InetSocketAddress other, boolean natted) {
        if (!natted) {
            return CompletableFuture.completedFuture(Behaviour.NONE);
        }
        InetSocketAddress otherIpSamePort = new InetSocketAddress(other.getAddress(), server.getPort());
        return mappedBy(otherIpSamePort).thenCompose(m2 -> {
            if (m2 == null) {
                return CompletableFuture.completedFuture(Behaviour.UNKNOWN);
            }
            if (m2.equals(mapped)) {
                return CompletableFuture.completedFuture(Behaviour.ENDPOINT_INDEPENDENT);
            }
            return mappedBy(other).thenApply(m3 -> m3 == null ? Behaviour.UNKNOWN
                    : m3.equals(m2) ? Behaviour.ADDRESS_DEPENDENT : Behaviour.ADDRESS_AND_PORT_DEPENDENT);
        });
    }

    private CompletableFuture<InetSocketAddress> mappedBy(InetSocketAddress server) {
        return stun.request(StunMessage.bindingRequest(), server).handle((r, e) -> e == null ? mappedOf(r.message()) : null);
    }

    private CompletableFuture<Boolean> answered(InetSocketAddress server, StunAttribute.ChangeRequest change) {
        return stun.request(StunMessage.bindingRequest(change), server).handle((r, e) -> e == null);
    }

    private CompletableFuture<Boolean> hairpin(InetSocketAddress mapped) {
        return stun.expectOwnRequest(StunMessage.bindingRequest(), mapped, HAIRPIN_WAIT_MILLIS);
    }

    static InetSocketAddress mappedOf(StunMessage m) {
        return m.attribute(StunAttribute.XorMappedAddress.class).map(StunAttribute.XorMappedAddress::address)
                .or(() -> m.attribute(StunAttribute.MappedAddress.class).map(StunAttribute.MappedAddress::address))
                .orElse(null);
    }

    /** Same port, and the same address unless the socket is bound to the wildcard address. */
    static boolean sameEndpoint(InetSocketAddress mapped, InetSocketAddress local) {
        if (mapped.getPort() != local.getPort()) {
            return false;
        }
        return local.getAddress().isAnyLocalAddress() ? isLocalAddress(mapped) : mapped.getAddress().equals(local.getAddress());
    }

    private static boolean isLocalAddress(InetSocketAddress a) {
        try {
            return a.getAddress().isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a.getAddress()) != null;
        } catch (java.net.SocketException e) {
            return false;
        }
    }
}
