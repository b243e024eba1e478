package dev.junction.bench.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import dev.junction.wire.admission.AdmissionSecret;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Section 12: one session stream over a long, lossy path ({@link WanPath}: 40 ms round trip, 0.5 %
 * loss each way) against iperf3 TCP on the same path, with CUBIC and with BBR on both sides. The peers are
 * {@link WanPeer} JVMs in namespaces A and B; the relay runs on the router (reached undelayed, so
 * logging in and punching take no longer than on a LAN); the session is measured once direct.
 */
final class WanSection {
    /** The path: 40 ms round trip, 0.5 % loss (--wan-delay and --wan-loss change them). */
    static final int ONE_WAY_MILLIS = 20;
    static final double LOSS_PERCENT = 0.5;
    /** Runs at most (fewer with --runs). */
    static final int RUNS = 2;
    private static final Pattern RESULT = Pattern.compile("result: (\\d+) (\\d+) (\\S+)");

    private WanSection() {
    }

    static void run(Options o, Report report) throws Exception {
        int delay = o.wanDelayMillis();
        double loss = o.wanLossPercent();
        String pathName = 2 * delay + " ms, " + Stats.fmt("%.1f", loss) + " % loss path";
        report.heading("12. A session over a " + pathName + ", against iperf3 TCP on the same path");
        String missing = WanPath.missing();
        if (missing != null) {
            report.line("Not run: " + missing + ".");
            System.err.println("bench: section 12 not run: " + missing);
            return;
        }
        int seconds = o.quick() ? 5 : 15;
        // iperf3's TCP figures vary little run to run; BBR sessions need their 15 s to ramp up.
        int tcpSeconds = o.quick() ? 3 : 10;
        int runs = Math.min(RUNS, o.runs()); // the section's JVMs and namespaces: the full bench stays near 25 minutes
        // Like for like: each algorithm in the kernel's TCP and in the session's QUIC.
        List<String> algorithms = List.of("cubic", "bbr");
        Map<String, List<Double>> tcp = new LinkedHashMap<>();
        Map<String, List<Double>> session = new LinkedHashMap<>();
        List<String> paths = new ArrayList<>();
        Path work = o.work().resolve("wan");
        Files.createDirectories(work);
        Path secret = work.resolve("admission.secret");
        AdmissionSecret.write(AdmissionSecret.generate(), secret);
        try (WanPath path = WanPath.open(work, delay, loss);
             JunctionRelayProcess relay = JunctionRelayProcess.start(path.in(path.router, List.of()), o.relayJar(),
                     work.resolve("relay"), List.of(), secret, "bind = \"" + WanPath.ROUTER_A_SIDE + "\"\n")) {
            for (int run = 0; run < runs; run++) {
                List<Runnable> steps = new ArrayList<>();
                for (String cc : algorithms) {
                    steps.add(() -> tcp.computeIfAbsent(cc, k -> new ArrayList<>()).add(iperf(work, path, tcpSeconds, cc)));
                    steps.add(() -> {
                        String[] got = session(o, path, relay, secret, seconds, work.resolve("run-" + paths.size()), cc);
                        session.computeIfAbsent(cc, k -> new ArrayList<>()).add(Double.parseDouble(got[0]));
                        paths.add(got[1]);
                    });
                }
                if (run % 2 == 1) {
                    Collections.reverse(steps); // alternate which goes first
                }
                steps.forEach(Runnable::run);
            }
        }
        report.line("Namespaces A (203.0.113.10) and B (198.51.100.10) joined by router R, which holds every packet between them "
                + delay + " ms and drops " + loss + " % of them, each way (the NAT lab's NFQUEUE delay line; this"
                + " kernel has no sch_netem). The relay runs on R. Each run, with CUBIC and with BBR: iperf3 TCP from A to B (`-t "
                + tcpSeconds + " -C ALGORITHM`; this kernel's default is " + tcpCongestionControl() + ") and one session stream from A"
                + " to B (`junction.client.congestion-control`) written for " + seconds + " s once the session is direct, timed at"
                + " the reader from its first byte to the end of the stream; the order of the four reverses every other run. "
                + runs + " runs; Mbit/s, median (min–max); ratios per run. Paths the sessions ran on: "
                + String.join(", ", new java.util.TreeSet<>(paths)) + ".");
        report.blank();
        List<List<String>> rows = new ArrayList<>();
        for (String cc : algorithms) {
            List<Double> ratio = new ArrayList<>();
            for (int i = 0; i < tcp.get(cc).size(); i++) {
                ratio.add(session.get(cc).get(i) / tcp.get(cc).get(i));
            }
            rows.add(List.of(cc.toUpperCase(java.util.Locale.ROOT) + (cc.equals("cubic") ? " (the session's default)" : ""),
                    Stats.of(tcp.get(cc)).format("%.1f"), Stats.of(session.get(cc)).format("%.1f"), Stats.of(ratio).format("%.2f")));
        }
        report.table(List.of("congestion control (" + pathName + ")", "iperf3 TCP, Mbit/s", "Junction session, one stream, Mbit/s", "session / TCP"), rows);
    }

