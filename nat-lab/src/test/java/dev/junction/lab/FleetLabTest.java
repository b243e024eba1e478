package dev.junction.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.lab.Topology.Kind;
import dev.junction.lab.Topology.Site;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A fleet of three relays and Redis in the lab (issue 16), driven with the real CLI: two peers
 * behind different NATs homed on different relays reach each other and go direct; when the
 * callee's relay is killed mid-transfer it re-homes and the session resumes; with Redis killed a
 * connect to a peer on another relay fails fast with a clear reason, and works again once Redis
 * is back.
 */
class FleetLabTest {
    static final int MEGABYTES = 50;
    /** The bound: a peer whose home relay dies is reachable again through another within this. */
    static final long RECOVERY_BOUND_MS = 30_000;

    @TempDir
    Path dir;

    /** {@code junction listen --echo} at {@code site} with {@code relays} (each a --relay); returns its log once it listens. */
    static Path listen(Lab lab, Site site, Path dir, String name, String[] peer, List<Process> processes, String... flagsAndRelays)
            throws Exception {
        LabPeers.listen(lab, site, dir, name, peer, processes, flagsAndRelays);
        return dir.resolve(name + ".log");
    }

    /** {@code junction connect} at {@code site}, streaming {@code data} and writing the echo to {@code back}. */
    static Process connect(Site site, Path data, Path back, Path events, String[] peer, String target, List<Process> processes,
                           String... flagsAndRelays) throws Exception {
        return LabPeers.connect(site, data, back, events, peer, target, processes, flagsAndRelays);
    }

