package dev.junction.relay.turn;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which peers an allocation may send to (RFC 8656 section 21.2.3; the CVE-2020-26262 class of
 * attacks that use a TURN server to reach what sits behind it). Refused unless the operator allows
 * them ({@code turn.allowed-peer-ips}): unspecified, loopback, link-local, private (RFC 1918, RFC 6598
 * shared space, IPv6 ULA), multicast, broadcast, reserved, IPv4-mapped and -compatible IPv6, NAT64,
 * and anything in {@code turn.denied-peer-ips}. The relay's own service endpoints (STUN, control,
 * admin, TURN-TLS) are refused whatever the lists say; its relayed addresses stay reachable, since two
 * clients of one TURN server with a relay-only policy reach each other exactly that way.
 */
public final class PeerPolicy {
    /** An address block, {@code a.b.c.d/n} or {@code x::/n}. */
    public record Cidr(byte[] prefix, int bits) {
        public static Cidr parse(String s) {
            int slash = s.indexOf('/');
            String ip = slash < 0 ? s : s.substring(0, slash);
            if (!ip.matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException("'" + s + "' is not an address block such as 192.0.2.0/24 or 2001:db8::/32");
            }
            try {
                byte[] raw = InetAddress.getByName(ip).getAddress();
                if (raw.length == 4 && ip.contains(":")) {
                    // Java turns ::ffff:a.b.c.d into an IPv4 address; the block means the 16-byte form.
                    byte[] mapped = new byte[16];
                    mapped[10] = (byte) 0xFF;
                    mapped[11] = (byte) 0xFF;
                    System.arraycopy(raw, 0, mapped, 12, 4);
                    raw = mapped;
                }
                int bits = slash < 0 ? raw.length * 8 : Integer.parseInt(s.substring(slash + 1));
                if (bits < 0 || bits > raw.length * 8) {
                    throw new IllegalArgumentException("'" + s + "': prefix length out of range");
                }
                return new Cidr(raw, bits);
            } catch (java.net.UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("'" + s + "' is not an address block such as 192.0.2.0/24 or 2001:db8::/32");
            }
        }

        public boolean contains(InetAddress address) {
            byte[] raw = address.getAddress();
            if (raw.length != prefix.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (raw[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            return rest == 0 || ((raw[full] ^ prefix[full]) & (0xFF << (8 - rest)) & 0xFF) == 0;
        }
    }

    /** Blocks refused by default besides what InetAddress classifies (loopback, link-local, ...). */
    static final List<Cidr> REFUSED = List.of("0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.0.0.0/24",
            "192.168.0.0/16", "198.18.0.0/15", "240.0.0.0/4", "::/96", "::ffff:0:0/96", "64:ff9b::/96", "64:ff9b:1::/48",
            "fc00::/7", "fec0::/10").stream().map(Cidr::parse).toList();

    private final List<Cidr> allowed;
    private final List<Cidr> denied;
    private final Set<InetSocketAddress> services;
    private final Predicate<InetSocketAddress> relayedHere;

    /**
     * @param allowed     blocks allowed although refused by default (a lab, an internal deployment)
     * @param denied      blocks refused besides the defaults
     * @param services    the relay's own listening endpoints, a live set the relay fills as it binds; with a
     *                    wildcard IP, the port on any address
     * @param relayedHere true for this relay's relayed transport addresses in use
     */
    public PeerPolicy(List<Cidr> allowed, List<Cidr> denied, Set<InetSocketAddress> services, Predicate<InetSocketAddress> relayedHere) {
        this.allowed = List.copyOf(allowed);
        this.denied = List.copyOf(denied);
        this.services = services;
        this.relayedHere = relayedHere;
    }

    /** True when an allocation may send to {@code peer}. */
    public boolean permits(InetSocketAddress peer) {
        InetAddress ip = peer.getAddress();
        if (ip == null || peer.getPort() == 0) {
            return false;
        }
        if (isService(peer)) {
            return false;
        }
        if (relayedHere.test(peer)) {
            return true;
        }
        for (Cidr c : denied) {
            if (c.contains(ip)) {
                return false;
            }
        }
        for (Cidr c : allowed) {
            if (c.contains(ip)) {
                return true;
            }
        }
        return !refusedByDefault(ip);
    }

    private boolean isService(InetSocketAddress peer) {
        for (InetSocketAddress s : services) {
            if (s.getPort() == peer.getPort() && (s.getAddress().isAnyLocalAddress() || s.getAddress().equals(peer.getAddress()))) {
                return true;
            }
        }
        return false;
    }

    static boolean refusedByDefault(InetAddress ip) {
        if (ip.isAnyLocalAddress() || ip.isLoopbackAddress() || ip.isLinkLocalAddress() || ip.isSiteLocalAddress()
                || ip.isMulticastAddress()) {
            return true;
        }
        if (ip instanceof Inet4Address && ip.getAddress()[0] == (byte) 255) {
            return true; // 255.0.0.0/8 holds the limited broadcast address; all of it is reserved
        }
        if (ip instanceof Inet6Address v6 && v6.isIPv4CompatibleAddress()) {
            return true;
        }
        for (Cidr c : REFUSED) {
            if (c.contains(ip)) {
                return true;
            }
        }
        return false;
    }
}
