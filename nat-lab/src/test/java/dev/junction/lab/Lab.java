package dev.junction.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
                    + ". Run as root with iproute2 and nftables installed (apt-get install iproute2 nftables).";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(message + " CI=true, so this is a failure, not a skip.");
            }
            Assumptions.abort(message);
        }
        sweepStale();
        return new Lab();
    }

    static String missingPrerequisite() throws InterruptedException {
        try {
            if (!"0".equals(exec(List.of("id", "-u")).strip())) {
                return "not running as root";
            }
            for (String tool : new String[] {"ip", "nft", "tc"}) {
                if (exec(List.of("sh", "-c", "command -v " + tool + " || true")).isBlank()) {
                    return "'" + tool + "' is not installed";
                }
            }
        } catch (IOException e) {
            return e.getMessage();
        }
        return null;
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

    @Override
    public void close() throws IOException, InterruptedException {
        for (String ns : namespaces) {
            exec(List.of("ip", "netns", "delete", ns));
        }
        namespaces.clear();
    }
}
