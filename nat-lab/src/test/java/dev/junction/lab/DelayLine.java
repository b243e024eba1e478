package dev.junction.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real delay and loss on the lab's links without sch_netem (this kernel has none): an iptables
 * NFQUEUE rule in a namespace hands its packets to {@code src/test/c/delayline.c}, which holds
 * each one's verdict for the delay (in order) and drops a given share. One delay line per
 * namespace (NFQUEUE is per network namespace); the process is stopped by PID when the lab closes.
 *
 * <p>How much: {@code -Djunction.lab.delay-ms} (one way, per site; default {@value #DEFAULT_DELAY_MS}, 0 turns
 * the delay lines off) and {@code -Djunction.lab.loss-percent} (per pass; default 0).
 */
final class DelayLine {
    static final int DEFAULT_DELAY_MS = 20;
    private static final Path SOURCE = Path.of("src/test/c/delayline.c");
    private static final Path BINARY = Path.of("target/delayline");

    private DelayLine() {
    }

    /** One-way delay each site adds, in ms (0: none). */
    static int delayMs() {
        return Integer.getInteger("junction.lab.delay-ms", DEFAULT_DELAY_MS);
    }

    /** Share of packets each delay line drops, in percent. */
    static double lossPercent() {
        return Double.parseDouble(System.getProperty("junction.lab.loss-percent", "0"));
    }

    /** Why delay lines cannot run here (null: they can): gcc, libnetfilter_queue's header or iptables missing. */
    static String missingPrerequisite() throws InterruptedException {
        try {
            if (Lab.exec(List.of("sh", "-c", "command -v iptables || true")).isBlank()) {
                return "'iptables' is not installed";
            }
            compile();
        } catch (IOException e) {
            return e.getMessage();
        }
        return null;
    }

    /** Builds the delay line once per checkout (again when its source is newer). */
    static synchronized void compile() throws IOException, InterruptedException {
        if (Files.exists(BINARY) && Files.getLastModifiedTime(BINARY).compareTo(Files.getLastModifiedTime(SOURCE)) >= 0) {
            return;
        }
        Files.createDirectories(BINARY.getParent());
        try {
            Lab.exec(List.of("gcc", "-O2", "-Wall", "-o", BINARY.toString(), SOURCE.toString(), "-lnetfilter_queue", "-lnfnetlink"));
        } catch (IOException e) {
            throw new IOException("cannot build the lab's delay line (apt-get install gcc libc6-dev libnetfilter-queue-dev libnfnetlink-dev): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Delays (and drops) what {@code ns} forwards, as a router on the path: every packet that
     * crosses it, either way, waits {@code delayMs}. Returns the delay line's process.
     */
    static Process onForward(Lab lab, String ns, int delayMs, double lossPercent, long seed) throws IOException, InterruptedException {
        lab.inNs(ns, "iptables", "-A", "FORWARD", "-j", "NFQUEUE", "--queue-num", "0");
        return start(lab, ns, delayMs, lossPercent, seed);
    }

    /**
     * Delays (and drops) what a host {@code ns} receives on {@code ifName}. Only what it receives:
     * Linux's TCP small queues count a socket's packets held in NFQUEUE as still in the device, so a
     * delay on the host's own sends would throttle its TCP to a few Mbit/s (measured: 2.3 Mbit/s at
     * 20 ms, against 650 with the same round trip on receive only). Give it the whole round trip's
     * worth to keep the host's round trips the same as a routed site's.
     */
    static Process onHostReceive(Lab lab, String ns, String ifName, int delayMs, double lossPercent, long seed)
            throws IOException, InterruptedException {
        lab.inNs(ns, "iptables", "-A", "INPUT", "-i", ifName, "-j", "NFQUEUE", "--queue-num", "0");
        return start(lab, ns, delayMs, lossPercent, seed);
    }

    /**
     * Delays what a host {@code ns} receives on {@code ifName} for TCP port {@code port} only: one
     * server of several on the host seems that much farther away.
     */
    static Process onHostReceiveForPort(Lab lab, String ns, String ifName, int port, int delayMs) throws IOException, InterruptedException {
        lab.inNs(ns, "iptables", "-A", "INPUT", "-i", ifName, "-p", "tcp", "--dport", String.valueOf(port), "-j", "NFQUEUE", "--queue-num", "0");
        return start(lab, ns, delayMs, 0, port);
    }

    private static Process start(Lab lab, String ns, int delayMs, double lossPercent, long seed) throws IOException, InterruptedException {
        compile();
        Path log = Files.createTempFile("delayline-" + ns, ".log");
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, BINARY.toAbsolutePath().toString(), "0", String.valueOf(delayMs),
                String.valueOf(lossPercent), String.valueOf(seed)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        lab.owns(p);
        try {
            Lab.awaitLine(log, "delayline: queue 0 ready", 10);
        } catch (AssertionError e) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            throw new IOException("the delay line in " + ns + " did not start: " + Files.readString(log).strip(), e);
        }
        return p;
    }
}
