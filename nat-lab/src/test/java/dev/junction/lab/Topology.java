package dev.junction.lab;

import java.io.IOException;
import java.util.Locale;

/**
 * The lab network: an "internet" namespace whose bridge joins 203.0.113.0/24, a relay host
 * with two addresses there (203.0.113.10 and .11), and sites: a router namespace with a public
 * address and a host namespace on 100.64.N.0/24 behind it, NATed as the site's {@link Kind} says.
 * Routers add {@value #DELAY_MS} ms each way (tc netem) so round trips look like the real world.
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

    /** One site: where its host is and the address it shows the internet. */
    record Site(String name, Kind kind, String host, String hostIp, String publicIp) {
    }

    static final String RELAY_IP = "203.0.113.10";
    static final String RELAY_ALT_IP = "203.0.113.11";
    static final int DELAY_MS = 10;

    private final Lab lab;
    private final String internet;
    private final String relay;
    private int sites;
    private boolean netem = true;

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
            delay(host, "eth0");
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
        delay(router, "wan");
        delay(router, "lan");
        return new Site(name, kind, host, lanNet + ".2", publicIp);
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
        delay(carrier, "wan");
        delay(home, "lan");
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

    /**
     * Adds the netem delay where the kernel has sch_netem. Some kernels (this project's CI VMs among
     * them) are built without it; the lab then runs with sub-millisecond RTTs and says so once.
     */
    private void delay(String ns, String ifName) throws IOException, InterruptedException {
        if (!netem) {
            return;
        }
        try {
            lab.inNs(ns, "tc", "qdisc", "add", "dev", ifName, "root", "netem", "delay", DELAY_MS + "ms");
        } catch (IOException e) {
            netem = false;
            System.err.println("nat-lab: no netem delay on this kernel (" + e.getMessage().strip() + "); RTTs are unshaped");
        }
    }

    /** Whether routers add their delay (false where the kernel lacks sch_netem). */
    boolean delayed() {
        return netem;
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
