package dev.junction.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.lab.Topology.Kind;
import dev.junction.lab.Topology.Site;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions that survive network changes, with the real CLI in the lab: `junction connect` streams a
 * file to `junction listen --echo` and the network changes under it mid-transfer (an uplink lost,
 * an address changed, NAT mappings flushed, the relay killed and restarted, the client process
 * stopped for 40 s). What comes back must hash the same, and the session must not end. The time
 * from each change to the connector's next relayed and direct path is measured (path events,
 * timestamped as they appear) and, with {@code -Djunction.roaming.out=docs/ROAMING.md}, written there.
 */
class RoamingTest {
    static final Pattern PATH = Pattern.compile("\"event\":\"path\",\"peer\":\"[^\"]+\",\"kind\":\"([a-z-]+)\"");
    static final Map<String, String> RESULTS = new TreeMap<>();

    @TempDir
    Path dir;

    /** What to do to the network mid-transfer; gets the connector process. */
    interface Change {
        void apply(Process connector) throws Exception;
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theActiveUplinkGoesDown() throws Exception {
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site listener = net.site("eiml", Kind.EIM);
            Site dual = net.dualHomed("dual");
            run(lab, net, "active uplink down (link down, its routes gone), 50 MB", listener, dual, 50, true,
                    c -> lab.inNs(dual.host(), "ip", "link", "set", "eth0", "down"));
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theHostGetsANewAddress() throws Exception {
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site listener = net.site("eiml", Kind.EIM);
            Site connector = net.site("eimc", Kind.EIM);
            String old = connector.hostIp();
            String fresh = old.substring(0, old.lastIndexOf('.')) + ".3";
            String gateway = old.substring(0, old.lastIndexOf('.')) + ".1";
            run(lab, net, "address changed on the same interface, 20 MB", listener, connector, 20, true, c -> {
                lab.inNs(connector.host(), "ip", "addr", "del", old + "/24", "dev", "eth0");
                lab.inNs(connector.host(), "ip", "addr", "add", fresh + "/24", "dev", "eth0");
                lab.inNs(connector.host(), "ip", "route", "replace", "default", "via", gateway);
            });
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theNatForgetsItsMappings() throws Exception {
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site listener = net.site("eiml", Kind.EIM);
            Site connector = net.site("symc", Kind.SYM);
            // Behind sym the mappings come back with new ports: the direct path must be found again.
            run(lab, net, "conntrack flushed on the connector's (sym) router, 20 MB", listener, connector, 20, true,
                    c -> lab.inNs(net.routerOf(connector), "conntrack", "-F"));
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theRelayIsKilledAndRestarted() throws Exception {
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site symL = net.site("syml", Kind.SYM);
            Site symC = net.site("symc", Kind.SYM);
            Site eimL = net.site("eiml", Kind.EIM);
            Site eimC = net.site("eimc", Kind.EIM);
            List<Process> processes = new ArrayList<>();
            try {
                LabRelay relay = LabRelay.start(lab, net, dir, processes);
                transfer(lab, relay, processes, "relay killed and restarted under a relayed session (sym × sym), 20 MB", symL, symC, 20,
                        false, c -> relay.restart(lab, net, processes));
                transfer(lab, relay, processes, "relay killed and restarted under a direct session (eim × eim), 50 MB", eimL, eimC, 50,
                        true, c -> relay.restart(lab, net, processes));
            } finally {
                LabRelay.stopAll(processes);
            }
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void theClientSleepsFortySeconds() throws Exception {
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site listener = net.site("eiml", Kind.EIM);
            Site connector = net.site("eimc", Kind.EIM);
            run(lab, net, "connector stopped (SIGSTOP) for 40 s, 20 MB", listener, connector, 20, true, c -> {
                Lab.exec(List.of("kill", "-STOP", String.valueOf(c.pid())));
                Thread.sleep(40_000);
                Lab.exec(List.of("kill", "-CONT", String.valueOf(c.pid())));
            });
        }
    }

    private void run(Lab lab, Topology net, String what, Site listener, Site connector, int megabytes, boolean direct, Change change)
            throws Exception {
        List<Process> processes = new ArrayList<>();
        try {
            LabRelay relay = LabRelay.start(lab, net, dir, processes);
            transfer(lab, relay, processes, what, listener, connector, megabytes, direct, change);
        } finally {
            LabRelay.stopAll(processes);
        }
    }

    /**
     * Streams {@code megabytes} through a session from {@code connector} to an echoing {@code
     * listener}; once the session is on its expected path (direct or relayed), applies {@code change}.
     */
    private void transfer(Lab lab, LabRelay relay, List<Process> processes, String what, Site listener, Site connector,
                          int megabytes, boolean direct, Change change) throws Exception {
        String tag = Integer.toHexString(what.hashCode());
        Path data = dir.resolve(tag + ".bin");
        Lab.randomFile(data, megabytes, megabytes);
        String[] l = relay.peer("l" + tag);
        String[] c = relay.peer("c" + tag);
        Path llog = dir.resolve("l" + tag + ".log");
        processes.add(lab.startJava(listener.host(), llog, "dev.junction.cli.Main", "listen", "--echo",
                "--relay", relay.address(), "--identity", l[0], "--token", l[1]));
        Lab.awaitLine(llog, "peer id: ", 30);
        Path back = dir.resolve(tag + ".back");
        Path events = dir.resolve("c" + tag + ".err");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", connector.host()));
        cmd.addAll(List.of(Lab.javaCommand("dev.junction.cli.Main", "connect", "--json", "--relay", relay.address(),
                "--identity", c[0], "--token", c[1], l[2])));
        Process p = new ProcessBuilder(cmd).redirectInput(data.toFile()).redirectOutput(back.toFile()).redirectError(events.toFile()).start();
        processes.add(p);
        Tail tail = new Tail(events);
        tail.start();
        try {
            String ready = direct ? "\"kind\":\"direct-" : "\"event\":\"session\"";
            long until = System.currentTimeMillis() + 30_000;
            while (!Files.readString(events).contains(ready) && System.currentTimeMillis() < until && p.isAlive()) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(events)).as(what + ": ready before the change").contains(ready);
            Thread.sleep(300); // data in flight on that path
            long changedAt = System.currentTimeMillis();
            int seen = tail.lines.size();
            change.apply(p);
            long appliedAt = System.currentTimeMillis();
            assertThat(p.waitFor(150, TimeUnit.SECONDS)).as(what + ": connect finished").isTrue();
            long doneAt = System.currentTimeMillis();
            String log = Files.readString(events) + "\n--- listener ---\n" + Files.readString(llog);
            assertThat(p.exitValue()).as(what + ": connect's exit status\n" + log).isZero();
            assertThat(Lab.sha256(back)).as(what + ": echoed bytes\n" + log).isEqualTo(Lab.sha256(data));
            String toRelay = "-";
            String toDirect = "-";
            for (long[] at : tail.after(seen)) {
                String line = tail.lines.get((int) at[0]);
                Matcher m = PATH.matcher(line);
                if (m.find()) {
                    String kind = m.group(1);
                    if (kind.startsWith("relay-") && toRelay.equals("-")) {
                        toRelay = (at[1] - appliedAt) + " ms";
                    } else if (kind.startsWith("direct-") && toDirect.equals("-")) {
                        toDirect = (at[1] - appliedAt) + " ms (" + kind + ")";
                    }
                }
            }
            String row = String.format("| %s | %d ms | %s | %s | %d ms | yes |", what, appliedAt - changedAt, toRelay, toDirect, doneAt - appliedAt);
            System.out.println(row);
            synchronized (RESULTS) {
                RESULTS.put(what, row);
            }
        } finally {
            tail.interrupt();
        }
    }

    @AfterAll
    static void writeDoc() throws Exception {
        String out = System.getProperty("junction.roaming.out");
        if (out == null || RESULTS.isEmpty()) {
            return;
        }
        String table = "| change mid-transfer | change took | connector on a relayed path after | on a direct path after | rest of transfer | bytes intact |\n"
                + "| --- | --- | --- | --- | --- | --- |\n" + String.join("\n", RESULTS.values()) + "\n";
        Files.writeString(Path.of(out), "# Roaming: sessions through network changes\n\n"
                + "Measured by the NAT lab on " + LocalDate.now() + " (no link delay: this kernel has no sch_netem). Each row:\n"
                + "`junction connect` streams a file through a session to `junction listen --echo`; once the session is on\n"
                + "its path (direct where the NATs allow, relayed for sym × sym), the change is applied; times count from\n"
                + "the end of the change to the connector's next path event (relayed, then direct), as the events appear.\n"
                + "\"-\" means the connector never left its path (the change did not break it) or did not go direct again.\n"
                + "Every row: the echoed bytes hash the same as the file and the session never closed.\n\n"
                + "Regenerate:\n\n"
                + "    mvn -q -pl nat-lab -am -DskipTests install && \\\n"
                + "    mvn -q -pl nat-lab test -Dtest=RoamingTest -Djunction.roaming.out=$PWD/docs/ROAMING.md\n\n"
                + table);
    }

    /** Reads a growing file and stamps each new line with the time it was seen (every 20 ms). */
    static final class Tail extends Thread {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<Long> seenAt = new CopyOnWriteArrayList<>();
        private final Path file;

        Tail(Path file) {
            this.file = file;
            setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (!isInterrupted()) {
                    String[] now = Files.readString(file).split("\n", -1);
                    for (int i = lines.size(); i < now.length - 1; i++) {
                        lines.add(now[i]);
                        seenAt.add(System.currentTimeMillis());
                    }
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                // done
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** {index, seenAt} of lines after the first {@code n}. */
        List<long[]> after(int n) {
            List<long[]> out = new ArrayList<>();
            for (int i = n; i < lines.size(); i++) {
                out.add(new long[] {i, seenAt.get(i)});
            }
            return out;
        }
    }
}
