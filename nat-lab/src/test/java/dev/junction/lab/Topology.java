package dev.junction.lab;

import java.io.IOException;
import java.util.Locale;

/**
 * The lab network: an "internet" namespace whose bridge joins 203.0.113.0/24, a relay host
 * with two addresses there (203.0.113.10 and .11), and sites: a router namespace with a public
 * address and a host namespace on 100.64.N.0/24 behind it, NATed as the site's {@link Kind} says.
 * Each site's access link adds {@link DelayLine#delayMs()} ms each way (and
 * {@link DelayLine#lossPercent()} loss), by a {@link DelayLine} in its router (a public host, which
 * has none, delays what it receives by both ways' worth), so round trips look like the real world: a
 * host's RTT to the relay is twice the one-way delay, to a host of another site four times.
 */
final class Topology {
    /** What stands between a site's host and the internet. */
    enum Kind {
        /** No NAT: the host itself has a public address. */
        PUBLIC,
        /** nftables masquerade: endpoint-independent mapping, address-and-port-dependent filtering. */
        EIM,
        /** masquerade random: a new port per destination (endpoint-dependent, "symmetric"). */
        SYM,
        /** 1:1 snat+dnat: endpoint-independent mapping and filtering. */
        FULLCONE,
        /** Carrier-grade NAT: an eim home router behind an eim carrier router (two masquerades). */
        CGNAT,
        /** EIM with every UDP packet dropped in the router's forward chain. */
        UDPBLOCK;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One site: where its host is and the address it shows the internet; {@code hostIp6}, when the
     * site has IPv6, is the host's own global address in the site's routed /64 (no NAT: the router's
     * stateful firewall lets in only what answers the host's own traffic). An IPv6-only site has no
     * IPv4: its kind, host IP and public IP are null.
     */
    record Site(String name, Kind kind, String host, String hostIp, String publicIp, String hostIp6) {
        Site(String name, Kind kind, String host, String hostIp, String publicIp) {
            this(name, kind, host, hostIp, publicIp, null);
        }

        Site withIpv6(String ip6) {
            return new Site(name, kind, host, hostIp, publicIp, ip6);
        }
    }

    static final String RELAY_IP = "203.0.113.10";
    static final String RELAY_ALT_IP = "203.0.113.11";
    /** The internet's IPv6 prefix (a /64 on the bridge) and the relay's two addresses there. */
    static final String NET6 = "2001:db8:ffff::";
    static final String RELAY_IP6 = NET6 + "10";
    static final String RELAY_ALT_IP6 = NET6 + "11";
    /**
     * The stateful firewall of an IPv6 home router (RFC 6092's recommendation, what OpenWrt and
     * every CPE do): traffic from the LAN goes out, what answers it comes back, anything new from
     * the internet is dropped.
     */
    static final String FIREWALL6 = "add table ip6 fw6; add chain ip6 fw6 inbound { type filter hook forward priority filter; policy accept; };"
            + " add rule ip6 fw6 inbound iifname \"wan\" ct state established,related accept;"
            + " add rule ip6 fw6 inbound iifname \"wan\" drop";

    private final Lab lab;
    private final String internet;
    private final String relay;
    private int sites;
    /** Namespaces on the bridge that speak IPv6 (the relay, IPv6 routers): each routes to every site's /64. */
    private final java.util.List<String> v6Members = new java.util.ArrayList<>();
    /** Every routed site /64 so far and the router address it is reached through: {prefix/64, via}. */
    private final java.util.List<String[]> v6Routes = new java.util.ArrayList<>();
    private final int delayMs = DelayLine.delayMs();
    private final double lossPercent = DelayLine.lossPercent();

    private Topology(Lab lab, String internet, String relay) {
        this.lab = lab;
        this.internet = internet;
        this.relay = relay;
    }

    static Topology create(Lab lab) throws IOException, InterruptedException {
        String internet = lab.namespace("net");
        lab.inNs(internet, "ip", "link", "add", "br0", "type", "bridge");
        lab.up(internet, "br0");
        String relay = lab.namespace("relay");
        Topology t = new Topology(lab, internet, relay);
        t.attach(relay, "eth0", "relay");
        lab.inNs(relay, "ip", "addr", "add", RELAY_IP + "/24", "dev", "eth0");
        lab.inNs(relay, "ip", "addr", "add", RELAY_ALT_IP + "/24", "dev", "eth0");
        // IPv6 beside IPv4 (nodad: usable at once, no duplicate address detection wait).
        lab.inNs(relay, "ip", "-6", "addr", "add", RELAY_IP6 + "/64", "dev", "eth0", "nodad");
        lab.inNs(relay, "ip", "-6", "addr", "add", RELAY_ALT_IP6 + "/64", "dev", "eth0", "nodad");
        t.v6Members.add(relay);
        return t;
    }

    String relayNs() {
        return relay;
    }

    /** A veth from {@code ns}/{@code ifName} to the internet bridge. */
    private void attach(String ns, String ifName, String tag) throws IOException, InterruptedException {
        String port = "p" + tag;
        lab.link(ns, ifName, internet, port);
        lab.inNs(internet, "ip", "link", "set", port, "master", "br0");
        lab.up(internet, port);
        lab.up(ns, ifName);
    }

    /** Adds a site; its host's default route leads through its router to the internet. */
    Site site(String name, Kind kind) throws IOException, InterruptedException {
        int n = ++sites;
        String publicIp = "203.0.113." + (100 + n);
        String host = lab.namespace(name + "h");
        if (kind == Kind.PUBLIC) {
            attach(host, "eth0", name);
            lab.inNs(host, "ip", "addr", "add", publicIp + "/24", "dev", "eth0");
            if (delaying()) {
                // Both ways' delay on receive (see DelayLine.onHostReceive): the same round trips as a routed site.
                DelayLine.onHostReceive(lab, host, "eth0", 2 * delayMs, Math.min(100, 2 * lossPercent), n);
            }
            return new Site(name, kind, host, publicIp, publicIp);
        }
        String router = lab.namespace(name + "r");
        attach(router, "wan", name);
        lab.inNs(router, "ip", "addr", "add", publicIp + "/24", "dev", "wan");
        if (kind == Kind.CGNAT) {
            return cgnat(name, n, router, host, publicIp);
        }
        String lanNet = "100.64." + n;
        downstream(router, "lan", host, "eth0", lanNet);
        nat(router, kind, publicIp, lanNet + ".2");
        delay(router, n);
        return new Site(name, kind, host, lanNet + ".2", publicIp);
    }

    /**
     * A dual-stack site: IPv4 behind a NAT of {@code kind}, as {@link #site}, and IPv6 from a routed
     * /64 (2001:db8:N::/64, the host ::2, the router ::1) behind the router's stateful firewall.
     */
    Site dualStack(String name, Kind kind) throws IOException, InterruptedException {
        Site s = site(name, kind);
        int n = Integer.parseInt(s.publicIp().substring(s.publicIp().lastIndexOf('.') + 1)) - 100;
        return s.withIpv6(ipv6(routerOf(s), s.host(), n, false));
    }

    /** A site with IPv6 only: no IPv4 address on the host or its router, a routed /64 behind the stateful firewall. */
    Site ipv6Only(String name) throws IOException, InterruptedException {
        int n = ++sites;
        String host = lab.namespace(name + "h");
        String router = lab.namespace(name + "r");
        attach(router, "wan", name);
        lab.link(router, "lan", host, "eth0");
        lab.up(router, "lan");
        lab.up(host, "eth0");
        return new Site(name, null, host, null, null, ipv6(router, host, n, true));
    }

    /**
     * Gives site {@code n}'s router and host IPv6: the router's WAN address on the internet's
     * prefix, the site's /64 on its LAN, a route to it in every IPv6 namespace of the bridge (and
     * theirs in the router), the stateful firewall, and the delay line for IPv6 too. Returns the
     * host's address.
     */
    private String ipv6(String router, String host, int n, boolean startDelay) throws IOException, InterruptedException {
        String wan6 = NET6 + "1:" + Integer.toHexString(n);
        String prefix = "2001:db8:" + Integer.toHexString(n) + "::";
        lab.inNs(router, "sysctl", "-q", "-w", "net.ipv6.conf.all.forwarding=1");
        lab.inNs(router, "ip", "-6", "addr", "add", wan6 + "/64", "dev", "wan", "nodad");
        lab.inNs(router, "ip", "-6", "addr", "add", prefix + "1/64", "dev", "lan", "nodad");
        lab.inNs(host, "ip", "-6", "addr", "add", prefix + "2/64", "dev", "eth0", "nodad");
        lab.inNs(host, "ip", "-6", "route", "add", "default", "via", prefix + "1");
        lab.inNs(router, "nft", FIREWALL6);
        routeIpv6(router, prefix + "/64", wan6);
        if (delaying()) {
            if (startDelay) {
                delay(router, n);
            }
            lab.inNs(router, "ip6tables", "-A", "FORWARD", "-j", "NFQUEUE", "--queue-num", "0");
        }
        return prefix + "2";
    }

    /** Routes {@code prefix} via {@code via} from every IPv6 namespace of the bridge, and gives {@code router} theirs. */
    private void routeIpv6(String router, String prefix, String via) throws IOException, InterruptedException {
        for (String member : v6Members) {
            lab.inNs(member, "ip", "-6", "route", "add", prefix, "via", via);
        }
        for (String[] r : v6Routes) {
            lab.inNs(router, "ip", "-6", "route", "add", r[0], "via", r[1]);
        }
        v6Members.add(router);
        v6Routes.add(new String[] {prefix, via});
    }

    /**
     * The site's IPv6 prefix changes (the ISP renumbers it, or the host moves to another network
     * of the same router): the router gains a second /64 and the host's address moves there, the
     * old one deleted. Returns the site with its new address.
     */
    Site renumberIpv6(Site s) throws IOException, InterruptedException {
        String router = routerOf(s);
        int n = Integer.parseInt(s.hostIp6().split(":")[2], 16);
        String prefix = "2001:db8:" + Integer.toHexString(n + 0x100) + "::";
        String via = v6Routes.stream().filter(r -> r[0].startsWith("2001:db8:" + Integer.toHexString(n) + "::")).findFirst().orElseThrow()[1];
        lab.inNs(router, "ip", "-6", "addr", "add", prefix + "1/64", "dev", "lan", "nodad");
        for (String member : v6Members) {
            if (!member.equals(router)) {
                lab.inNs(member, "ip", "-6", "route", "add", prefix + "/64", "via", via);
            }
        }
        v6Routes.add(new String[] {prefix + "/64", via});
        lab.inNs(s.host(), "ip", "-6", "addr", "add", prefix + "2/64", "dev", "eth0", "nodad");
        lab.inNs(s.host(), "ip", "-6", "route", "replace", "default", "via", prefix + "1");
        lab.inNs(s.host(), "ip", "-6", "addr", "del", s.hostIp6() + "/64", "dev", "eth0");
        return s.withIpv6(prefix + "2");
    }

    /**
     * A host with two uplinks, each through its own eim router (as a laptop on Wi-Fi and cellular,
     * or a server with two ISPs): eth0 via the first (preferred, metric 10), eth1 via the second
     * (metric 20). The site's addresses are those of the first uplink; {@code second} has the other.
     */
    Site dualHomed(String name) throws IOException, InterruptedException {
        int a = ++sites;
        int b = ++sites;
        String host = lab.namespace(name + "h");
        String[] routers = {lab.namespace(name + "a"), lab.namespace(name + "b")};
        int[] n = {a, b};
        for (int i = 0; i < 2; i++) {
            String lanNet = "100.64." + n[i];
            attach(routers[i], "wan", name + (char) ('a' + i));
            lab.inNs(routers[i], "ip", "addr", "add", "203.0.113." + (100 + n[i]) + "/24", "dev", "wan");
            lab.link(routers[i], "lan", host, "eth" + i);
            lab.inNs(routers[i], "ip", "addr", "add", lanNet + ".1/24", "dev", "lan");
            lab.inNs(host, "ip", "addr", "add", lanNet + ".2/24", "dev", "eth" + i);
            lab.up(routers[i], "lan");
            lab.up(host, "eth" + i);
            lab.inNs(host, "ip", "route", "add", "default", "via", lanNet + ".1", "metric", String.valueOf(10 * (i + 1)));
            nat(routers[i], Kind.EIM, null, null);
            delay(routers[i], n[i]);
        }
        return new Site(name, Kind.EIM, host, "100.64." + a + ".2", "203.0.113." + (100 + a));
    }

    /** The router namespace in front of {@code site}'s host (for eim and the like: its only one). */
    String routerOf(Site site) {
        return site.host().substring(0, site.host().length() - 1) + "r";
    }

    /**
     * The carrier router ({@code router}, public address, eim) serves 100.100.N.0/24, where a home
     * router (eim too) has 100.100.N.2 and serves the host on 100.64.N.0/24.
     */
    private Site cgnat(String name, int n, String carrier, String host, String publicIp) throws IOException, InterruptedException {
        String home = lab.namespace(name + "i");
        String lanNet = "100.64." + n;
        downstream(carrier, "lan", home, "wan", "100.100." + n);
        downstream(home, "lan", host, "eth0", lanNet);
        // Two masquerades: the carrier only ever sees the home router's address, never the LAN's.
        nat(carrier, Kind.EIM, publicIp, null);
        nat(home, Kind.EIM, null, null);
        delay(carrier, n); // the carrier's forward path is the site's only delay: one pass each way
        return new Site(name, Kind.CGNAT, host, lanNet + ".2", publicIp);
    }

    /**
     * Links {@code upper} (router, address .1) to {@code lower} (address .2) on {@code net}.0/24;
     * {@code lower}'s default route leads through {@code upper}.
     */
    private void downstream(String upper, String upperIf, String lower, String lowerIf, String net)
            throws IOException, InterruptedException {
        lab.link(upper, upperIf, lower, lowerIf);
        lab.inNs(upper, "ip", "addr", "add", net + ".1/24", "dev", upperIf);
        lab.inNs(lower, "ip", "addr", "add", net + ".2/24", "dev", lowerIf);
        lab.up(upper, upperIf);
        lab.up(lower, lowerIf);
        lab.inNs(lower, "ip", "route", "add", "default", "via", net + ".1");
    }

    /** Makes {@code router} forward and NAT as {@code kind} says. */
    private void nat(String router, Kind kind, String publicIp, String hostIp) throws IOException, InterruptedException {
        lab.inNs(router, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        for (String rules : ruleset(kind, publicIp, hostIp)) {
            lab.inNs(router, "nft", rules);
        }
    }

    /** Delays what {@code router} forwards, both ways (site {@code n}'s seed for its losses). */
    private void delay(String router, int n) throws IOException, InterruptedException {
        if (delaying()) {
            DelayLine.onForward(lab, router, delayMs, lossPercent, n);
        }
    }

    private boolean delaying() {
        return delayMs > 0 || lossPercent > 0;
    }

    /** One-way delay each site's access link adds, in ms (0: none). */
    int delayMs() {
        return delayMs;
    }

    /** Share of packets each site's delay line drops, per pass, in percent. */
    double lossPercent() {
        return lossPercent;
    }

    /** Round trip between a host and the relay, in ms, from the delays alone. */
    int relayRttMs() {
        return 2 * delayMs;
    }

    /** Round trip between hosts of two sites, in ms, from the delays alone (direct, or through the relay: the same). */
    int peerRttMs() {
        return 4 * delayMs;
    }

    /** How the lab's links are shaped, for the docs: "20 ms one way per site (...)" or "0 ms added". */
    String linkSummary() {
        if (!delaying()) {
            return "0 ms added: links add no delay, times are for sub-millisecond round trips";
        }
        return delayMs + " ms one way per site" + (lossPercent > 0 ? " and " + lossPercent + " % loss per site and direction" : "")
                + " (an NFQUEUE delay line in each router; a public host delays what it receives by both ways' worth); a host's round trip to the relay is " + relayRttMs()
                + " ms, to a host of another site " + peerRttMs() + " ms";
    }

    /**
     * A router's own firewall: packets from the internet that start a flow to the router itself are
     * dropped in the input hook, as every home and carrier router does (OpenWrt's wan zone, for one).
     * Dropped there, before conntrack confirms them, they leave no entry behind. Without it, a peer's
     * probe that arrives before the router's own host has sent leaves an unreplied entry whose tuple
     * is the one the host's outgoing probe needs, and masquerade then moves that probe to a random port.
     */
    static final String WAN_INPUT = "add table ip guard; add chain ip guard in { type filter hook input priority filter; policy accept; };"
            + " add rule ip guard in iifname \"wan\" ct state new drop";

    /** The router's nftables rules for {@code kind}, one {@code nft} command each. */
    static java.util.List<String> ruleset(Kind kind, String publicIp, String hostIp) {
        String masquerade = "add table ip nat; add chain ip nat post { type nat hook postrouting priority srcnat; };"
                + " add rule ip nat post oifname \"wan\" masquerade";
        return switch (kind) {
            case EIM, CGNAT -> java.util.List.of(masquerade, WAN_INPUT);
            case SYM -> java.util.List.of(masquerade + " random", WAN_INPUT);
            case FULLCONE -> java.util.List.of("add table ip nat; add chain ip nat pre { type nat hook prerouting priority dstnat; };"
                    + " add rule ip nat pre iifname \"wan\" dnat to " + hostIp + ";"
                    + " add chain ip nat post { type nat hook postrouting priority srcnat; };"
                    + " add rule ip nat post oifname \"wan\" snat to " + publicIp);
            case UDPBLOCK -> java.util.List.of(masquerade, WAN_INPUT, "add table ip filter; add chain ip filter block { type filter hook forward priority filter; };"
                    + " add rule ip filter block meta l4proto udp drop");
            case PUBLIC -> throw new IllegalArgumentException("a public site has no router");
        };
    }
}
