package dev.junction.client.internal.punch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which candidates a peer may make this client send to (issue #13, finding 2). */
class CandidatePolicyTest {
    static final Identity RELAY = Identity.generate();
    static final PeerId PEER = Identity.generate().peerId();
    /** This host: 192.168.1.20/24 and 169.254.7.1/16. */
    static final List<CandidatePolicy.Subnet> LAN = List.of(
            new CandidatePolicy.Subnet(ip("192.168.1.20").getAddress(), 24),
            new CandidatePolicy.Subnet(ip("169.254.7.1").getAddress(), 16));

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static InetSocketAddress at(String s, int port) {
        return new InetSocketAddress(ip(s), port);
    }

    static CandidatePolicy.Attested attested(CandidatePolicy policy, String... ips) {
        List<AddressAttestation> st = java.util.Arrays.stream(ips)
                .map(i -> AddressAttestation.sign(RELAY, PEER, AddressAttestation.Transport.UDP, at(i, 40000), Instant.now())).toList();
        return policy.verify(st, Instant.now());
    }

    @Test
    void neverUnspecifiedMulticastBroadcastOrReserved() {
        CandidatePolicy p = new CandidatePolicy(PEER, Set.of(RELAY.peerId()), LAN, true);
        CandidatePolicy.Attested a = attested(p, "127.0.0.1");
        for (String bad : List.of("0.0.0.0", "0.1.2.3", "224.0.0.251", "239.255.255.250", "255.255.255.255", "240.0.0.1", "::", "ff02::1")) {
            assertThat(p.probeable(at(bad, 4000), a)).as(bad).isFalse();
            assertThat(p.aimable(at(bad, 4000), a)).as(bad).isFalse();
        }
    }

    @Test
    void loopbackOnlyWhenTheRelaySawBothPeersOnLoopback() {
        CandidatePolicy meOnLoopback = new CandidatePolicy(PEER, Set.of(RELAY.peerId()), LAN, true);
        CandidatePolicy meOutside = new CandidatePolicy(PEER, Set.of(RELAY.peerId()), LAN, false);
        assertThat(meOnLoopback.probeable(at("127.0.0.1", 6379), attested(meOnLoopback, "127.0.0.1"))).isTrue();
        assertThat(meOnLoopback.probeable(at("127.0.0.1", 6379), attested(meOnLoopback, "203.0.113.9"))).as("peer not on loopback").isFalse();
        assertThat(meOnLoopback.probeable(at("127.0.0.1", 6379), CandidatePolicy.Attested.NONE)).as("nothing attested").isFalse();
        assertThat(meOutside.probeable(at("127.0.0.1", 6379), attested(meOutside, "127.0.0.1"))).as("this side not on loopback").isFalse();
        assertThat(meOnLoopback.probeable(at("::1", 6379), attested(meOnLoopback, "127.0.0.1"))).isTrue();
    }

    @Test
    void privateAndLinkLocalOnlyOnThisLan() {
        CandidatePolicy p = new CandidatePolicy(PEER, Set.of(RELAY.peerId()), LAN, false);
        CandidatePolicy.Attested none = CandidatePolicy.Attested.NONE;
        assertThat(p.probeable(at("192.168.1.77", 4000), none)).isTrue();
        assertThat(p.aimable(at("192.168.1.77", 4000), none)).as("a LAN candidate may be aimed at").isTrue();
        assertThat(p.probeable(at("192.168.2.77", 4000), none)).as("another 192.168 network").isFalse();
        assertThat(p.probeable(at("10.0.0.5", 22), none)).isFalse();
        assertThat(p.probeable(at("172.16.0.5", 22), none)).isFalse();
        assertThat(p.probeable(at("fd00::5", 22), none)).isFalse();
        assertThat(p.probeable(at("169.254.99.1", 4000), none)).isTrue();
        assertThat(p.probeable(at("fe80::1", 4000), none)).as("no zone on the wire").isFalse();
        CandidatePolicy noLan = new CandidatePolicy(PEER, Set.of(RELAY.peerId()), List.of(), false);
        assertThat(noLan.probeable(at("169.254.99.1", 4000), none)).isFalse();
    }

    @Test
    void documentationAndSharedRangesAreOrdinaryButAimedAtOnlyWhenAttested() {
        CandidatePolicy p = new CandidatePolicy(PEER, Set.of(RELAY.peerId()), LAN, false);
        CandidatePolicy.Attested a = attested(p, "203.0.113.7");
        for (String ordinary : List.of("203.0.113.50", "198.51.100.9", "100.64.3.2", "100.127.255.1", "2001:db8::5", "8.8.8.8")) {
            assertThat(p.probeable(at(ordinary, 4000), a)).as(ordinary).isTrue();
            assertThat(p.aimable(at(ordinary, 4000), a)).as(ordinary + " is not attested").isFalse();
        }
        assertThat(p.aimable(at("203.0.113.7", 22), a)).as("the peer's attested IP, any port").isTrue();
    }

    @Test
    void statementsCountOnlyFromATrustedRelayAboutThePeer() {
        CandidatePolicy p = new CandidatePolicy(PEER, Set.of(RELAY.peerId()), LAN, false);
        Identity other = Identity.generate();
        AddressAttestation untrusted = AddressAttestation.sign(other, PEER, AddressAttestation.Transport.UDP, at("198.51.100.1", 1), Instant.now());
        AddressAttestation aboutSomeoneElse = AddressAttestation.sign(RELAY, other.peerId(), AddressAttestation.Transport.UDP,
                at("198.51.100.2", 1), Instant.now());
        CandidatePolicy.Attested a = p.verify(List.of(untrusted, aboutSomeoneElse), Instant.now());
        assertThat(a.statements()).isEmpty();
        assertThat(p.aimable(at("198.51.100.1", 1), a)).isFalse();
    }
}