    private static double iperf(Path work, WanPath path, int seconds, String cc) {
        try {
            return Iperf.tcp(work, seconds, path.in(path.b, List.of()), path.in(path.a, List.of()), WanPath.B_ADDRESS, "-C " + cc);
        } catch (Exception e) {
            throw new IllegalStateException("iperf3 over the WAN path: " + e.getMessage(), e);
        }
    }

    /** Mbit/s of one session transfer and the path it ran on. */
    private static String[] session(Options o, WanPath path, JunctionRelayProcess relay, Path secret, int seconds, Path dir,
                                    String cc) {
        try {
            return session0(o, path, relay, secret, seconds, dir, cc);
        } catch (Exception e) {
            throw new IllegalStateException("session over the WAN path: " + e.getMessage(), e);
        }
    }

    private static String[] session0(Options o, WanPath path, JunctionRelayProcess relay, Path secret, int seconds, Path dir,
                                     String cc) throws Exception {
        Files.createDirectories(dir);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> peer = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", o.benchJar().toAbsolutePath().toString(), WanPeer.class.getName()));
        Path rlog = dir.resolve("receiver.log");
        Path slog = dir.resolve("sender.log");
        List<String> rcmd = new ArrayList<>(peer);
        rcmd.addAll(List.of("receive", relay.address, secret.toString(), cc));
        try (ChildProcess receiver = ChildProcess.start("wan-receiver", path.in(path.b, rcmd), rlog)) {
            String id = awaitLine(rlog, "peer-id: ", 30);
            List<String> scmd = new ArrayList<>(peer);
            scmd.addAll(List.of("send", relay.address, secret.toString(), id, String.valueOf(seconds), cc));
            try (ChildProcess sender = ChildProcess.start("wan-sender", path.in(path.a, scmd), slog)) {
                if (!sender.waitFor(seconds + WanPeer.LIMIT_SECONDS)) {
                    throw new IllegalStateException("the session's sender did not finish; see " + slog);
                }
            }
            receiver.waitFor(10);
            Matcher m = RESULT.matcher(Files.readString(rlog));
            if (!m.find()) {
                throw new IllegalStateException("the session's receiver printed no result; see " + rlog + " and " + slog);
            }
            double mbit = Long.parseLong(m.group(1)) * 8e3 / Long.parseLong(m.group(2));
            System.err.printf("  session over the WAN path (%s, %s): %.1f Mbit/s%n", cc, m.group(3), mbit);
            return new String[] {Double.toString(mbit), m.group(3)};
        }
    }

    private static String awaitLine(Path log, String prefix, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            for (String line : Files.readAllLines(log)) {
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length()).trim();
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("no '" + prefix + "' line within " + seconds + " s in " + log);
    }

    private static String tcpCongestionControl() {
        try {
            return Files.readString(Path.of("/proc/sys/net/ipv4/tcp_congestion_control")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
