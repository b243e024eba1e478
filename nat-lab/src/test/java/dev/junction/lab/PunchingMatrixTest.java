package dev.junction.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.lab.Topology.Kind;
import dev.junction.lab.Topology.Site;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peers behind real NATs (nftables in namespaces) through a real relay: each pair connects with
 * `junction listen --echo` and `junction connect`, the session starts on the relay and moves to a
 * direct path where the NATs allow one. The table of outcomes is printed and, with
 * {@code -Djunction.matrix.out=docs/NAT-MATRIX.md}, written there.
 */
class PunchingMatrixTest {
    /** How long a pair may take to go direct before it counts as relayed (a lab pair that can takes under 1 s at 0 ms added). */
    static final long DIRECT_WAIT_MS = 4000;
    /** After the switch to direct, lines echoed over the direct path for this long prove that it carries data and holds. */
    static final long HOLD_MS = 3000;
    static final long HOLD_LINE_MS = 100;
    static final Pattern PATH = Pattern.compile("\\{\"event\":\"path\",\"peer\":\"[^\"]+\",\"kind\":\"([a-z-]+)\",\"remote\":\"([^\"]+)\",\"ms\":(\\d+),\"family\":\"(ipv[46])\"(,\"mapped\":true)?}");

    /**
     * A pair: the listener's NAT, the connector's NAT, the path the session should end on, and
     * whether the test holds it to that today (a pair not yet held is a known gap, reported in the
     * table and in docs/NAT-MATRIX.md, never hidden).
     */
    record Pair(Kind listener, Kind connector, String expected, boolean held, Extra listenerExtra, Extra connectorExtra) {
        Pair(Kind listener, Kind connector, String expected) {
            this(listener, connector, expected, true, Extra.NONE, Extra.NONE);
        }

        String listenerLabel() {
            return listenerExtra.label(listener);
        }

        String connectorLabel() {
            return connectorExtra.label(connector);
        }
    }

    /**
     * What a site has beyond its IPv4 NAT (issue #19): IPv6 from a routed /64 behind the router's
     * stateful firewall, IPv6 only (no IPv4 at all), or a router that maps ports (PCP and NAT-PMP,
     * {@link PortMapGateway}).
     */
    enum Extra {
        NONE(""), IPV6(" + ipv6"), IPV6ONLY("ipv6 only"), PORTMAP(" + pcp");

        private final String suffix;

        Extra(String suffix) {
            this.suffix = suffix;
        }

        String label(Kind kind) {
            return this == IPV6ONLY ? suffix : kind.label() + suffix;
        }
    }

    /**
     * The rows past the 21 NAT pairs: sym x sym goes direct over IPv6 when both sites have it, an
     * IPv6-only host reaches a dual-stack one directly over IPv6 and an IPv4-only one through the
     * relay (the relay bridges the families), and sym x sym goes direct when one router maps the
     * listener's port.
     */
    static final List<Pair> EXTRAS = List.of(
            new Pair(Kind.SYM, Kind.SYM, "direct-udp over ipv6", true, Extra.IPV6, Extra.IPV6),
            new Pair(Kind.SYM, Kind.SYM, "direct-udp over ipv6", true, Extra.IPV6ONLY, Extra.IPV6),
            new Pair(Kind.EIM, Kind.EIM, "relay-udp", true, Extra.IPV6ONLY, Extra.NONE),
            new Pair(Kind.SYM, Kind.SYM, "direct-udp through the mapping", true, Extra.PORTMAP, Extra.NONE));

    /** Every unordered pair of NAT kinds (21), the first listening, the second connecting. */
    static final List<Pair> PAIRS = pairs();

    static List<Pair> pairs() {
        String only = System.getProperty("junction.matrix.pairs", "");
        List<Pair> out = new ArrayList<>();
        Kind[] kinds = Kind.values();
        for (int i = 0; i < kinds.length; i++) {
            for (int j = i; j < kinds.length; j++) {
                if (only.isEmpty() || List.of(only.split(",")).contains(kinds[i].label() + "-" + kinds[j].label())) {
                    out.add(expect(kinds[i], kinds[j]));
                }
            }
        }
        if (only.isEmpty() || List.of(only.split(",")).contains("extras")) {
            out.addAll(EXTRAS);
        }
        return out;
    }

