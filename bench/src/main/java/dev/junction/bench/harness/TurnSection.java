package dev.junction.bench.harness;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Section 9: TURN against TURN, driven by coturn's own load generator. {@code turnutils_uclient}
 * (UDP, 1200-byte messages, unpaced) relays through coturn and through Junction's TURN server to the
 * same {@code turnutils_peer} echo, in the same run, the relay under test pinned to core 0 with
 * {@code taskset} and uclient and the peer on core 1. The relay receives two datagrams per echoed
 * message (the client's ChannelData and the peer's echo), so its received datagrams are counted as
 * messages sent plus messages echoed back, and its CPU per datagram as its CPU time over that.
 */
final class TurnSection {
    static final int LENGTH = Bench.PAYLOAD;
    static final Pattern TOTALS = Pattern.compile("tot_send_msgs=(\\d+), tot_recv_msgs=(\\d+)");
    /** Junction's relayed ports here: below Linux's ephemeral range and apart from coturn's 10000–30000. */
    static final String JUNCTION_TURN = """
            turn {
              allowed-peer-ips = ["127.0.0.0/8"]
              bandwidth-per-allocation = 0
              relay-ports = "30001-32767"
              allocations-per-ip = 20000
              allocations-per-user = 20000
            }""";

    /** One relay's measurement under one load. */
    record Run(String relay, int clients, long sent, long echoed, double wallSeconds, double cpuSeconds, long counted) {
        long received() {
            return sent + echoed;
        }

        double microsPerDatagram() {
            return cpuSeconds * 1e6 / received();
        }
    }

    private TurnSection() {
    }

