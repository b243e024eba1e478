package dev.junction.relay.fleet;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server (Debian's package) on loopback for one test: no persistence, its own port,
 * stopped by its PID. Missing redis-server fails the test under CI (where .ci/run installs it) and
 * names the package to install elsewhere; it never skips.
 */
public final class RedisProcess implements AutoCloseable {
    private static final String BINARY = "/usr/bin/redis-server";
    private final int port;
    private final Path dir;
    private final List<String> extra;
    private Process process;

    private RedisProcess(int port, Path dir, List<String> extra) {
        this.port = port;
        this.dir = dir;
        this.extra = extra;
    }

    /** Starts redis-server on a free loopback port; {@code extra} are more command-line options (e.g. --cluster-enabled yes). */
    public static RedisProcess start(Path dir, String... extra) throws Exception {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new AssertionError("redis-server is missing: apt-get install redis-server (.ci/run installs it)");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir);
        RedisProcess r = new RedisProcess(port, dir, List.of(extra));
        r.restart();
        return r;
    }

    /** Starts (again) on the same port, with an empty database: what a Redis restart without persistence leaves. */
    public void restart() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(BINARY, "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--protected-mode", "yes"));
        cmd.addAll(extra);
        process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("redis-server did not start on port " + port + ": " + Files.readString(dir.resolve("redis-" + port + ".log")));
    }

    /** Kills it (SIGKILL, like a crash) and waits until it is gone. */
    public void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "redis-server :%d", port);
    }
}
