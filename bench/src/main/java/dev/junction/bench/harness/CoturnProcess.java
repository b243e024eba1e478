package dev.junction.bench.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * coturn ({@code turnserver -c FILE}, Debian's package) as a child process on loopback with the
 * fixed config below, never as a system service. Stopped by its PID.
 */
final class CoturnProcess implements AutoCloseable {
    static final String USER = "bench";
    static final String PASSWORD = "bench";
    static final String REALM = "bench";
    /** How long turnserver may take to accept connections. */
    static final int START_SECONDS = 15;
    /**
     * Relay ports for allocations: 20001 of them (the memory section holds 10k allocations), below
     * Linux's ephemeral range (32768+) so they never clash with the harness's own sockets.
     */
    static final int MIN_RELAY_PORT = 10000;
    static final int MAX_RELAY_PORT = 30000;

    /**
     * The fixed config: loopback only, long-term credentials with one static user, no TLS/DTLS, no
     * CLI, loopback peers allowed (coturn refuses them by default), no quotas or bandwidth caps
     * (like the Junction relay's benchmark config), nonces that do not go stale during a run.
     * Threads: coturn's default (one relay thread per CPU).
     */
    static final String CONFIG = """
            listening-ip=127.0.0.1
            relay-ip=127.0.0.1
            listening-port=%d
            min-port=%d
            max-port=%d
            realm=%s
            lt-cred-mech
            user=%s:%s
            no-tls
            no-dtls
            no-cli
            no-rfc5780
            allow-loopback-peers
            allowed-peer-ip=127.0.0.1
            total-quota=0
            user-quota=0
            max-bps=0
            bps-capacity=0
            stale-nonce=0
            max-allocate-lifetime=3600
            pidfile=%s
            log-file=%s
            simple-log
            no-stdout-log
            """;

    final ChildProcess process;
    final InetSocketAddress address;

    private CoturnProcess(ChildProcess process, InetSocketAddress address) {
        this.process = process;
        this.address = address;
    }

    static CoturnProcess start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = Ports.free();
        Path conf = dir.resolve("turnserver.conf");
        Files.writeString(conf, CONFIG.formatted(port, MIN_RELAY_PORT, MAX_RELAY_PORT, REALM, USER, PASSWORD,
                dir.resolve("turnserver.pid"), dir.resolve("turnserver-file.log")));
        ChildProcess p = ChildProcess.start("coturn", List.of("turnserver", "-c", conf.toString()), dir.resolve("turnserver.out"));
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", port);
        long deadline = System.nanoTime() + START_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline && p.alive()) {
            try (Socket s = new Socket()) {
                s.connect(a, 200);
                Thread.sleep(200); // the UDP listener opens alongside the TCP one
                return new CoturnProcess(p, a);
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        p.close();
        throw new IOException("turnserver did not start; see " + dir);
    }

    @Override
    public void close() {
        process.close();
    }
}
