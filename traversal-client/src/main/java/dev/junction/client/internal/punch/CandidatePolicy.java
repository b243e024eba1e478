package dev.junction.client.internal.punch;

import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.identity.PeerId;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * Which of a peer's candidates this client may send to (PROTOCOL.md section 6.5, "Candidate
 * rules"). A peer names its candidates itself, so without rules it could aim this client's probes
 * and TCP connects at anyone (issue #13, finding 2):
 * <ul>
 *   <li>never unspecified, multicast, broadcast or reserved (0/8, 240/4) addresses;</li>
 *   <li>loopback only when the relay saw both peers on loopback (both tests on one host);</li>
 *   <li>link-local and private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) only as LAN
 *       candidates: inside a subnet of one of this host's interfaces (IPv6 link-local never: the
 *       wire has no zone);</li>
 *   <li>everything else (the documentation and shared ranges too: 203.0.113.0/24,
 *       198.51.100.0/24, 100.64.0.0/10, 2001:db8::/32) is an ordinary address, probed plainly;</li>
 *   <li>port prediction and TCP connects aim only at an IP the relay attested for the peer
 *       ({@link AddressAttestation}, checked against the relays this client trusts) or at a LAN
 *       candidate.</li>
 * </ul>
 */
public final class CandidatePolicy {
    /** One of this host's interface subnets. */
    record Subnet(byte[] network, int prefix) {
        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (b[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (b[full] & mask) == (network[full] & mask);
        }
    }

    /** What the relay attested of the peer (only statements that verified). */
    public record Attested(List<AddressAttestation> statements) {
        public static final Attested NONE = new Attested(List.of());

        public Attested {
            statements = List.copyOf(statements);
        }

        /** True when the relay saw the peer's traffic come from {@code ip} (either transport). */
        public boolean attestsIp(InetAddress ip) {
            return statements.stream().anyMatch(s -> s.address().getAddress().equals(ip));
        }

        /** True when the relay saw the peer on loopback. */
        public boolean loopback() {
            return statements.stream().anyMatch(s -> s.address().getAddress().isLoopbackAddress());
        }
    }

    enum Scope { UNUSABLE, LOOPBACK, LINK_LOCAL, PRIVATE, ORDINARY }

    /**
     * Interface subnets wider than these are not taken for a LAN (a misconfigured /0 would make
     * every private address "local").
     */
    static final int MIN_PREFIX_V4 = 8;
    static final int MIN_PREFIX_V6 = 16;

    private final PeerId peer;
    private final Set<PeerId> trustedRelays;
    private final List<Subnet> lan;
    private final boolean selfOnLoopback;

    /**
     * Rules for punching with {@code peer}: statements count only from {@code trustedRelays};
     * {@code lan} are this host's subnets; {@code selfOnLoopback} says the relay saw this client
     * on loopback.
     */
    CandidatePolicy(PeerId peer, Set<PeerId> trustedRelays, List<Subnet> lan, boolean selfOnLoopback) {
        this.peer = peer;
        this.trustedRelays = Set.copyOf(trustedRelays);
        this.lan = List.copyOf(lan);
        this.selfOnLoopback = selfOnLoopback;
    }

    /** Rules with this host's current interface subnets. */
    public static CandidatePolicy forHost(PeerId peer, Set<PeerId> trustedRelays, boolean selfOnLoopback) {
        return new CandidatePolicy(peer, trustedRelays, hostSubnets(), selfOnLoopback);
    }

    /** The statements among {@code claimed} that are about the peer, from a trusted relay, current and signed. */
    public Attested verify(List<AddressAttestation> claimed, Instant now) {
        List<AddressAttestation> ok = new ArrayList<>();
        for (AddressAttestation a : claimed) {
            if (a.validFor(peer, trustedRelays, now)) {
                ok.add(a);
            }
        }
        return new Attested(ok);
    }

    /** True when plain probes (a few per round) may go to {@code a}. */
    public boolean probeable(InetSocketAddress a, Attested attested) {
        InetAddress ip = a.getAddress();
        return switch (scope(ip)) {
            case UNUSABLE -> false;
            case LOOPBACK -> selfOnLoopback && attested.loopback();
            case LINK_LOCAL -> ip instanceof Inet4Address && onLan(ip);
            case PRIVATE -> onLan(ip);
            case ORDINARY -> true;
        };
    }

    /** True when port prediction or a TCP connect may aim at {@code a}: attested for the peer, or on this LAN. */
    public boolean aimable(InetSocketAddress a, Attested attested) {
        InetAddress ip = a.getAddress();
        return probeable(a, attested) && (attested.attestsIp(ip) || scope(ip) != Scope.LOOPBACK && onLan(ip));
    }

    boolean onLan(InetAddress ip) {
        return lan.stream().anyMatch(s -> s.contains(ip));
    }

    static Scope scope(InetAddress ip) {
        if (ip.isAnyLocalAddress() || ip.isMulticastAddress()) {
            return Scope.UNUSABLE;
        }
        byte[] b = ip.getAddress();
        if (ip instanceof Inet4Address && ((b[0] & 0xff) == 0 || (b[0] & 0xff) >= 240)) {
            return Scope.UNUSABLE; // "this network", reserved and the limited broadcast 255.255.255.255
        }
        if (ip.isLoopbackAddress()) {
            return Scope.LOOPBACK;
        }
        if (ip.isLinkLocalAddress()) {
            return Scope.LINK_LOCAL;
        }
        if (ip.isSiteLocalAddress() || ip instanceof Inet6Address && (b[0] & 0xfe) == 0xfc) {
            return Scope.PRIVATE;
        }
        return Scope.ORDINARY;
    }

    /** This host's interface subnets (loopback interfaces left out: loopback has its own rule). */
    static List<Subnet> hostSubnets() {
        List<Subnet> out = new ArrayList<>();
        try {
            for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!n.isUp() || n.isLoopback()) {
                    continue;
                }
                for (InterfaceAddress a : n.getInterfaceAddresses()) {
                    InetAddress ip = a.getAddress();
                    int max = ip.getAddress().length * 8;
                    int prefix = Math.min(max, a.getNetworkPrefixLength());
                    if (prefix >= (max == 32 ? MIN_PREFIX_V4 : MIN_PREFIX_V6)) {
                        out.add(new Subnet(ip.getAddress(), prefix));
                    }
                }
            }
        } catch (SocketException e) {
            // no LAN known: private candidates are left out
        }
        return out;
    }
}
