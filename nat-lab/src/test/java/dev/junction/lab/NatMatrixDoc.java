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
                + "filtering), `sym` (masquerade random: endpoint-dependent mapping), `fullcone` (1:1 snat+dnat),\n"
                + "`udpblock` (eim with UDP dropped). Times count from the start of `connect`; \"first path\" is the relayed\n"
                + "path the session starts on.\n\n"
                + table
                + "\n**Known gap, eim×eim across two networks.** Both routers are Linux `masquerade`. The most likely cause (not\n"
                + "yet confirmed with `conntrack -L`): with no link delay the first probe to reach the other router arrives before that side's own first probe leaves; the router\n"
                + "tracks the unsolicited packet (an unreplied conntrack entry to itself, kept 30 s), so its own host's\n"
                + "probe back to the same address pair clashes in SNAT and is given another port, which the first side's\n"
                + "filter then drops. Probes that cross in flight (a synchronized start across real link delay, as\n"
                + "DCUtR does) avoid it; this lab cannot add delay without sch_netem, and the synchronized start is not\n"
                + "built yet.\n\n"
                + "Not yet covered: `cgnat` sites, port prediction for `sym` (eim×sym stays on the relay), TCP simultaneous\n"
                + "open (udpblock pairs stay on the relay), and the full 21-pair matrix with repeated tries.\n";
    }
}
