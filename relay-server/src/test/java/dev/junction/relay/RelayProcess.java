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

/**
 * A relay in a child JVM of its own (like a real deployment, with its own heap limit), so a test can
 * measure the relay process's resident memory while attacking it. Started through {@link Main}.
 */
public final class RelayProcess implements AutoCloseable {
    private final Process process;
    private final Map<String, String> facts;
    public final Path dir;

    private RelayProcess(Process process, Map<String, String> facts, Path dir) {
        this.process = process;
        this.facts = facts;
        this.dir = dir;
    }

    /** Starts a relay with {@code -Xmx<heap>} and the given overrides ("key=value"), waiting for it to be up. */
    public static RelayProcess start(Path dir, String heap, String... overrides) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-cp", System.getProperty("java.class.path"), Main.class.getName(), dir.toString()));
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
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discarded: the relay logs every login and circuit
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "relay-process-output");
        drain.setDaemon(true);
        drain.start();
        return new RelayProcess(p, facts, dir);
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
