package dev.junction.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The NAT lab's command runner and prerequisite check. Every namespace and link it creates carries
 * a per-run prefix, is deleted in {@link #close}, and a stale-prefix sweep at start removes what an
 * earlier, killed run left behind.
 */
public final class Lab implements AutoCloseable {
    /** All lab namespaces start with this, followed by a per-run random part. */
    static final String PREFIX = "jlab";
    /** Any one command gets this long before it is killed. */
    static final long COMMAND_TIMEOUT_SECONDS = 20;

    private final String run;
    private final List<String> namespaces = new ArrayList<>();
    /** Helper processes (delay lines) the lab stops, by PID, before it deletes the namespaces. */
    private final List<Process> processes = new ArrayList<>();

    private Lab() {
        this.run = PREFIX + Integer.toHexString(new SecureRandom().nextInt(0x10000) | 0x10000).substring(1);
    }

    /**
     * A lab, or an aborted test when the machine cannot host one. Under {@code CI=true} a missing
     * prerequisite fails the test instead: CI must run the lab.
     */
    public static Lab open() throws IOException, InterruptedException {
        String missing = missingPrerequisite();
        if (missing != null) {
            String message = "NAT lab unavailable: " + missing
                    + ". Run as root with iproute2, nftables, conntrack, iptables, gcc and libnetfilter-queue-dev installed"
                    + " (apt-get install iproute2 nftables conntrack iptables gcc libc6-dev libnetfilter-queue-dev libnfnetlink-dev).";
            if (ci()) {
                throw new AssertionError(message + " CI=true, so this is a failure, not a skip.");
            }
            Assumptions.abort(message);
        }
        sweepStale();
        return new Lab();
    }

    /** Whether this runs in CI: {@code CI} set to a usual truthy spelling ({@code true}, {@code 1}, {@code yes}, any case). */
    static boolean ci() {
        String v = System.getenv("CI");
        return v != null && java.util.Set.of("true", "1", "yes").contains(v.strip().toLowerCase(java.util.Locale.ROOT));
    }

    static String missingPrerequisite() throws InterruptedException {
        try {
            if (!"0".equals(exec(List.of("id", "-u")).strip())) {
                return "not running as root";
            }
            for (String tool : new String[] {"ip", "nft", "tc", "conntrack"}) {
                if (exec(List.of("sh", "-c", "command -v " + tool + " || true")).isBlank()) {
                    return "'" + tool + "' is not installed";
                }
            }
        } catch (IOException e) {
            return e.getMessage();
        }
        return DelayLine.delayMs() > 0 || DelayLine.lossPercent() > 0 ? DelayLine.missingPrerequisite() : null;
    }

    /** Deletes namespaces an earlier run left behind (runs killed before their cleanup). */
    static void sweepStale() throws IOException, InterruptedException {
        for (String line : exec(List.of("ip", "netns", "list")).split("\n")) {
            String name = line.split(" ")[0];
            if (name.startsWith(PREFIX)) {
                exec(List.of("ip", "netns", "delete", name));
            }
        }
    }

    /** Creates a namespace named with this run's prefix; loopback is brought up. */
    public String namespace(String role) throws IOException, InterruptedException {
        String name = run + role;
        exec(List.of("ip", "netns", "add", name));
        namespaces.add(name);
        inNs(name, "ip", "link", "set", "lo", "up");
        return name;
    }

    /** A veth pair from {@code nsA}/{@code ifA} to {@code nsB}/{@code ifB}. */
    public void link(String nsA, String ifA, String nsB, String ifB) throws IOException, InterruptedException {
        String tmp = "jv" + Integer.toHexString(new SecureRandom().nextInt());
        exec(List.of("ip", "link", "add", tmp + "a", "type", "veth", "peer", "name", tmp + "b"));
        exec(List.of("ip", "link", "set", tmp + "a", "netns", nsA));
        exec(List.of("ip", "link", "set", tmp + "b", "netns", nsB));
        inNs(nsA, "ip", "link", "set", tmp + "a", "name", ifA);
        inNs(nsB, "ip", "link", "set", tmp + "b", "name", ifB);
    }

    public void up(String ns, String ifName) throws IOException, InterruptedException {
        inNs(ns, "ip", "link", "set", ifName, "up");
    }

    /** Whether this run puts every peer on the NIO transport ({@code -Djunction.lab.nio=true}, the pom's "nio" execution). */
    static boolean nio() {
        return Boolean.getBoolean("junction.lab.nio");
    }

    /** The command that runs {@code mainClass} with this JVM and the test classpath (on NIO when {@link #nio()}). */
    public static String[] javaCommand(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (nio()) {
            cmd.add("-Djunction.nio=true");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(Arrays.asList(args));
        return cmd.toArray(String[]::new);
    }

    /** Starts a JVM running {@code mainClass} inside {@code ns}, output to {@code log}. The caller stops it. */
    public Process startJava(String ns, Path log, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(Arrays.asList(javaCommand(mainClass, args)));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        owns(p); // stopped at close whatever the test does with it
        return p;
    }

    /** Waits until {@code log} has a line starting with {@code prefix}; fails after {@code seconds}. */
    public static String awaitLine(Path log, String prefix, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no line '" + prefix + "' in " + log + " within " + seconds + " s:\n"
                + (Files.exists(log) ? Files.readString(log) : "(no output)"));
    }

    /** Runs a command inside namespace {@code ns}; returns its output, throws on failure. */
    public String inNs(String ns, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(Arrays.asList(command));
        return exec(full);
    }

    /** Runs {@code command}; returns its output, throws naming the command on a non-zero exit or timeout. */
    public static String exec(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", command));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out.strip());
        }
        return out;
    }

    /** {@code p} runs in one of this lab's namespaces; the lab stops it when it closes. */
    void owns(Process p) {
        processes.add(p);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
        processes.clear();
        for (String ns : namespaces) {
            // Whatever still runs in the namespace (a process a test started by hand and lost) goes with it, by PID.
            for (String pid : exec(List.of("ip", "netns", "pids", ns)).split("\\s+")) {
                if (pid.matches("\\d+")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            exec(List.of("ip", "netns", "delete", ns));
        }
        namespaces.clear();
    }

    /** Writes {@code megabytes} MiB of seeded random bytes to {@code file}. */
    static void randomFile(java.nio.file.Path file, int megabytes, long seed) throws IOException {
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            java.util.Random r = new java.util.Random(seed);
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < megabytes; i++) {
                r.nextBytes(chunk);
                out.write(chunk);
            }
        }
    }

    /** The SHA-256 of {@code file}, in hex. */
    static String sha256(java.nio.file.Path file) throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }

    /**
     * Prints a measured table ({@code header} is its first two lines) and, when the system property
     * {@code property} names a file, writes the document {@code doc} makes around it there.
     */
    static String publish(String header, java.util.List<String> rows, String property, String docName,
                          java.util.function.UnaryOperator<String> doc) throws IOException {
        String table = header + String.join("\n", rows) + "\n";
        System.out.println(table);
        String text = doc.apply(table);
        String out = System.getProperty(property);
        if (out != null) {
            java.nio.file.Files.writeString(java.nio.file.Path.of(out), text);
        }
        DocCheck.write(docName, text);
        return table;
    }
}
