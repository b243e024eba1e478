package dev.junction.lab;

import java.time.LocalDate;

/** The text of docs/NAT-MATRIX.md around a measured table. */
final class NatMatrixDoc {
    private NatMatrixDoc() {
    }

    static String render(String table, Topology net) {
        return "# NAT traversal matrix\n\n"
                + "Measured by the NAT lab on " + LocalDate.now() + ": real Linux NATs (nftables in network namespaces),\n"
                + "a relay with two public addresses, the real CLI (`junction listen --echo` and `junction connect --json`)\n"
                + "in each site's host. Links: " + net.linkSummary() + "."
                + "\n\nRegenerate:\n\n"
                + "    mvn -q -pl nat-lab -am -DskipTests install && \\\n"
                + "    mvn -q -pl nat-lab test -Dtest=PunchingMatrixTest -Djunction.matrix.out=$PWD/docs/NAT-MATRIX.md\n\n"
                + "(`-Djunction.lab.delay-ms=N` sets the one-way delay per site, default " + DelayLine.DEFAULT_DELAY_MS
                + "; `-Djunction.lab.loss-percent=P` adds loss.)\n\n"
                + "NAT kinds: `public` (no NAT), `eim` (masquerade: endpoint-independent mapping, address-and-port-dependent\n"
                + "filtering), `cgnat` (an eim home router behind an eim carrier router), `sym` (masquerade random:\n"
                + "endpoint-dependent mapping), `fullcone` (1:1 snat+dnat), `udpblock` (eim with UDP dropped). The\n"
                + "connector's path is shown. Times count from the start of `connect` (the JVM is already running;\n"
                + "the login to the relay is part of it) and are also given in round trips between the two hosts (RTT);\n"
                + "\"first path\" is the relayed path the session starts on (its first byte can flow from then on);\n"
                + "\"probes sent\" counts UDP probes (with port prediction, mostly those). A pair counts as direct only\n"
                + "when its final path is direct after lines were echoed over it for 3 s, every byte back intact.\n\n"
                + "The last rows go beyond IPv4 NAT (issue #19). `+ ipv6`: the site also has a routed IPv6 /64\n"
                + "(2001:db8:N::/64) behind its router's stateful firewall (`ct state established,related accept`, anything\n"
                + "new from the internet dropped, as RFC 6092 recommends); `ipv6 only`: the host has no IPv4 at all;\n"
                + "`+ pcp`: the listener's router maps ports (a PCP and NAT-PMP gateway installing real nftables DNAT rules,\n"
                + "the lab's `PortMapGateway`) and the listener runs with `--port-mapping`. The relay is dual-stack\n"
                + "(`--bind` twice); hosts with IPv6 log in to its `/ip6/` address, the others to its `/ip4/` one. \"over\n"
                + "ipv6\" marks a path whose addresses are IPv6, \"through the mapping\" one whose path event says `\"mapped\":true`.\n\n"
                + table
                + "\nPort prediction (eim and cgnat against sym) over ten tries per pair: docs/NAT-PREDICTION.md.\n\n"
                + "**Routers drop unsolicited packets to themselves.** Every lab router has the input-hook rule\n"
                + "`iifname \"wan\" ct state new drop`, as home and carrier routers do (OpenWrt's wan zone, for one).\n"
                + "Without it, two Linux `masquerade` NATs (eim×eim, eim×cgnat, cgnat×cgnat) do not punch each other at\n"
                + "sub-millisecond delays: whichever side's first probe reaches the other router before that router's\n"
                + "own host has sent leaves an unreplied conntrack entry there (a flow to the router itself, kept 30 s),\n"
                + "and the host's own probe back to the same address pair then clashes in SNAT and is given a random\n"
                + "port, which the first side's filter drops. Seen with `conntrack -L` on the second router (L sends\n"
                + "from :4000 to C's :5000 first):\n\n"
                + "    udp 17 29 src=203.0.113.101 dst=203.0.113.102 sport=4000 dport=5000 [UNREPLIED] ...\n"
                + "    udp 17 29 src=100.64.2.2 dst=203.0.113.101 sport=5000 dport=4000 [UNREPLIED] ... sport=4000 dport=57310\n\n"
                + "A packet dropped in the input hook is never confirmed by conntrack, so it leaves no entry and the\n"
                + "clash cannot happen. A router that accepts such packets (no firewall at all) still shows it.\n\n"
                + "**udpblock** pairs go direct over TCP by simultaneous open: both sides connect from the session's\n"
                + "port number to each other's public address (the relay-observed TCP address with that port) at\n"
                + "once, retrying every 500 ms for 8 s; a masquerade NAT keeps the port, so each SYN finds the other\n"
                + "NAT open. Against sym (random ports for TCP too) they stay on the relay.\n";
    }
}
