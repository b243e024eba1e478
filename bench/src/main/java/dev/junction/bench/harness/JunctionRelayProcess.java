package dev.junction.bench.harness;

import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.identity.PeerId;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Junction relay as its own JVM ({@code java -cp junction.jar dev.junction.cli.Main relay --json
 * --config FILE}), so its CPU and RSS are its own. The config the harness writes binds loopback on
 * ephemeral ports and raises the limits that would otherwise cap a benchmark (see {@link #CONFIG}).
 */
final class JunctionRelayProcess implements AutoCloseable {
    /** Heap limit of the relay JVM: the target is 10k reservations in 512 MB. */
    static final String HEAP = "-Xmx512m";
    /** How long the relay may take to print its endpoints. */
    static final int START_SECONDS = 30;

    /**
     * Benchmark config. Limits raised from reference.conf for fairness with coturn (which runs with
     * no quotas): every client is on 127.0.0.1, so reservations-per-ip goes from 32 to 20000 and
     * connections-per-ip from 64 to 20000; the per-circuit rate (20000 pkt/s) and byte (10 GiB) caps
     * are off; 20000 reservations in all.
     */
    static final String CONFIG = """
            junction.relay {
              bind = "127.0.0.1"
              stun-port = 0
              control-port = 0
              turn.tls-port = 0
              data-dir = "%s"
              admission { mode = "token", secret-file = "%s" }
              limits {
                reservations-total = 20000
                reservations-per-ip = 20000
                connections-per-ip = 20000
                circuits-per-reservation = 64
                circuit-bytes = 0
                circuit-duration = 0
                circuit-packets-per-second = 0
              }
              admin { bind = "127.0.0.1", port = 0 }
              drain.grace-period = 1s
            }
            """;

    final ChildProcess process;
    final byte[] secret;
    final PeerId relayPeer;
    final InetSocketAddress udp;
    final InetSocketAddress control;
    final String metrics;
    /** The relay address clients are given (/ip4/127.0.0.1/tcp/PORT/tls/p2p/PEERID). */
    final String address;

    private JunctionRelayProcess(ChildProcess process, byte[] secret, String json) {
        this.process = process;
        this.secret = secret;
        this.relayPeer = PeerId.parse(field(json, "peer_id"));
        this.udp = hostPort(match(json, "\"stun_udp\":\\[\"([^\"]+)\""));
        this.control = hostPort(field(json, "control"));
        this.metrics = field(json, "metrics");
        this.address = field(json, "relay_address");
    }

    static JunctionRelayProcess start(Path jar, Path dir, List<String> jvmFlags) throws IOException, InterruptedException {
        return start(jar, dir, jvmFlags, "");
    }

    /** A relay on its own secret with {@code extra} HOCON inside {@code junction.relay} (bench --relay-conf). */
    static JunctionRelayProcess start(Path jar, Path dir, List<String> jvmFlags, String extra) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path secretFile = dir.resolve("admission.secret");
        AdmissionSecret.write(AdmissionSecret.generate(), secretFile);
        return start(jar, dir, jvmFlags, secretFile, extra);
    }

    /**
     * A relay with the admission secret in {@code secretFile} (shared by the relays of a fleet) and
     * {@code extra} HOCON inside {@code junction.relay} (a fleet section).
     */
    static JunctionRelayProcess start(Path jar, Path dir, List<String> jvmFlags, Path secretFile, String extra)
            throws IOException, InterruptedException {
        return start(List.of(), jar, dir, jvmFlags, secretFile, extra);
    }

    /** As {@link #start(Path, Path, List, Path, String)}, the command run after {@code prefix} (e.g. {@code ip netns exec NS}). */
    static JunctionRelayProcess start(List<String> prefix, Path jar, Path dir, List<String> jvmFlags, Path secretFile, String extra)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        byte[] secret = AdmissionSecret.read(secretFile);
        Path conf = dir.resolve("relay.conf");
        String config = CONFIG.formatted(dir.resolve("state"), secretFile);
        Files.writeString(conf, config.substring(0, config.lastIndexOf('}')) + extra + "\n}\n");
        Path log = dir.resolve("relay.log");
        Files.deleteIfExists(log);
        Files.createFile(log);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new java.util.ArrayList<>(prefix);
        cmd.addAll(List.of(java, HEAP));
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-Djava.util.logging.config.file=" + quietLogging(dir), "-cp", jar.toString(),
                "dev.junction.cli.Main", "relay", "--json", "--config", conf.toString()));
        ChildProcess p = ChildProcess.start("junction-relay", cmd, log);
        long deadline = System.nanoTime() + START_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline && p.alive()) {
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith("{")) {
                    return new JunctionRelayProcess(p, secret, line);
                }
            }
            Thread.sleep(50);
        }
        p.close();
        throw new IOException("Junction relay did not start; see " + log);
    }

    /** JUL at WARNING: the relay logs every login at INFO, which at 10k logins would measure the logger. */
    private static Path quietLogging(Path dir) throws IOException {
        Path f = dir.resolve("logging.properties");
        Files.writeString(f, "handlers=java.util.logging.ConsoleHandler\n.level=WARNING\n");
        return f;
    }

    String token(PeerId peer) {
        return AdmissionToken.mint(secret, peer, Instant.now().plusSeconds(3600));
    }

    private static String field(String json, String key) {
        return match(json, "\"" + key + "\":\"([^\"]*)\"");
    }

    private static String match(String json, String regex) {
        Matcher m = Pattern.compile(regex).matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("relay output lacks " + regex + ": " + json);
        }
        return m.group(1);
    }

    static InetSocketAddress hostPort(String s) {
        int colon = s.lastIndexOf(':');
        return new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
    }

    /** SIGKILL: a crash, no drain. */
    void kill() {
        process.kill();
    }

    @Override
    public void close() {
        process.close();
    }
}
