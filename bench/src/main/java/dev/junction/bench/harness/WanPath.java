package dev.junction.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A long, lossy path between two hosts, made of network namespaces this harness creates and
 * deletes: host A (203.0.113.10) and host B (198.51.100.10), each on a veth to router R (203.0.113.1
 * and 198.51.100.1). R forwards between them through the NAT lab's delay line
 * (nat-lab/src/test/c/delayline.c: an iptables NFQUEUE rule on FORWARD, each packet's verdict held
 * for the one-way delay, a share dropped; this kernel has no sch_netem), so every packet between A
 * and B waits {@code oneWayMillis} and is lost with {@code lossPercent} % chance, either way. What
 * A or B sends to R's own addresses (the relay runs on R) is not delayed.
 *
 * <p>Needs root, iproute2, iptables, gcc and libnetfilter-queue-dev; {@link #missing()} names what
 * is not there. Only the documentation ranges above, inside the namespaces, carry traffic.
 */
final class WanPath implements AutoCloseable {
    static final String A_ADDRESS = "203.0.113.10";
    static final String B_ADDRESS = "198.51.100.10";
    static final String ROUTER_A_SIDE = "203.0.113.1";
    private static final Path SOURCE = Path.of("nat-lab/src/test/c/delayline.c");

    final String router;
    final String a;
    final String b;
    private final List<String> created = new ArrayList<>();
    private ChildProcess delayLine;

    private WanPath(String prefix) {
        this.router = prefix + "r";
        this.a = prefix + "a";
        this.b = prefix + "b";
    }

    /** Why the path cannot be built here (null: it can). */
    static String missing() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "it needs root (network namespaces)";
        }
        for (String tool : List.of("ip", "iptables", "gcc")) {
            if (!Bench.onPath(tool)) {
                return "'" + tool + "' is missing (apt-get install -y iproute2 iptables gcc libnetfilter-queue-dev)";
            }
        }
        if (!Files.isRegularFile(Path.of("/usr/include/libnetfilter_queue/libnetfilter_queue.h"))) {
            return "libnetfilter_queue's header is missing (apt-get install -y libnetfilter-queue-dev)";
        }
        if (!Files.isRegularFile(SOURCE)) {
            return SOURCE + " is missing: run the harness from the repository root";
        }
        return null;
    }

    /** Builds the namespaces and starts the delay line in R. */
    static WanPath open(Path work, int oneWayMillis, double lossPercent) throws IOException, InterruptedException {
        WanPath p = new WanPath("jbw" + ProcessHandle.current().pid() % 100_000);
        try {
            p.build(work, oneWayMillis, lossPercent);
            return p;
        } catch (IOException | InterruptedException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private void build(Path work, int oneWayMillis, double lossPercent) throws IOException, InterruptedException {
        for (String ns : List.of(router, a, b)) {
            exec("ip", "netns", "add", ns);
            created.add(ns);
            exec("ip", "-n", ns, "link", "set", "lo", "up");
        }
        exec("ip", "-n", router, "link", "add", "ra", "type", "veth", "peer", "name", "eth0", "netns", a);
        exec("ip", "-n", router, "link", "add", "rb", "type", "veth", "peer", "name", "eth0", "netns", b);
        exec("ip", "-n", router, "addr", "add", ROUTER_A_SIDE + "/24", "dev", "ra");
        exec("ip", "-n", router, "addr", "add", "198.51.100.1/24", "dev", "rb");
        exec("ip", "-n", a, "addr", "add", A_ADDRESS + "/24", "dev", "eth0");
        exec("ip", "-n", b, "addr", "add", B_ADDRESS + "/24", "dev", "eth0");
        for (String[] link : new String[][] {{router, "ra"}, {router, "rb"}, {a, "eth0"}, {b, "eth0"}}) {
            exec("ip", "-n", link[0], "link", "set", link[1], "up");
        }
        exec("ip", "-n", a, "route", "add", "default", "via", ROUTER_A_SIDE);
        exec("ip", "-n", b, "route", "add", "default", "via", "198.51.100.1");
        exec("ip", "netns", "exec", router, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        exec("ip", "netns", "exec", router, "iptables", "-A", "FORWARD", "-j", "NFQUEUE", "--queue-num", "0");
        Path binary = work.resolve("delayline");
        Files.createDirectories(work);
        exec("gcc", "-O2", "-Wall", "-o", binary.toString(), SOURCE.toString(), "-lnetfilter_queue", "-lnfnetlink");
        Path log = work.resolve("delayline.log");
        Files.deleteIfExists(log);
        Files.createFile(log);
        delayLine = ChildProcess.start("delayline", List.of("ip", "netns", "exec", router, binary.toAbsolutePath().toString(), "0",
                String.valueOf(oneWayMillis), String.valueOf(lossPercent), "7"), log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.readString(log).contains("delayline: queue 0 ready")) {
            if (System.nanoTime() > deadline || !delayLine.alive()) {
                throw new IOException("the delay line did not start: " + Files.readString(log).strip());
            }
            Thread.sleep(20);
        }
    }

    /** {@code command} run inside namespace {@code ns}. */
    List<String> in(String ns, List<String> command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(command);
        return cmd;
    }

    private static void exec(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
    }

    /** Stops the delay line (by PID) and deletes the namespaces, with whatever still runs in them. */
    @Override
    public void close() {
        if (delayLine != null) {
            delayLine.close();
        }
        for (String ns : created) {
            try {
                Process pids = new ProcessBuilder("ip", "netns", "pids", ns).redirectErrorStream(true).start();
                for (String pid : new String(pids.getInputStream().readAllBytes()).split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                pids.waitFor(5, TimeUnit.SECONDS);
                exec("ip", "netns", "del", ns);
            } catch (IOException | RuntimeException e) {
                System.err.println("  wan path: could not delete namespace " + ns + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
