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
     * The fixed config: loopback only, long-term credentials with one static user, TURN over UDP,
     * TCP and TLS (TLS 1.2+ with a throwaway self-signed certificate; no DTLS), no CLI, loopback
     * peers allowed (coturn refuses them by default), no quotas or bandwidth caps (like the Junction
     * relay's benchmark config), nonces that do not go stale during a run. Threads: coturn's default
     * (one relay thread per CPU).
     */
    static final String CONFIG = """
            listening-ip=127.0.0.1
            relay-ip=127.0.0.1
            listening-port=%d
            tls-listening-port=%d
            cert=%s
            pkey=%s
            no-tlsv1
            no-tlsv1_1
            min-port=%d
            max-port=%d
            realm=%s
            lt-cred-mech
            user=%s:%s
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

    /** How long openssl may take to make the certificate. */
    static final int OPENSSL_SECONDS = 30;

    final ChildProcess process;
    /** TURN over UDP and TCP. */
    final InetSocketAddress address;
    /** TURN over TLS. */
    final InetSocketAddress tlsAddress;

    private CoturnProcess(ChildProcess process, InetSocketAddress address, InetSocketAddress tlsAddress) {
        this.process = process;
        this.address = address;
        this.tlsAddress = tlsAddress;
    }

    static CoturnProcess start(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port = Ports.free();
        int tlsPort = Ports.free();
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        certificate(cert, key, dir.resolve("openssl.log"));
        Path conf = dir.resolve("turnserver.conf");
        Files.writeString(conf, CONFIG.formatted(port, tlsPort, cert, key, MIN_RELAY_PORT, MAX_RELAY_PORT, REALM, USER, PASSWORD,
                dir.resolve("turnserver.pid"), dir.resolve("turnserver-file.log")));
        ChildProcess p = ChildProcess.start("coturn", List.of("turnserver", "-c", conf.toString()), dir.resolve("turnserver.out"));
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", port);
        long deadline = System.nanoTime() + START_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline && p.alive()) {
            try (Socket s = new Socket()) {
                s.connect(a, 200);
                Thread.sleep(200); // the UDP listener opens alongside the TCP one
                return new CoturnProcess(p, a, new InetSocketAddress("127.0.0.1", tlsPort));
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        p.close();
        throw new IOException("turnserver did not start; see " + dir);
    }

    /** A self-signed P-256 certificate for 127.0.0.1, valid one day (openssl, as a bounded child process). */
    private static void certificate(Path cert, Path key, Path log) throws IOException, InterruptedException {
        try (ChildProcess openssl = ChildProcess.start("openssl", List.of("openssl", "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString()), log)) {
            if (!openssl.waitFor(OPENSSL_SECONDS) || !Files.isRegularFile(cert)) {
                throw new IOException("openssl did not make a certificate; see " + log);
            }
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
