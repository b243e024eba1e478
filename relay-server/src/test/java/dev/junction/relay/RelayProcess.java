package dev.junction.relay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A relay in a child JVM of its own (like a real deployment, with its own heap limit), so a test can
 * measure the relay process's resident memory while attacking it. Started through {@link Main}.
 */
public final class RelayProcess implements AutoCloseable {
    /** Output lines kept for {@link #suspiciousOutput}: enough to show what went wrong, bounded. */
    private static final int KEPT_LINES = 20;

    private final Process process;
    private final Map<String, String> facts;
    private final List<String> suspicious;
    private final AtomicLong suspiciousCount;
    public final Path dir;

    private RelayProcess(Process process, Map<String, String> facts, List<String> suspicious, AtomicLong suspiciousCount, Path dir) {
        this.process = process;
        this.facts = facts;
        this.suspicious = suspicious;
        this.suspiciousCount = suspiciousCount;
        this.dir = dir;
    }

    /** Starts a relay with {@code -Xmx<heap>} and the given overrides ("key=value"), waiting for it to be up. */
    public static RelayProcess start(Path dir, String heap, String... overrides) throws IOException {
        return start(dir, List.of("-Xmx" + heap), overrides);
    }

    /** Starts a relay with these JVM options and overrides ("key=value"), waiting for it to be up. */
    public static RelayProcess start(Path dir, List<String> jvmOptions, String... overrides) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), dir.toString()));
        cmd.addAll(List.of(overrides));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Map<String, String> facts = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String line;
        while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
            if (line.startsWith("ready")) {
                break;
            }
            int eq = line.indexOf('=');
            if (line.startsWith("fact ") && eq > 0) {
                facts.put(line.substring(5, eq), line.substring(eq + 1));
            }
        }
        if (!facts.containsKey("control")) {
            p.destroyForcibly();
            throw new IOException("the relay process did not start");
        }
        // Keep draining its output so it never blocks on a full pipe.
        List<String> suspicious = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong suspiciousCount = new AtomicLong();
        Thread drain = new Thread(() -> {
            try {
                String l;
                while ((l = out.readLine()) != null) {
                    // The relay logs every login and circuit: only stack traces and severe lines are kept.
                    if (l.contains("Exception") || l.startsWith("SEVERE") || l.contains("Error:")) {
                        if (suspiciousCount.getAndIncrement() < KEPT_LINES) {
                            suspicious.add(l);
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "relay-process-output");
        drain.setDaemon(true);
        drain.start();
        return new RelayProcess(p, facts, suspicious, suspiciousCount, dir);
    }

    /**
     * How many output lines so far name an exception ("Exception", "...Error:") or are SEVERE log
     * records; a relay whose threads never fail prints none.
     */
    public long suspiciousLineCount() {
        return suspiciousCount.get();
    }

    /** The first {@value #KEPT_LINES} of those lines. */
    public List<String> suspiciousOutput() {
        synchronized (suspicious) {
            return List.copyOf(suspicious);
        }
    }

    /**
     * The relay's used heap right after a full collection, in bytes: {@code jcmd GC.run} (a full
     * stop-the-world collection under G1), then {@code jcmd GC.heap_info}'s "used" of the
     * garbage-first heap. The least of {@code rounds} tries, so bytes allocated between the two
     * commands (the attach listener's own) do not count. Needs the relay started with -XX:+UseG1GC.
     */
    public long heapUsedAfterFullGc(int rounds) throws IOException, InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < rounds; i++) {
            jcmd("GC.run");
            String info = jcmd("GC.heap_info");
            // Java 17: "garbage-first heap   total 61440K, used 18214K"; Java 25: "... total reserved 262144K, committed 61440K, used 18214K".
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("garbage-first heap\\s+total [^\\n]*?used (\\d+)K").matcher(info);
            if (!m.find()) {
                throw new IOException("no G1 heap line in GC.heap_info: " + info);
            }
            least = Math.min(least, Long.parseLong(m.group(1)) * 1024);
        }
        return least;
    }

    /** Runs {@code jcmd <relay pid> <command>} (bounded to 30 s) and returns its output. */
    public String jcmd(String command) throws IOException, InterruptedException {
        Process j = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(process.pid()), command).redirectErrorStream(true).start();
        byte[] output = j.getInputStream().readAllBytes();
        if (!j.waitFor(30, TimeUnit.SECONDS) || j.exitValue() != 0) {
            j.destroyForcibly();
            throw new IOException("jcmd " + command + " failed: " + new String(output, StandardCharsets.UTF_8));
        }
        return new String(output, StandardCharsets.UTF_8);
    }

    public InetSocketAddress control() {
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(facts.get("control")));
    }

    public InetSocketAddress stun() {
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(facts.get("stun")));
    }

    public InetSocketAddress admin() {
        return new InetSocketAddress("127.0.0.1", Integer.parseInt(facts.get("admin")));
    }

    public dev.junction.wire.identity.PeerId peerId() {
        return dev.junction.wire.identity.PeerId.parse(facts.get("peer"));
    }

    public Path secretFile() {
        return Path.of(facts.get("secret"));
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** The process's resident set size in bytes, from /proc. */
    public long rssBytes() throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (l.startsWith("VmRSS:")) {
                return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + process.pid());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The child's entry point: a relay on loopback with ephemeral ports, its facts on stdout. */
    public static final class Main {
        public static void main(String[] args) throws Exception {
            Map<String, Object> o = new HashMap<>();
            o.put("bind", "127.0.0.1");
            o.put("stun-port", 0);
            o.put("control-port", 0);
            o.put("turn.tls-port", 0);
            o.put("admin.port", 0);
            o.put("data-dir", Path.of(args[0]).resolve("relay").toString());
            for (int i = 1; i < args.length; i++) {
                int eq = args[i].indexOf('=');
                o.put(args[i].substring(0, eq), args[i].substring(eq + 1));
            }
            RelayServer s = RelayServer.start(dev.junction.relay.config.RelayConfigLoader.load(java.util.Optional.empty(), o));
            System.out.println("fact control=" + s.controlAddress().getPort());
            System.out.println("fact stun=" + s.stunAddress().getPort());
            System.out.println("fact admin=" + s.adminAddress().getPort());
            System.out.println("fact peer=" + s.identity().peerId());
            System.out.println("fact secret=" + s.config().admission().secretFile().toAbsolutePath());
            System.out.println("ready");
            System.out.flush();
            Thread.currentThread().join();
        }
    }
}
