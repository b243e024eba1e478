package dev.junction.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.wire.admission.AdmissionSecret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A fleet in the lab's relay namespace: a real redis-server on that namespace's loopback and
 * {@code n} relays (`junction relay --config`), all on the relay's public IP with their own ports,
 * sharing the admission and fleet secrets. Every process goes into the caller's list, which the
 * test stops.
 */
final class FleetLab {
    static final int REDIS_PORT = 6379;
    /** Heartbeat of the lab's relays: a relay that dies drops out of the directory within three. */
    static final String HEARTBEAT = "1s";

    private final Lab lab;
    private final Topology net;
    private final Path dir;
    private final List<Process> processes;
    private final byte[] admission;
    /** The directory is a Redis Cluster of three masters (ports 6379-6381), not one server. */
    private final boolean cluster;
    final List<Process> relays = new ArrayList<>();
    final List<String> addresses = new ArrayList<>();
    private Process redis;

    private FleetLab(Lab lab, Topology net, Path dir, List<Process> processes, byte[] admission, boolean cluster) {
        this.cluster = cluster;
        this.lab = lab;
        this.net = net;
        this.dir = dir;
        this.processes = processes;
        this.admission = admission;
    }

    /** Starts Redis and {@code n} relays; returns when every relay has printed its address and sees the whole fleet. */
    static FleetLab start(Lab lab, Topology net, Path dir, int n, List<Process> processes) throws Exception {
        return start(lab, net, dir, n, processes, false);
    }

    /** As {@link #start}, on a Redis Cluster of three masters when {@code cluster}. */
    static FleetLab start(Lab lab, Topology net, Path dir, int n, List<Process> processes, boolean cluster) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/redis-server"))) {
            throw new AssertionError("redis-server is missing: apt-get install redis-server (.ci/run installs it)");
        }
        byte[] admission = AdmissionSecret.generate();
        AdmissionSecret.write(admission, dir.resolve("admission.secret"));
        AdmissionSecret.write(AdmissionSecret.generate(), dir.resolve("fleet.secret"));
        FleetLab f = new FleetLab(lab, net, dir, processes, admission, cluster);
        if (cluster) {
            f.startCluster();
        } else {
            f.startRedis();
        }
        for (int i = 0; i < n; i++) {
            f.startRelay(i);
        }
        for (int i = 0; i < n; i++) {
            f.awaitLogged(i, "fleet: " + n + " relays in the directory", 1, 30);
        }
        return f;
    }

    void startRedis() throws Exception {
        redis = startRedisServer(REDIS_PORT);
    }

    private Process startRedisServer(int port, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", net.relayNs(), "redis-server", "--port", String.valueOf(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
        cmd.addAll(List.of(extra));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis-" + port + ".log").toFile())).start();
        processes.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                if (lab.inNs(net.relayNs(), "redis-cli", "-p", String.valueOf(port), "ping").contains("PONG")) {
                    return p;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            assertThat(System.nanoTime()).as("redis-server answers within 10 s").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Three masters on ports 6379-6381, joined with redis-cli --cluster create, no replicas. */
    private void startCluster() throws Exception {
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (int i = 0; i < 3; i++) {
            int port = REDIS_PORT + i;
            startRedisServer(port, "--cluster-enabled", "yes", "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString());
            create.add("127.0.0.1:" + port);
        }
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        lab.inNs(net.relayNs(), create.toArray(String[]::new));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int i = 0; i < 3; i++) { // every node, not just the first, must agree the cluster is ok
            while (!lab.inNs(net.relayNs(), "redis-cli", "-p", String.valueOf(REDIS_PORT + i), "cluster", "info").contains("cluster_state:ok")) {
                assertThat(System.nanoTime()).as("the cluster is ok within 20 s").isLessThan(deadline);
                Thread.sleep(100);
            }
        }
    }

    /** Kills Redis (SIGKILL: a crash; nothing is persisted). */
    void killRedis() throws InterruptedException {
        redis.destroyForcibly();
        redis.waitFor(10, TimeUnit.SECONDS);
    }

    /** Relay {@code i}'s control (TLS) port. */
    static int controlPort(int i) {
        return 5349 + i;
    }

    private void startRelay(int i) throws Exception {
        Path conf = dir.resolve("relay" + i + ".conf");
        Files.writeString(conf, "junction.relay {\n"
                + "  data-dir = \"" + dir.resolve("relay" + i + "-data") + "\"\n"
                + "  stun-port = " + (3478 + 2 * i) + ", stun-alt-port = " + (3479 + 2 * i) + ", control-port = " + controlPort(i) + "\n"
                + "  admin.port = 0, turn.tls-port = 0\n"
                + "  admission.secret-file = \"" + dir.resolve("admission.secret") + "\"\n"
                + "  fleet { heartbeat = " + HEARTBEAT + ", cluster = " + cluster + " }\n"
                + "}\n");
        Path log = dir.resolve("relay" + i + ".log");
        // The CLI contract: --fleet, --fleet-secret-file and --region, and the fleet line before the address line.
        Process p = lab.startJava(net.relayNs(), log, "dev.junction.cli.Main", "relay", "--config", conf.toString(),
                "--bind", Topology.RELAY_IP, "--fleet", "redis://127.0.0.1:" + REDIS_PORT,
                "--fleet-secret-file", dir.resolve("fleet.secret").toString(), "--region", "r" + i);
        processes.add(p);
        relays.add(p);
        String address = Lab.awaitLine(log, "relay address: ", 30).substring("relay address: ".length());
        List<String> lines = Files.readAllLines(log);
        int fleetLine = lines.indexOf("fleet: redis://127.0.0.1:" + REDIS_PORT + " region r" + i);
        assertThat(fleetLine).as("relay %d prints its fleet line before its address line", i).isNotNegative()
                .isLessThan(lines.indexOf("relay address: " + address));
        addresses.add(address);
    }

    /** Waits until relay {@code i} has logged a line containing {@code text} {@code times} times in all. */
    void awaitLogged(int i, String text, int times, int seconds) throws Exception {
        Path log = dir.resolve("relay" + i + ".log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (Files.readAllLines(log).stream().filter(l -> l.contains(text)).count() < times) {
            assertThat(System.nanoTime()).as("relay %d logs '%s' within %d s:%n%s", i, text, seconds, Files.readString(log))
                    .isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Waits until the directory holds {@code peerId}'s home (its relay published the reservation). */
    void awaitPublished(String peerId) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!lab.inNs(net.relayNs(), "redis-cli", "-c", "-p", String.valueOf(REDIS_PORT), "exists", "junction:peer:" + peerId).trim()
                .equals("1")) {
            assertThat(System.nanoTime()).as("%s is in the directory within 15 s", peerId).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** Kills relay {@code i} (SIGKILL: no drain, its directory entry stays until it expires). */
    void killRelay(int i) throws InterruptedException {
        relays.get(i).destroyForcibly();
        relays.get(i).waitFor(10, TimeUnit.SECONDS);
    }

    /** A new identity file and a token valid on every relay of the fleet: {file, token, peerId}. */
    String[] peer(String name) throws Exception {
        return LabRelay.peer(dir, admission, name);
    }
}