    /**
     * What the connector's session should end on: direct UDP wherever one side has
     * endpoint-independent mapping (eim and cgnat against sym by port prediction, whose rate over
     * ten tries PortPredictionTest measures); direct TCP (simultaneous open) where UDP is blocked,
     * unless the other side is sym, whose TCP ports are random too; the relay for sym×sym.
     */
    static Pair expect(Kind listener, Kind connector) {
        boolean sym = listener == Kind.SYM || connector == Kind.SYM;
        if (connector == Kind.UDPBLOCK || listener == Kind.UDPBLOCK) {
            return new Pair(listener, connector, sym ? "relay-tcp" : "direct-tcp");
        }
        if (listener == Kind.SYM && connector == Kind.SYM) {
            return new Pair(listener, connector, "relay-udp");
        }
        return new Pair(listener, connector, "direct-udp");
    }

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 12, unit = TimeUnit.MINUTES) // 25 pairs of JVMs on 2 cores: about 4 minutes
    void everyPairConnectsAndGoesDirectWhereTheNatsAllow() throws Exception {
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            // Two sites of each kind, so that a pair of one kind is two networks, not one host.
            Map<Kind, Site> listeners = new EnumMap<>(Kind.class);
            Map<Kind, Site> connectors = new EnumMap<>(Kind.class);
            for (Kind k : Kind.values()) {
                listeners.put(k, net.site(k.label().substring(0, 3) + "l", k));
                connectors.put(k, net.site(k.label().substring(0, 3) + "c", k));
            }
            Map<Extra, Site> extraListeners = new EnumMap<>(Extra.class);
            Map<Extra, Site> extraConnectors = new EnumMap<>(Extra.class);
            if (PAIRS.stream().anyMatch(p -> p.listenerExtra() != Extra.NONE)) {
                extraListeners.put(Extra.IPV6, net.dualStack("s6l", Kind.SYM));
                extraConnectors.put(Extra.IPV6, net.dualStack("s6c", Kind.SYM));
                extraListeners.put(Extra.IPV6ONLY, net.ipv6Only("v6l"));
                extraListeners.put(Extra.PORTMAP, net.site("pml", Kind.SYM));
            }
            List<Process> processes = new ArrayList<>();
            List<String> rows = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            try {
                LabRelay relay = LabRelay.start(lab, net, dir, processes);
                if (extraListeners.containsKey(Extra.PORTMAP)) {
                    PortMappingLabTest.gateway(lab, net, extraListeners.get(Extra.PORTMAP), dir, "ok", 60, processes);
                }
                int n = 0;
                for (Pair pair : PAIRS) {
                    n++;
                    String[] listener = relay.peer("l" + n);
                    String[] connector = relay.peer("c" + n);
                    Path llog = dir.resolve("l" + n + ".log");
                    Site ls = pair.listenerExtra() == Extra.NONE ? listeners.get(pair.listener()) : extraListeners.get(pair.listenerExtra());
                    Site cs = pair.connectorExtra() == Extra.NONE ? connectors.get(pair.connector()) : extraConnectors.get(pair.connectorExtra());
                    // Hosts with IPv6 log in to the relay's IPv6 address, the others to its IPv4 one.
                    List<String> listen = new ArrayList<>(List.of("listen", "--echo", "--relay", ls.hostIp6() != null ? relay.address6()
                            : relay.address(), "--identity", listener[0], "--token", listener[1]));
                    if (pair.listenerExtra() == Extra.PORTMAP) {
                        listen.add("--port-mapping");
                    }
                    Process l = lab.startJava(ls.host(), llog, "dev.junction.cli.Main", listen.toArray(String[]::new));
                    processes.add(l);
                    Lab.awaitLine(llog, "peer id: ", 30);
                    Path cout = dir.resolve("c" + n + ".out");
                    Path cerr = dir.resolve("c" + n + ".err");
                    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", cs.host()));
                    cmd.addAll(List.of(Lab.javaCommand("dev.junction.cli.Main", "connect", "--json", "--relay", relay.address(),
                            "--identity", connector[0], "--token", connector[1], listener[2])));
                    Process c = new ProcessBuilder(cmd).redirectOutput(cout.toFile()).redirectError(cerr.toFile()).start();
                    processes.add(c);
                    OutputStream stdin = c.getOutputStream();
                    StringBuilder sent = new StringBuilder();
                    String hello = "hello from " + pair.connectorLabel() + "\n";
                    stdin.write(hello.getBytes(StandardCharsets.UTF_8));
                    stdin.flush();
                    sent.append(hello);
                    long deadline = System.currentTimeMillis() + 15000 + DIRECT_WAIT_MS;
                    long directBy = 0;
                    boolean wentDirect = false;
                    while (System.currentTimeMillis() < deadline && c.isAlive()) {
                        String err = Files.readString(cerr);
                        if (err.contains("\"kind\":\"direct-")) {
                            wentDirect = true;
                            break;
                        }
                        if (directBy == 0 && err.contains("\"event\":\"path\"")) {
                            directBy = System.currentTimeMillis() + DIRECT_WAIT_MS;
                        }
                        if (directBy != 0 && System.currentTimeMillis() > directBy) {
                            break;
                        }
                        Thread.sleep(100);
                    }
                    // Data over the path the session ended on, for HOLD_MS: on a direct pair, proof that the
                    // direct path carries it and holds (a later switch back to the relay shows as the final path).
                    for (long end = System.currentTimeMillis() + HOLD_MS; System.currentTimeMillis() < end && c.isAlive(); ) {
                        String line = "line " + sent.length() + " over " + (wentDirect ? "the direct path" : "the relay") + "\n";
                        stdin.write(line.getBytes(StandardCharsets.UTF_8));
                        stdin.flush();
                        sent.append(line);
                        Thread.sleep(HOLD_LINE_MS);
                    }
                    stdin.close();
                    boolean exited = c.waitFor(20, TimeUnit.SECONDS);
                    String err = Files.readString(cerr);
                    List<String[]> events = new ArrayList<>();
                    Matcher m = PATH.matcher(err);
                    while (m.find()) {
                        events.add(new String[] {m.group(1), m.group(2), m.group(3), m.group(4), m.group(5) == null ? "" : " through the mapping"});
                    }
                    String[] lastEvent = events.isEmpty() ? null : events.get(events.size() - 1);
                    String last = lastEvent == null ? "none" : lastEvent[0] + (lastEvent[3].equals("ipv6") ? " over ipv6" : "") + lastEvent[4];
                    String first = events.isEmpty() ? "-" : events.get(0)[0] + " after " + inRtts(Long.parseLong(events.get(0)[2]), net);
                    String direct = events.stream().filter(e -> e[0].startsWith("direct-")).findFirst()
                            .map(e -> inRtts(Long.parseLong(e[2]), net)).orElse("-");
                    Matcher pm = Pattern.compile("\\{\"event\":\"punch\",\"peer\":\"[^\"]+\",\"outcome\":\"([a-z-]+)\",\"probes\":(\\d+)").matcher(err);
                    String probes = pm.find() ? pm.group(2) + (pm.group(1).equals("failed") ? " (no path)" : "") : "still probing";
                    String received = Files.readString(cout);
                    boolean echoed = received.equals(sent.toString());
                    long lines = sent.chars().filter(ch -> ch == '\n').count();
                    rows.add(String.format("| %s | %s | %s | %s | %s | %s | %s | %s |", pair.listenerLabel(), pair.connectorLabel(),
                            pair.expected() + (pair.held() ? "" : " (known gap)"), last, first, direct, probes,
                            exited && echoed ? "yes, " + lines + " lines" : "NO"));
                    if (!exited || !echoed || (pair.held() && !last.equals(pair.expected()))) {
                        failures.add(pair + ": ended on " + last + ", exited " + exited + ", echoed " + echoed
                                + " (" + received.length() + " of " + sent.length() + " bytes back)\n" + err);
                    }
                    l.destroy();
                    l.waitFor(10, TimeUnit.SECONDS);
                }
            } finally {
                LabRelay.stopAll(processes);
            }
            String table = Lab.publish("| listener behind | connector behind | expected | final path | first path | direct after | probes sent | data echoed (" + HOLD_MS / 1000 + " s on the final path) |\n"
                    + "| --- | --- | --- | --- | --- | --- | --- | --- |\n", rows, "junction.matrix.out", "NAT-MATRIX.md", t -> NatMatrixDoc.render(t, net));
            assertThat(failures).as(table).isEmpty();
            if (System.getProperty("junction.matrix.pairs", "").isEmpty()) {
                DocCheck.check("NAT-MATRIX.md", "mvn -q -pl nat-lab test -Dtest=PunchingMatrixTest -Djunction.matrix.out=$PWD/docs/NAT-MATRIX.md");
            }
        }
    }

    /** {@code ms}, and in round trips between the two hosts when the lab adds delay: "412 ms (5.2 RTT)". */
    static String inRtts(long ms, Topology net) {
        return net.peerRttMs() == 0 ? ms + " ms" : String.format(java.util.Locale.ROOT, "%d ms (%.1f RTT)", ms, (double) ms / net.peerRttMs());
    }
}
