package dev.junction.lab;

import java.time.LocalDate;

/** The text of docs/NAT-MATRIX.md around a measured table. */
final class NatMatrixDoc {
    private NatMatrixDoc() {
    }

    static String render(String table, boolean delayed) {
        return "# NAT traversal matrix\n\n"
                + "Measured by the NAT lab on " + LocalDate.now() + ": real Linux NATs (nftables in network namespaces),\n"
                + "a relay with two public addresses, the real CLI (`junction listen --echo` and `junction connect --json`)\n"
                + "in each site's host. " + (delayed ? "Each router adds 10 ms each way (tc netem)."
                        : "This machine's kernel has no sch_netem, so links add no delay: times are for sub-millisecond RTTs.")
                + "\n\nRegenerate:\n\n"
                + "    mvn -q -pl nat-lab -am -DskipTests install && \\\n"
                + "    mvn -q -pl nat-lab test -Dtest=PunchingMatrixTest -Djunction.matrix.out=$PWD/docs/NAT-MATRIX.md\n\n"
                + "NAT kinds: `public` (no NAT), `eim` (masquerade: endpoint-independent mapping, address-and-port-dependent\n"
                + "filtering), `cgnat` (an eim home router behind an eim carrier router), `sym` (masquerade random:\n"
                + "endpoint-dependent mapping), `fullcone` (1:1 snat+dnat), `udpblock` (eim with UDP dropped). The\n"
                + "connector's path is shown (with a udpblock listener the connector's own side is relay-udp). Times count from the start of `connect`; \"first path\" is the relayed\n"
                + "path the session starts on.\n\n"
                + table
                + "\n**Known gap, eim×eim across two networks.** Both routers are Linux `masquerade`, and whichever side's\n"
                + "first probe reaches the other router before that router's own host has sent to it leaves an unreplied\n"
                + "conntrack entry there (a packet to the router itself, kept 30 s). The host's own probe back to the same\n"
                + "address pair then clashes in SNAT and is given a random port, which the first side's filter drops.\n"
                + "Seen with `conntrack -L` on the second router in a two-site namespace experiment (L sends from :4000 to\n"
                + "C's :5000 first):\n\n"
                + "    udp 17 29 src=203.0.113.101 dst=203.0.113.102 sport=4000 dport=5000 [UNREPLIED] ...\n"
                + "    udp 17 29 src=100.64.2.2 dst=203.0.113.101 sport=5000 dport=4000 [UNREPLIED] ... sport=4000 dport=57310\n\n"
                + "It happens even when both hosts start within a millisecond, so synchronized start (built: OFFER, ANSWER,\n"
                + "SYNC and RTT/2, as DCUtR) cannot fix it at sub-millisecond link delays. Candidate fixes: opening packets\n"
                + "with a low TTL (they open the local NAT but die before the remote one), or several sockets and ports at\n"
                + "once (the machinery port prediction for `sym` needs anyway).\n\n"
                + "Not yet built: port prediction for `sym` (eim×sym and cgnat×sym stay on the relay), TCP simultaneous\n"
                + "open (udpblock pairs stay on the relay), and repeated tries per pair (one try each here).\n";
    }
}
