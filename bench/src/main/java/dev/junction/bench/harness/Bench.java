package dev.junction.bench.harness;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The side-by-side harness of issue 7: starts coturn and the Junction relay on loopback as child
 * processes, drives them with the same load generator, and writes BENCHMARKS.md. Run it with
 * bench/run.sh (which builds what it needs first).
 */
public final class Bench {
    /** Payload of every relayed datagram: QUIC's 1200-byte max_udp_payload_size (docs/PROTOCOL.md section 6.1). */
    static final int PAYLOAD = 1200;
    /** Generator threads: one event loop, so on 2 cores the relay under test gets the other core. */
    static final int GENERATOR_THREADS = 1;

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        for (String tool : List.of("turnserver", "turnutils_uclient", "turnutils_peer", "iperf3", "openssl", "redis-server")) {
            if (!onPath(tool)) {
                System.err.println("bench: " + tool + " is missing; install it with: apt-get install -y coturn iperf3 openssl redis-server");
                System.exit(2);
            }
        }
        if (!Files.isRegularFile(o.relayJar())) {
            System.err.println("bench: " + o.relayJar() + " is missing; build it: mvn -q -pl cli,bench -am -DskipTests package");
            System.exit(2);
        }
        Files.createDirectories(o.work());
        Report report = new Report();
        header(o, report);
        EventLoopGroup group = Net.group(GENERATOR_THREADS);
        try {
            if (o.runs(1) || o.runs(2) || o.runs(3) || o.runs(10)) {
                try (JunctionRelayProcess junction = JunctionRelayProcess.start(o.relayJar(), o.work().resolve("junction"),
                        o.jfr() ? List.of("-XX:StartFlightRecording=filename=" + o.work().resolve("relay.jfr") + ",settings=profile")
                                : List.of(), o.relayConf());
                     CoturnProcess coturn = CoturnProcess.start(o.work().resolve("coturn"))) {
                    RelaySection relay = new RelaySection(o, group, junction, coturn, report);
                    relay.warmUp();
                    if (o.runs(1)) {
                        relay.throughput();
                    }
                    if (o.runs(2)) {
                        relay.latency();
                    }
                    if (o.runs(3)) {
                        StunSection.run(o, group, junction, coturn, report);
                    }
                    if (o.runs(10)) {
                        PinnedSection.run(o, group, junction, coturn, report);
                    }
                }
            }
            if (o.runs(4)) {
                MemorySection.run(o, group, report);
            }
            if (o.runs(5) || o.runs(6)) {
                SessionSection.run(o, report);
            }
            if (o.runs(7)) {
                JmhSection.run(o, report);
            }
            if (o.runs(8)) {
                FleetSection.run(o, group, report);
            }
            if (o.runs(9)) {
                TurnSection.run(o, report);
            }
            if (o.runs(11)) {
                LoginSection.run(o, report);
            }
            if (o.runs(12)) {
                WanSection.run(o, report);
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        report.write(o.out());
        System.err.println("bench: wrote " + o.out().toAbsolutePath());
        if (!o.jfr()) {
            deleteTree(o.work()); // logs and configs; kept on failure (an exception skips this) and with --jfr
        } else {
            System.err.println("bench: JFR recording and logs in " + o.work());
        }
        System.exit(0);
    }

    private static void header(Options o, Report report) throws IOException {
        report.line("# Benchmarks");
        report.blank();
        report.line("Written by `bench/run.sh" + (o.quick() ? " --quick" : "") + "` on "
                + ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16) + " UTC"
                + (o.quick() ? " (**quick mode**: one short run per figure; for checking the harness, not for quoting)" : "")
                + ". Reproduce with `bench/run.sh` (about 25 minutes; it builds the relay and the harness, starts coturn and the"
                + " Junction relay itself on 127.0.0.1, and rewrites this file). Everything runs on loopback, or for section 12 in"
                + " network namespaces the harness creates and deletes; every load has a fixed count and a time limit; every"
                + " process the harness starts is stopped by its PID.");
        report.heading("Machine and settings");
        report.line("- CPU: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores; memory "
                + memTotal() + "; " + osName());
        report.line("- JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + "; Junction relay JVM flags: `" + JunctionRelayProcess.HEAP + "` (default G1 otherwise), epoll transport,"
                + " one separate process; harness JVM flags: `" + String.join(" ",
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) + "`");
        report.line("- coturn: " + version("turnserver", "--version") + " (`turnserver -c FILE`, default threads: one relay"
                + " thread per CPU); iperf3: " + version("iperf3", "--version"));
        report.line("- Load generator: one Java process, Netty epoll, " + GENERATOR_THREADS + " event loop thread, the same code"
                + " for both relays; only the 4–7 header bytes differ (TURN ChannelData vs Junction RELAY_DATA / DATA). Before the"
                + " first measurement both relays get " + (int) RelaySection.WARMUP_SECONDS + " s of unreported traffic per path"
                + " and of STUN, so the Junction JVM's JIT has compiled its hot paths (a relay is a long-running process).");
        report.line("- Junction relay config (raised from reference.conf so no limit caps a benchmark; coturn runs with no quotas"
                + " or bandwidth caps, `total-quota=0 user-quota=0 max-bps=0 bps-capacity=0`): reservations-total 20000,"
                + " reservations-per-ip 20000 (all clients are on 127.0.0.1), circuit-packets-per-second 0 (unlimited),"
                + " circuit-bytes 0, circuit-duration 0; admission by HMAC token as in production"
                + (o.relayConf().isBlank() ? "." : "; this run adds `" + o.relayConf().strip() + "` (`--relay-conf`)."));
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String memTotal() {
        try {
            String l = Files.readAllLines(Path.of("/proc/meminfo")).get(0);
            return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 / 1024 + " GiB";
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String osName() {
        try {
            return Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
                    .map(l -> l.substring(13, l.length() - 1)).findFirst().orElse(System.getProperty("os.name"))
                    + ", kernel " + System.getProperty("os.version");
        } catch (IOException e) {
            return System.getProperty("os.name");
        }
    }

    /** The first line a tool prints about its version. */
    static String version(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(5, TimeUnit.SECONDS);
            return out.lines().filter(l -> !l.isBlank()).findFirst().orElse("unknown").trim();
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }
}