    static void run(Options o, Report report) throws Exception {
        Path dir = o.work().resolve("turn");
        Files.createDirectories(dir);
        boolean pinned = Runtime.getRuntime().availableProcessors() >= 2 && Bench.onPath("taskset");
        int peerPort;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            peerPort = s.getLocalPort();
        }
        List<Run> runs = new ArrayList<>();
        try (ChildProcess peer = ChildProcess.start("turnutils_peer", cpu(pinned, 1, List.of("turnutils_peer", "-p",
                Integer.toString(peerPort), "-L", "127.0.0.1")), dir.resolve("peer.log"));
             JunctionRelayProcess junction = JunctionRelayProcess.start(o.relayJar(), dir.resolve("junction"), List.of(),
                     writeSecret(dir), JUNCTION_TURN);
             CoturnProcess coturn = CoturnProcess.start(dir.resolve("coturn"))) {
            if (pinned) {
                PinnedSection.pin(junction.process.pid(), "0");
                PinnedSection.pin(coturn.process.pid(), "0");
            }
            String secret = Files.readString(dir.resolve("junction").resolve("state").resolve("turn.secret")).strip();
            List<String> junctionAuth = List.of("-W", secret, "-u", "bench");
            List<String> coturnAuth = List.of("-u", CoturnProcess.USER, "-w", CoturnProcess.PASSWORD);
            System.err.println("turn: warm-up (not reported)");
            uclient(pinned, junction.udp.getPort(), peerPort, junctionAuth, 10, o.quick() ? 2_000 : 20_000, dir);
            uclient(pinned, coturn.address.getPort(), peerPort, coturnAuth, 10, 2_000, dir);
            for (int clients : List.of(10, 100)) {
                int messages = (o.quick() ? 200_000 : 2_000_000) / clients;
                for (int r = 0; r < o.runs(); r++) {
                    boolean junctionFirst = r % 2 == 1;
                    for (int k = 0; k < 2; k++) {
                        boolean isJunction = junctionFirst == (k == 0);
                        ChildProcess relay = isJunction ? junction.process : coturn.process;
                        int port = isJunction ? junction.udp.getPort() : coturn.address.getPort();
                        double cpu0 = relay.cpuSeconds();
                        long counted0 = isJunction ? relayedCount(junction) : 0;
                        long t0 = System.nanoTime();
                        long[] totals = uclient(pinned, port, peerPort, isJunction ? junctionAuth : coturnAuth, clients, messages, dir);
                        double wall = (System.nanoTime() - t0) / 1e9;
                        double cpu = relay.cpuSeconds() - cpu0;
                        runs.add(new Run(isJunction ? "Junction" : "coturn", clients, totals[0], totals[1], wall, cpu,
                                isJunction ? relayedCount(junction) - counted0 : -1));
                        System.err.println("turn: " + runs.get(runs.size() - 1));
                    }
                }
            }
        }
        report.heading("9. TURN against TURN: coturn's uclient through coturn and through Junction");
        report.line("`turnutils_uclient -m CLIENTS -n N -l " + LENGTH + " -z 0` (coturn's, UDP, channels, unpaced) to one"
                + " `turnutils_peer` echo, against coturn ("
                + Bench.version("turnserver", "--version") + ", its default threads) and Junction's TURN server (REST credentials, peer"
                + " policy allowing loopback, no bandwidth cap), alternating which goes first, every run published. "
                + (pinned ? "Relay pinned to core 0 (`taskset -a -cp 0 PID`), uclient and the peer to core 1."
                        : "Not pinned (fewer than two cores or no taskset): figures include the generator's competition.")
                + " \"received\" counts the datagrams the relay received (messages sent plus echoes returned: two per round trip);"
                + " \"per relay core\" is received / relay CPU seconds, what one fully busy core would take at this cost;"
                + " \"busy\" is relay CPU over wall time. The estimate holds while the generator keeps up; once its core"
                + " saturates, datagrams are also lost before they reach the relay, and sent + echoed no longer counts what the"
                + " relay received. Junction's own count (`junction_turn_relayed_packets_total`, both directions, plus TURN"
                + " drops) is exact and shown beside it (coturn exports no such count here): where the two differ, the estimated"
                + " columns of that load are not a per-datagram cost for either relay.");
        report.blank();
        List<List<String>> rows = new ArrayList<>();
        for (Run r : runs) {
            rows.add(List.of(r.relay(), Integer.toString(r.clients()), Long.toString(r.sent()), Long.toString(r.echoed()),
                    String.format(java.util.Locale.ROOT, "%.2f %%", 100.0 * (r.sent() - r.echoed()) / Math.max(1, r.sent())), String.format(java.util.Locale.ROOT, "%.2f", r.wallSeconds()),
                    String.format(java.util.Locale.ROOT, "%.0f", r.received() / r.wallSeconds()), String.format(java.util.Locale.ROOT, "%.0f %%", 100 * r.cpuSeconds() / r.wallSeconds()),
                    String.format(java.util.Locale.ROOT, "%.0f", r.received() / r.cpuSeconds()), String.format(java.util.Locale.ROOT, "%.2f", r.microsPerDatagram()),
                    r.counted() < 0 ? "-" : r.counted() + String.format(java.util.Locale.ROOT, " (%.2f µs each)", r.cpuSeconds() * 1e6 / r.counted())));
        }
        report.table(List.of("relay", "clients", "sent", "echoed", "lost", "wall s", "received/s (est.)", "relay busy",
                "received per relay core-s (est.)", "relay CPU µs per datagram (est.)", "Junction's own count of received datagrams"), rows);
        for (int clients : List.of(10, 100)) {
            List<Double> j = new ArrayList<>();
            List<Double> c = new ArrayList<>();
            for (Run r : runs) {
                if (r.clients() == clients) {
                    (r.relay().equals("Junction") ? j : c).add(r.microsPerDatagram());
                }
            }
            List<Double> exact = new ArrayList<>();
            List<Double> estimateOff = new ArrayList<>();
            for (Run r : runs) {
                if (r.clients() == clients && r.counted() > 0) {
                    exact.add(r.cpuSeconds() * 1e6 / r.counted());
                    estimateOff.add(Math.abs(r.received() - r.counted()) / (double) r.counted());
                }
            }
            boolean estimateHolds = Stats.of(estimateOff).max() <= 0.02;
            report.line("- " + clients + " clients: relay CPU per received datagram, Junction " + Stats.of(j).format("%.2f") + " µs, coturn "
                    + Stats.of(c).format("%.2f") + " µs (estimated; median (min–max) of " + j.size() + " runs each)"
                    + (estimateHolds ? "; Junction/coturn " + Stats.fmt("%.2f", Stats.of(j).median() / Stats.of(c).median()) + "x."
                    : "; **not comparable**: the estimate is off by up to " + Stats.fmt("%.0f", 100 * Stats.of(estimateOff).max())
                    + " % of Junction's exact count, whose cost is " + Stats.of(exact).format("%.2f") + " µs per datagram."));
        }
        report.blank();
    }

    /** Datagrams Junction's TURN server took in so far: relayed both ways plus dropped, from its /metrics. */
    static long relayedCount(JunctionRelayProcess junction) throws IOException, InterruptedException {
        String scrape = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(junction.metrics))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        long total = 0;
        Matcher m = Pattern.compile("(?m)^junction_turn_(relayed_packets|drops)_total\\{[^}]*} ([0-9.E]+)$").matcher(scrape);
        while (m.find()) {
            total += (long) Double.parseDouble(m.group(2));
        }
        return total;
    }

    /** Runs uclient; returns {sent, echoed} from its last totals line. */
    static long[] uclient(boolean pinned, int port, int peerPort, List<String> auth, int clients, int messages, Path dir)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("turnutils_uclient", "-p", Integer.toString(port), "-e", "127.0.0.1", "-r",
                Integer.toString(peerPort), "-m", Integer.toString(clients), "-n", Integer.toString(messages), "-l", Integer.toString(LENGTH),
                "-z", "0"));
        cmd.addAll(auth);
        cmd.add("127.0.0.1");
        Process p = new ProcessBuilder(cpu(pinned, 1, cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("uclient did not finish within 120 s");
        }
        Files.writeString(dir.resolve("uclient-last.log"), out);
        Matcher m = TOTALS.matcher(out);
        long[] totals = null;
        while (m.find()) {
            totals = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
        }
        if (totals == null || totals[0] == 0) {
            throw new IOException("uclient relayed nothing through port " + port + "; its output is in " + dir.resolve("uclient-last.log"));
        }
        return totals;
    }

    private static List<String> cpu(boolean pinned, int core, List<String> cmd) {
        if (!pinned) {
            return cmd;
        }
        List<String> out = new ArrayList<>(List.of("taskset", "-c", Integer.toString(core)));
        out.addAll(cmd);
        return out;
    }

    private static Path writeSecret(Path dir) throws IOException {
        Path secret = dir.resolve("admission.secret");
        dev.junction.wire.admission.AdmissionSecret.write(dev.junction.wire.admission.AdmissionSecret.generate(), secret);
        return secret;
    }
}