    @ParameterizedTest(name = "directory on a Redis Cluster: {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void peersHomedOnDifferentRelaysStartRelayedAcrossBothAndGoDirect(boolean cluster) throws Exception {
        Path data = dir.resolve("data.bin");
        Lab.randomFile(data, MEGABYTES, 11);
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site listenerSite = net.site("eimf", Kind.EIM);
            Site connectorSite = net.site("cgnf", Kind.CGNAT);
            List<Process> processes = new ArrayList<>();
            try {
                FleetLab fleet = FleetLab.start(lab, net, dir, 3, processes, cluster);
                String[] bob = fleet.peer("bob");
                String[] alice = fleet.peer("alice");
                listen(lab, listenerSite, dir, "bob", bob, processes, "--relay", fleet.addresses.get(1));
                fleet.awaitPublished(bob[2]);
                Path back = dir.resolve("back.bin");
                Path events = dir.resolve("alice.err");
                Process c = connect(connectorSite, data, back, events, alice, bob[2], processes, "--relay", fleet.addresses.get(0));
                assertThat(c.waitFor(120, TimeUnit.SECONDS)).as("connect finished").isTrue();
                String log = Files.readString(events);
                assertThat(Lab.sha256(back)).as("echoed bytes, " + log).isEqualTo(Lab.sha256(data));
                assertThat(log).as("the relay event names the relay in use")
                        .contains("{\"event\":\"relay\",\"state\":\"connected\",\"relay\":\"" + fleet.addresses.get(0) + "\"}");
                int relayed = log.indexOf("\"kind\":\"relay-");
                assertThat(relayed).as(log).isNotNegative();
                assertThat(log.indexOf("\"kind\":\"direct-udp\"")).as("moved to the direct path after starting relayed: " + log)
                        .isGreaterThan(relayed);
                for (int i : new int[] {0, 1}) {
                    assertThat(Files.readString(dir.resolve("relay" + i + ".log"))).as("relay %d carried the circuit", i)
                            .containsPattern("circuit \\d+ open: " + alice[2] + " -> " + bob[2]);
                }
            } finally {
                LabRelay.stopAll(processes);
            }
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void whenTheCalleesHomeRelayIsKilledMidTransferItReHomesAndTheSessionResumes() throws Exception {
        Path data = dir.resolve("data.bin");
        Lab.randomFile(data, MEGABYTES, 12);
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site listenerSite = net.site("eimk", Kind.EIM);
            Site connectorSite = net.site("symk", Kind.SYM);
            List<Process> processes = new ArrayList<>();
            try {
                FleetLab fleet = FleetLab.start(lab, net, dir, 3, processes);
                String[] bob = fleet.peer("bob");
                String[] alice = fleet.peer("alice");
                // bob is given relay 1 only: he learns relays 0 and 2 from it. Both stay relayed (--no-punch),
                // so every byte crosses relay 1 until it dies.
                Path bobLog = listen(lab, listenerSite, dir, "bob", bob, processes, "--no-punch", "--relay", fleet.addresses.get(1));
                fleet.awaitPublished(bob[2]);
                Path back = dir.resolve("back.bin");
                Path events = dir.resolve("alice.err");
                Process c = connect(connectorSite, data, back, events, alice, bob[2], processes, "--no-punch", "--relay",
                        fleet.addresses.get(0));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.exists(back) || Files.size(back) < (MEGABYTES << 20) / 4) {
                    assertThat(c.isAlive() && System.nanoTime() < deadline).as("a quarter echoed within 60 s: " + Files.readString(events))
                            .isTrue();
                    Thread.sleep(20);
                }
                long killed = System.nanoTime();
                long before = Files.size(back);
                fleet.killRelay(1);
                assertThat(c.waitFor(120, TimeUnit.SECONDS)).as("connect finished").isTrue();
                long doneMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
                String log = Files.readString(events);
                assertThat(Lab.sha256(back)).as("echoed bytes across the move, " + log).isEqualTo(Lab.sha256(data));
                // One session throughout: at most the closing at the end, never a session lost to the kill.
                assertThat(log.split("\"event\":\"session-closed\"", -1).length - 1).as(log).isLessThanOrEqualTo(1);
                assertThat(log).doesNotContainPattern("\"event\":\"session-closed\",[^\n]*\"reason\":\"(?!ended)");
                String bobEvents = Files.readString(bobLog);
                assertThat(bobEvents).as("bob moved to a relay he was not given")
                        .containsPattern("\\{\"event\":\"relay\",\"state\":\"connected\",\"relay\":\"(" + quote(fleet.addresses.get(0)) + "|"
                                + quote(fleet.addresses.get(2)) + ")\"}");
                assertThat(doneMs).as("the rest arrived within the recovery bound of the kill").isLessThan(RECOVERY_BOUND_MS);
                System.out.printf("fleet: callee's home relay killed with %d of %d MB echoed; the rest arrived %d ms later%n",
                        before >> 20, MEGABYTES, doneMs);
            } finally {
                LabRelay.stopAll(processes);
            }
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void withRedisKilledACrossRelayConnectFailsFastAndClearlyAndWorksOnceRedisIsBack() throws Exception {
        Path data = dir.resolve("small.bin");
        Lab.randomFile(data, 1, 13);
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site listenerSite = net.site("eimr", Kind.EIM);
            Site connectorSite = net.site("fcr", Kind.FULLCONE);
            List<Process> processes = new ArrayList<>();
            try {
                FleetLab fleet = FleetLab.start(lab, net, dir, 2, processes);
                fleet.killRedis();
                String[] bob = fleet.peer("bob");
                String[] alice = fleet.peer("alice");
                listen(lab, listenerSite, dir, "bob", bob, processes, "--relay", fleet.addresses.get(1));
                long t0 = System.nanoTime();
                Process c = connect(connectorSite, data, dir.resolve("back1.bin"), dir.resolve("alice1.err"), alice, bob[2], processes,
                        "--relay", fleet.addresses.get(0));
                assertThat(c.waitFor(60, TimeUnit.SECONDS)).isTrue();
                long failedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(c.exitValue()).isNotZero();
                assertThat(Files.readString(dir.resolve("alice1.err"))).as("the reason and what to do")
                        .contains("the relay cannot reach its fleet's peer directory");

                fleet.startRedis(); // empty: the relays publish their peers again at their next heartbeat
                fleet.awaitLogged(1, "publishing 1 reservations", 1, 30); // bob's relay wrote him back
                fleet.awaitPublished(bob[2]);
                Process again = connect(connectorSite, data, dir.resolve("back2.bin"), dir.resolve("alice2.err"), alice, bob[2], processes,
                        "--relay", fleet.addresses.get(0));
                assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(Lab.sha256(dir.resolve("back2.bin"))).as(Files.readString(dir.resolve("alice2.err"))).isEqualTo(Lab.sha256(data));
                System.out.printf("fleet: with Redis down a cross-relay connect failed in %d ms (process start included)%n", failedMs);
            } finally {
                LabRelay.stopAll(processes);
            }
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aClientGivenAFarRelayOfTheFleetMovesHomeToTheNearestAndStaysReachable() throws Exception {
        Path data = dir.resolve("small.bin");
        Lab.randomFile(data, 1, 14);
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site listenerSite = net.site("eimn", Kind.EIM);
            Site connectorSite = net.site("fcn", Kind.FULLCONE);
            List<Process> processes = new ArrayList<>();
            try {
                FleetLab fleet = FleetLab.start(lab, net, dir, 2, processes);
                // Relay 1's control port answers 40 ms later than relay 0's: it is the far one.
                DelayLine.onHostReceiveForPort(lab, net.relayNs(), "eth0", FleetLab.controlPort(1), 40);
                String[] bob = fleet.peer("bob");
                String[] alice = fleet.peer("alice");
                Path bobLog = listen(lab, listenerSite, dir, "bob", bob, processes, "--relay", fleet.addresses.get(1));
                String near = "{\"event\":\"relay\",\"state\":\"connected\",\"relay\":\"" + fleet.addresses.get(0) + "\"}";
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.readString(bobLog).contains(near) && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                String bobEvents = Files.readString(bobLog);
                assertThat(bobEvents).as("bob logged in to the relay he was given, then moved to the nearest of its fleet")
                        .contains("{\"event\":\"relay\",\"state\":\"connected\",\"relay\":\"" + fleet.addresses.get(1) + "\"}")
                        .contains(near);
                fleet.awaitLogged(0, "login " + bob[2], 1, 10);
                Process c = connect(connectorSite, data, dir.resolve("back.bin"), dir.resolve("alice.err"), alice, bob[2], processes,
                        "--no-punch", "--relay", fleet.addresses.get(1));
                assertThat(c.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(Lab.sha256(dir.resolve("back.bin"))).as("reached on his new home relay: " + Files.readString(dir.resolve("alice.err")))
                        .isEqualTo(Lab.sha256(data));
                assertThat(Files.readString(dir.resolve("relay0.log"))).as("relay 0 carried the circuit")
                        .containsPattern("circuit \\d+ open: " + alice[2] + " -> " + bob[2]);
            } finally {
                LabRelay.stopAll(processes);
            }
        }
    }

    private static String quote(String s) {
        return java.util.regex.Pattern.quote(s);
    }
}
