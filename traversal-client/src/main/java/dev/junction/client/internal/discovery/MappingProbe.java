package dev.junction.client.internal.discovery;

import dev.junction.wire.session.NatHint;
import dev.junction.wire.stun.StunAttribute;
import dev.junction.wire.stun.StunMessage;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Tells whether the session socket's public mapping depends on the destination (RFC 5780 section
 * 4.3 in short): one Binding to the relay, one to the relay's other address (OTHER-ADDRESS). The
 * same mapped address both times means endpoint-independent mapping; different ones mean a
 * "symmetric" NAT, and their port difference is the NAT's step when it looks sequential. Without
 * an OTHER-ADDRESS (a relay run without an alternate address) the answer is UNKNOWN.
 */
public final class MappingProbe {
    private MappingProbe() {
    }

    public static CompletableFuture<NatHint> run(StunClient stun, InetSocketAddress relay) {
        return stun.request(StunMessage.bindingRequest(), relay).handle((first, e) -> {
            if (e != null) {
                return CompletableFuture.completedFuture(NatHint.UNKNOWN);
            }
            InetSocketAddress mapped = NatProbe.mappedOf(first.message());
            InetSocketAddress other = first.message().attribute(StunAttribute.OtherAddress.class)
                    .map(StunAttribute.OtherAddress::address).orElse(null);
            if (mapped == null || other == null) {
                return CompletableFuture.completedFuture(NatHint.UNKNOWN);
            }
            return stun.request(StunMessage.bindingRequest(), other).handle((second, e2) -> {
                InetSocketAddress m2 = e2 == null ? NatProbe.mappedOf(second.message()) : null;
                if (m2 == null) {
                    return NatHint.UNKNOWN;
                }
                if (m2.equals(mapped)) {
                    return new NatHint(NatHint.Mapping.INDEPENDENT, 0);
                }
                return new NatHint(NatHint.Mapping.DEPENDENT, m2.getPort() - mapped.getPort());
            });
        }).thenCompose(f -> f);
    }
}
