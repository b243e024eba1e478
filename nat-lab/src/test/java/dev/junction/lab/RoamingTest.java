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
import java.util.concurrent.CountDownLatch;
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
    /** A listener is reachable again through the relay within this after the relay came back. */
    static final int REACHABLE_WITHIN_SECONDS = 30;
    static final Pattern PATH = Pattern.compile("\"event\":\"path\",\"peer\":\"[^\"]+\",\"kind\":\"([a-z-]+)\"");
    static final Map<String, String> RESULTS = new TreeMap<>();
    /** How the lab's links were shaped (the same in every test of the class). */
    static volatile String LINKS = "?";

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
                    Bounds.recovers(5_000, 15_000), c -> lab.inNs(dual.host(), "ip", "link", "set", "eth0", "down"));
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
            run(lab, net, "address changed on the same interface, 20 MB", listener, connector, 20, true,
                    Bounds.recovers(5_000, 15_000), c -> {
                lab.inNs(connector.host(), "ip", "addr", "del", old + "/24", "dev", "eth0");
                lab.inNs(connector.host(), "ip", "addr", "add", fresh + "/24", "dev", "eth0");
                lab.inNs(connector.host(), "ip", "route", "replace", "default", "via", gateway);
            });
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theIpv6PrefixChanges() throws Exception {
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site listener = net.dualStack("s6l", Kind.SYM);
            Site connector = net.dualStack("s6c", Kind.SYM);
            // sym x sym: the direct path can only be IPv6's. The connector's /64 is renumbered under it (the old
            // address deleted), so the session must find the relay, then a direct path from the new address.
            run(lab, net, "IPv6 prefix renumbered under a direct IPv6 session (sym × sym, both + ipv6), 20 MB", listener, connector, 20,
                    true, Bounds.recovers(5_000, 15_000), c -> net.renumberIpv6(connector));
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theNatForgetsItsMappings() throws Exception {
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site listener = net.site("eiml", Kind.EIM);
            Site connector = net.site("symc", Kind.SYM);
            // Behind sym the mappings come back with new ports: the direct path must be found again, or never
            // lost, when the connector's new mapping reaches the listener anyway (its NAT may hold a hole for
            // that port from punching) and the listener follows it: both happen here, by timing.
            run(lab, net, "conntrack flushed on the connector's (sym) router, 20 MB", listener, connector, 20, true,
                    Bounds.recoversOrKeeps(10_000, 20_000), c -> lab.inNs(net.routerOf(connector), "conntrack", "-F"));
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
                LINKS = net.linkSummary();
                transfer(lab, relay, processes, "relay killed and restarted under a relayed session (sym × sym), 20 MB", symL, symC, 20,
                        false, new Bounds(10_000L, null), c -> relay.restart(lab, net, processes));
                String listener = transfer(lab, relay, processes, "relay killed and restarted under a direct session (eim × eim), 50 MB",
                        eimL, eimC, 50, true, new Bounds(null, null), c -> relay.restart(lab, net, processes));
                // The direct session never needed the relay; its listener must still have reserved on the new one.
                assertReachable(relay, listener, eimC, "after the relay restarted under a direct session");
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
            run(lab, net, "connector stopped (SIGSTOP) for 40 s, 20 MB", listener, connector, 20, true,
                    Bounds.recovers(5_000, 15_000), c -> {
                Lab.exec(List.of("kill", "-STOP", String.valueOf(c.pid())));
                Thread.sleep(40_000);
                Lab.exec(List.of("kill", "-CONT", String.valueOf(c.pid())));
            });
        }
    }

    private void run(Lab lab, Topology net, String what, Site listener, Site connector, int megabytes, boolean direct, Bounds bounds,
                     Change change) throws Exception {
        List<Process> processes = new ArrayList<>();
        try {
            LabRelay relay = LabRelay.start(lab, net, dir, processes);
            LINKS = net.linkSummary();
            transfer(lab, relay, processes, what, listener, connector, megabytes, direct, bounds, change);
        } finally {
            LabRelay.stopAll(processes);
        }
    }

    /**
     * How fast the connector must recover from a change: a relayed path within {@code relayedMs} and a
     * direct one within {@code directMs} of the change's end; null for "never leaves its path" (no
     * such event may come).
     */
    record Bounds(Long relayedMs, Long directMs, boolean mayKeep) {
        Bounds(Long relayedMs, Long directMs) {
            this(relayedMs, directMs, false);
        }

        static Bounds recovers(long relayedMs, long directMs) {
            return new Bounds(relayedMs, directMs);
        }

        /** Recovers within the bounds, or never leaves its path (no path event at all after the change). */
        static Bounds recoversOrKeeps(long relayedMs, long directMs) {
            return new Bounds(relayedMs, directMs, true);
        }

        String label() {
            return (relayedMs == null ? "stays" : "≤ " + relayedMs / 1000 + " s") + " / " + (directMs == null ? "stays" : "≤ " + directMs / 1000 + " s")
                    + (mayKeep ? ", or stays" : "");
        }
    }

    /** The part of the file held back until the change has been applied, so the transfer is still running then. */
    static final double HELD_BACK = 0.25;

    /**
     * Streams {@code megabytes} through a session from {@code connector} to an echoing {@code
     * listener}; once the session is on its expected path (direct or relayed), applies {@code change}
     * while the last quarter of the file is still held back, then sends it. The row is recorded, then
     * checked: connect ends cleanly, the echo hashes the same, the recovery is within {@code bounds}.
     */
    private String transfer(Lab lab, LabRelay relay, List<Process> processes, String what, Site listener, Site connector,
                            int megabytes, boolean direct, Bounds bounds, Change change) throws Exception {
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
        Process p = new ProcessBuilder(cmd).redirectOutput(back.toFile()).redirectError(events.toFile()).start();
        processes.add(p);
        CountDownLatch applied = new CountDownLatch(1);
        Thread feeder = feed(data, p, applied);
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
            long echoedWhenApplied = Files.size(back);
            boolean runningWhenApplied = p.isAlive() && echoedWhenApplied < Files.size(data);
            applied.countDown();
            boolean finished = p.waitFor(150, TimeUnit.SECONDS);
            long doneAt = System.currentTimeMillis();
            feeder.join(5000);
            String log = Files.readString(events) + "\n--- listener ---\n" + Files.readString(llog);
            boolean intact = finished && Lab.sha256(back).equals(Lab.sha256(data));
            Long toRelay = null;
            Long toDirect = null;
            String directKind = "";
            for (long[] at : tail.after(seen)) {
                Matcher m = PATH.matcher(tail.lines.get((int) at[0]));
                if (m.find()) {
                    String kind = m.group(1);
                    if (kind.startsWith("relay-") && toRelay == null) {
                        toRelay = at[1] - appliedAt;
                    } else if (kind.startsWith("direct-") && toDirect == null) {
                        toDirect = at[1] - appliedAt;
                        directKind = " (" + kind + ")";
                    }
                }
            }
            String row = String.format("| %s | %d ms | %s | %s | %s | %s | %s |", what, appliedAt - changedAt,
                    toRelay == null ? "-" : toRelay + " ms", toDirect == null ? "-" : toDirect + " ms" + directKind,
                    bounds.label(), finished ? (doneAt - appliedAt) + " ms" : "did not finish", intact ? "yes" : "NO");
            System.out.println(row);
            synchronized (RESULTS) {
                RESULTS.put(what, row);
            }
            assertThat(runningWhenApplied).as(what + ": the transfer was still running when the change was applied ("
                    + echoedWhenApplied + " of " + Files.size(data) + " bytes back)\n" + log).isTrue();
            assertThat(finished).as(what + ": connect finished\n" + log).isTrue();
            assertThat(p.exitValue()).as(what + ": connect's exit status\n" + log).isZero();
            assertThat(intact).as(what + ": the echoed bytes hash the same as the file\n" + log).isTrue();
            if (Lab.nio()) {
                assertThat(log).as(what + ": the connector ran on NIO").contains("I/O transport: NIO (-Djunction.nio=true)");
            }
            if (!(bounds.mayKeep() && toRelay == null && toDirect == null)) {
                assertWithin(what + ": on a relayed path after the change", toRelay, bounds.relayedMs(), log);
                assertWithin(what + ": on a direct path after the change", toDirect, bounds.directMs(), log);
            }
            return l[2];
        } finally {
            applied.countDown();
            tail.interrupt();
        }
    }

    /**
     * A fresh peer at {@code from} reaches {@code listener} (a running `listen --echo`) through the
     * relay and gets its line back, within {@link #REACHABLE_WITHIN_SECONDS}: the listener may still
     * be backing off from the relay's restart when the transfer ends, and must log in again by itself.
     */
    private void assertReachable(LabRelay relay, String listener, Site from, String when) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(REACHABLE_WITHIN_SECONDS);
        Path out = dir.resolve("probe.out");
        Path err = dir.resolve("probe.err");
        while (true) {
            String[] c = relay.peer("probe" + System.nanoTime());
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", from.host()));
            cmd.addAll(List.of(Lab.javaCommand("dev.junction.cli.Main", "connect", "--relay", relay.address(),
                    "--identity", c[0], "--token", c[1], listener)));
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try (java.io.OutputStream in = p.getOutputStream()) {
                in.write("reachable\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            if (Files.readString(out).equals("reachable\n") || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(1000);
        }
        assertThat(Files.readString(out)).as("a new peer reaches the listener " + when + " within " + REACHABLE_WITHIN_SECONDS + " s\n"
                + Files.readString(err)).isEqualTo("reachable\n");
    }

    /** {@code actual} is within {@code bound}; a null bound means the event must not have come. */
    private static void assertWithin(String what, Long actual, Long bound, String log) {
        if (bound == null) {
            assertThat(actual).as(what + " (the session must stay on its path)\n" + log).isNull();
        } else {
            assertThat(actual).as(what + "\n" + log).isNotNull();
            assertThat(actual).as(what + "\n" + log).isLessThanOrEqualTo(bound);
        }
    }

    /** Writes {@code data} to the process's stdin: all but the last {@link #HELD_BACK} at once, the rest once {@code applied}. */
    private static Thread feed(Path data, Process p, CountDownLatch applied) {
        Thread t = new Thread(() -> {
            try (java.io.OutputStream out = p.getOutputStream(); java.io.InputStream in = Files.newInputStream(data)) {
                long total = Files.size(data);
                long early = (long) (total * (1 - HELD_BACK));
                byte[] buf = new byte[1 << 16];
                long sent = 0;
                for (int n; (n = in.read(buf, 0, (int) Math.min(buf.length, sent < early ? early - sent : buf.length))) > 0; ) {
                    out.write(buf, 0, n);
                    sent += n;
                    if (sent == early) {
                        out.flush();
                        applied.await(150, TimeUnit.SECONDS);
                    }
                }
            } catch (java.io.IOException | InterruptedException e) {
                // the process ended early: the checks after it report why
            }
        }, "roaming-feeder");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Rows a complete run of this class writes (one per change). */
    static final int ROWS = 7;

    @AfterAll
    static void writeDoc() throws Exception {
        if (RESULTS.isEmpty()) {
            return;
        }
        String table = "| change mid-transfer | change took | connector on a relayed path after | on a direct path after | required (relayed / direct) | rest of transfer | bytes intact |\n"
                + "| --- | --- | --- | --- | --- | --- | --- |\n" + String.join("\n", RESULTS.values()) + "\n";
        String doc = "# Roaming: sessions through network changes\n\n"
                + "Measured by the NAT lab on " + LocalDate.now() + " (links: " + LINKS + "). Each row:\n"
                + "`junction connect` streams a file through a session to `junction listen --echo`; once the session is on\n"
                + "its path (direct where the NATs allow, relayed for sym × sym), the change is applied while the last\n"
                + "quarter of the file is held back (so the transfer is still running, which the test checks), then the\n"
                + "rest is sent. Times count from the end of the change to the connector's next path event (relayed, then\n"
                + "direct), as the events appear; \"-\" means no such event came. \"required\" is what the test that\n"
                + "writes this table enforces for the row (\"stays\": the connector must not leave its path; \"or stays\":\n"
                + "either recovers in time or never leaves its path, both \"-\"); a row\n"
                + "outside it, a transfer that does not finish or an echo that does not hash the same as the file fails the\n"
                + "test. After the relay restarts under a direct session, a new peer must also reach the listener through\n"
                + "the new relay (the listener reserved again).\n\n"
                + "Regenerate:\n\n"
                + "    mvn -q -pl nat-lab -am -DskipTests install && \\\n"
                + "    mvn -q -pl nat-lab test -Dtest=RoamingTest -Djunction.roaming.out=$PWD/docs/ROAMING.md\n\n"
                + table;
        // Only a complete run is a document (a single test's run would leave a one-row table).
        if (RESULTS.size() != ROWS) {
            return;
        }
        DocCheck.write("ROAMING.md", doc);
        String out = System.getProperty("junction.roaming.out");
        if (out != null) {
            Files.writeString(Path.of(out), doc);
        }
        DocCheck.check("ROAMING.md", "mvn -q -pl nat-lab test -Dtest=RoamingTest -Djunction.roaming.out=$PWD/docs/ROAMING.md");
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
