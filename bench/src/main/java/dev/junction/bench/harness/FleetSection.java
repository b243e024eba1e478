package dev.junction.bench.harness;

import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.CloseReason;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Section 8: a fleet of two Junction relays on one Redis (issue 16), measured against one relay in
 * the same run: connect time and relayed round trips through two relays vs one, the directory
 * lookup latency the relay itself records; then with a third relay, Redis memory per published
 * reservation at 10k reservations and how soon a restarted relay's peers are reachable again.
 */
final class FleetSection {
    /** The relays' heartbeat here: the fleet assembles within a couple of seconds. */
    static final String HEARTBEAT = "1s";

    private FleetSection() {
    }

    static void run(Options o, EventLoopGroup group, Report report) throws Exception {
        Path dir = o.work().resolve("fleet");
        Files.createDirectories(dir);
        Path secret = dir.resolve("admission.secret");
        AdmissionSecret.write(AdmissionSecret.generate(), secret);
        try (RedisServer redis = RedisServer.start(dir.resolve("redis"))) {
            // One caller opens and closes circuits back to back: above the default 50 control requests a second.
            String fleet = "fleet { directory = \"redis://127.0.0.1:" + redis.port + "\", secret-file = \""
                    + dir.resolve("fleet.secret") + "\", heartbeat = " + HEARTBEAT + " }\nlimits.control-requests-per-second = 100000";
            try (JunctionRelayProcess a = JunctionRelayProcess.start(o.relayJar(), dir.resolve("a"), List.of(), secret, fleet);
                 JunctionRelayProcess b = JunctionRelayProcess.start(o.relayJar(), dir.resolve("b"), List.of(), secret, fleet)) {
                awaitMesh(a);
                awaitMesh(b);
                System.err.println("fleet: two relays meshed; warm-up (not reported)");
                roundTrips(o, group, a, b, 10, RelaySection.WARMUP_SECONDS, true);
                roundTrips(o, group, a, a, 10, RelaySection.WARMUP_SECONDS, true);
                report.heading("8. Fleet: two relays on one Redis vs one relay");
                report.line("Two Junction relays (each its own JVM, `" + JunctionRelayProcess.HEAP + "`) in a fleet on one redis-server ("
                        + Bench.version("redis-server", "--version").replaceAll(" sha=.*", "") + "), heartbeat " + HEARTBEAT
                        + ", control requests not rate-limited (one caller opens circuits back to back), all on 127.0.0.1. \"One relay\": both clients on relay A; \"two relays\": caller on A, callee on B, so"
                        + " every packet crosses A, the mesh link (UDP between the relays) and B. Each figure is the median of "
                        + o.runs() + " runs (min–max); the two kinds alternate.");
                report.blank();
                connects(o, group, a, b, report);
                throughputAndLatency(o, group, a, b, report);
                directoryLatency(a, report);
                directoryUnderLoad(o, group, a, b, report);
                atScale(o, group, a, b, redis, report, dir, secret, fleet);
            }
        }
    }

    /** Connect time: CONNECT to both CIRCUIT_OPENs, callee accepting at once, same relay vs across the mesh. */
    private static void connects(Options o, EventLoopGroup group, JunctionRelayProcess a, JunctionRelayProcess b, Report report)
            throws Exception {
        int n = o.quick() ? 50 : 300;
        try (Clients cs = new Clients()) {
            JunctionClient caller = cs.add(JunctionClient.login(group, a, false));
            JunctionClient near = cs.add(JunctionClient.login(group, a, false));
            JunctionClient far = cs.add(JunctionClient.login(group, b, false));
            LatencyHistogram same = new LatencyHistogram();
            LatencyHistogram cross = new LatencyHistogram();
            for (int i = 0; i < 2 * n; i++) {
                JunctionClient callee = i % 2 == 0 ? near : far;
                long t0 = System.nanoTime();
                int id = caller.connect(callee);
                (i % 2 == 0 ? same : cross).record(System.nanoTime() - t0);
                caller.send(new CircuitFrames.CircuitClose(id, CloseReason.NORMAL, 0));
                callee.expect(CircuitFrames.CircuitClose.class);
            }
            report.line("**Connect time** (" + n + " circuits each, opened and closed one after another, one caller): the caller's"
                    + " CONNECT until both sides hold CIRCUIT_OPEN.");
            report.blank();
            report.table(List.of("callee", "p50 µs", "p99 µs", "two relays / one (p50)"), List.of(
                    List.of("on the caller's relay", fmt(same.quantileMicros(0.5)), fmt(same.quantileMicros(0.99)), "—"),
                    List.of("on another relay of the fleet", fmt(cross.quantileMicros(0.5)), fmt(cross.quantileMicros(0.99)),
                            Stats.fmt("%.2f", cross.quantileMicros(0.5) / same.quantileMicros(0.5)))));
        }
    }

    private static void throughputAndLatency(Options o, EventLoopGroup group, JunctionRelayProcess a, JunctionRelayProcess b,
                                             Report report) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        for (int pairs : List.of(1, 10)) {
            List<Double> one = new ArrayList<>();
            List<Double> two = new ArrayList<>();
            List<Double> oneP50 = new ArrayList<>();
            List<Double> twoP50 = new ArrayList<>();
            for (int run = 0; run < o.runs(); run++) {
                boolean oneFirst = run % 2 == 0;
                RoundTripLoad.Result x = roundTrips(o, group, a, oneFirst ? a : b, pairs, o.durationSeconds(), false);
                RoundTripLoad.Result y = roundTrips(o, group, a, oneFirst ? b : a, pairs, o.durationSeconds(), false);
                RoundTripLoad.Result r1 = oneFirst ? x : y;
                RoundTripLoad.Result r2 = oneFirst ? y : x;
                one.add(r1.perSecond());
                two.add(r2.perSecond());
                oneP50.add(r1.rtt().quantileMicros(0.5));
                twoP50.add(r2.rtt().quantileMicros(0.5));
            }
            rows.add(List.of(String.valueOf(pairs), Stats.of(one).format("%.0f"), Stats.of(two).format("%.0f"),
                    Stats.ratios(two, one).format("%.2f"), Stats.of(oneP50).format("%.0f"), Stats.of(twoP50).format("%.0f"),
                    Stats.fmt("%+.0f", Stats.of(twoP50).median() - Stats.of(oneP50).median())));
        }
        report.blank();
        report.line("**Relayed round trips**, UDP, 1200-byte payloads, one round trip in flight per pair, " + o.durationSeconds()
                + " s per run (as section 1). Both relays and the load generator share the machine's cores, so the two-relay"
                + " rows also pay for a second relay process on the same CPUs.");
        report.blank();
        report.table(List.of("pairs", "one relay rt/s", "two relays rt/s", "two / one", "one relay p50 µs", "two relays p50 µs",
                "added by the second relay p50 µs"), rows);
    }

    /** The lookup latency the relay records in junction_directory_request_seconds (bucket upper bounds). */
    private static void directoryLatency(JunctionRelayProcess a, Report report) throws Exception {
        List<double[]> buckets = lookupBuckets(a);
        double total = buckets.isEmpty() ? 0 : buckets.get(buckets.size() - 1)[1];
        report.blank();
        report.line("**Directory lookups** as relay A recorded them (`junction_directory_request_seconds{op=\"lookup\"}`, "
                + (long) total + " lookups: one per cross-relay CONNECT of this section, warm-up included), as the upper bound of the histogram bucket holding"
                + " the percentile: p50 ≤ " + bound(buckets, total, 0.5) + " µs, p99 ≤ " + bound(buckets, total, 0.99) + " µs.");
    }

    /** Callers connecting at once in {@link #directoryUnderLoad}. */
    static final int LOAD_CALLERS = 8;

    /**
     * Lookups under load: {@link #LOAD_CALLERS} callers on relay A each connect to their own callee on
     * relay B and close again, all at once, so A looks peers up concurrently; A's histogram difference
     * over that phase, and the connect times the callers saw.
     */
    private static void directoryUnderLoad(Options o, EventLoopGroup group, JunctionRelayProcess a, JunctionRelayProcess b, Report report)
            throws Exception {
        int each = o.quick() ? 20 : 150;
        List<double[]> before = lookupBuckets(a);
        LatencyHistogram connect = new LatencyHistogram();
        long t0;
        long elapsed;
        try (Clients cs = new Clients()) {
            List<JunctionClient[]> pairs = new ArrayList<>();
            for (int i = 0; i < LOAD_CALLERS; i++) {
                pairs.add(new JunctionClient[] {cs.add(JunctionClient.login(group, a, false)), cs.add(JunctionClient.login(group, b, false))});
            }
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(LOAD_CALLERS);
            try {
                t0 = System.nanoTime();
                List<java.util.concurrent.Future<?>> runs = new ArrayList<>();
                for (JunctionClient[] pair : pairs) {
                    runs.add(pool.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            long start = System.nanoTime();
                            int id = pair[0].connect(pair[1]);
                            connect.record(System.nanoTime() - start);
                            pair[0].send(new CircuitFrames.CircuitClose(id, CloseReason.NORMAL, 0));
                            pair[1].expect(CircuitFrames.CircuitClose.class);
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> r : runs) {
                    r.get(120, TimeUnit.SECONDS);
                }
                elapsed = System.nanoTime() - t0;
            } finally {
                pool.shutdownNow();
            }
        }
        List<double[]> after = lookupBuckets(a);
        List<double[]> delta = new ArrayList<>();
        for (int i = 0; i < after.size(); i++) {
            delta.add(new double[] {after.get(i)[0], after.get(i)[1] - (i < before.size() ? before.get(i)[1] : 0)});
        }
        double total = delta.isEmpty() ? 0 : delta.get(delta.size() - 1)[1];
        int n = LOAD_CALLERS * each;
        report.blank();
        report.line("**Directory lookups under load**: " + LOAD_CALLERS + " callers on relay A connecting at once, each to its own callee on"
                + " relay B, " + each + " circuits each (" + n + " in " + Stats.fmt("%.1f", elapsed / 1e9) + " s, "
                + Stats.fmt("%.0f", n / (elapsed / 1e9)) + " connects/s). Relay A's " + (long) total + " lookups of that phase: p50 ≤ "
                + bound(delta, total, 0.5) + " µs, p99 ≤ " + bound(delta, total, 0.99) + " µs (bucket upper bounds); connect time as the"
                + " callers saw it: p50 " + fmt(connect.quantileMicros(0.5)) + " µs, p99 " + fmt(connect.quantileMicros(0.99)) + " µs.");
    }

    /** Relay {@code relay}'s cumulative lookup histogram: {upper bound in seconds, count}, in bucket order. */
    private static List<double[]> lookupBuckets(JunctionRelayProcess relay) throws Exception {
        String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(relay.metrics)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        List<double[]> buckets = new ArrayList<>();
        Matcher m = Pattern.compile("junction_directory_request_seconds_bucket\\{([^}]*)} ([0-9.E+-]+)").matcher(scrape);
        while (m.find()) {
            Matcher le = Pattern.compile("le=\"([^\"]+)\"").matcher(m.group(1));
            if (m.group(1).contains("op=\"lookup\"") && le.find()) {
                buckets.add(new double[] {le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1)),
                        Double.parseDouble(m.group(2))});
            }
        }
        return buckets;
    }

    private static String bound(List<double[]> buckets, double total, double q) {
        for (double[] b : buckets) {
            if (b[1] >= q * total && total > 0) {
                return Double.isInfinite(b[0]) ? "∞" : fmt(b[0] * 1e6);
            }
        }
        return "n/a";
    }

    /**
     * Many reservations across three relays: Redis memory per published reservation, and how long
     * after a relay restarts its peers are reachable from another relay again (the restart, then
     * every peer's new login, {@link #LOGIN_THREADS} at a time, then a CONNECT from relay A to each).
     */
    private static void atScale(Options o, EventLoopGroup group, JunctionRelayProcess a, JunctionRelayProcess b, RedisServer redis,
                                Report report, Path dir, Path secret, String fleet) throws Exception {
        int n = o.quick() ? 600 : 10_000;
        JunctionRelayProcess c = JunctionRelayProcess.start(o.relayJar(), dir.resolve("c"), List.of(), secret, fleet);
        JunctionRelayProcess[] relays = {a, b, c};
        try (Clients cs = new Clients()) {
            awaitMesh(a, 3);
            long before = redis.usedMemory();
            long t0 = System.nanoTime();
            List<JunctionClient> onC = loginAll(group, c, n / 3, cs);
            for (int i = 0; i < n - n / 3; i++) {
                cs.add(JunctionClient.login(group, relays[i % 2], false));
            }
            double loginSeconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(2000); // writes are asynchronous: let them land
            long after = redis.usedMemory();
            JunctionClient caller = cs.add(JunctionClient.login(group, a, false));

            long killed = System.nanoTime();
            c.kill();
            onC.forEach(JunctionClient::close);
            c = JunctionRelayProcess.start(o.relayJar(), dir.resolve("c"), List.of(), secret, fleet);
            relays[2] = c;
            awaitMesh(c, 3);
            double restartSeconds = (System.nanoTime() - killed) / 1e9;
            List<JunctionClient> back = loginAll(group, c, n / 3, cs);
            double reloginSeconds = (System.nanoTime() - killed) / 1e9 - restartSeconds;
            for (JunctionClient callee : back) {
                int id = caller.connect(callee);
                caller.send(new CircuitFrames.CircuitClose(id, CloseReason.NORMAL, 0));
                callee.expect(CircuitFrames.CircuitClose.class);
            }
            double reachableSeconds = (System.nanoTime() - killed) / 1e9;
            report.blank();
            report.line("**At scale**: " + n + " reservations across three relays of the fleet (logged in by the harness, "
                    + (n / 3) + " of them " + LOGIN_THREADS + " at a time, in " + Stats.fmt("%.1f", loginSeconds) + " s). Redis's `used_memory`"
                    + " grew by " + (after - before) / 1024 + " KiB, " + (after - before) / n + " bytes per reservation (one key, its sealed"
                    + " value and its expiry).");
            report.blank();
            report.line("**A relay restarted** (SIGKILL, then started again on its identity) with " + (n / 3) + " peers: back and meshed after "
                    + Stats.fmt("%.1f", restartSeconds) + " s, its peers logged in again " + LOGIN_THREADS + " at a time within a further "
                    + Stats.fmt("%.1f", reloginSeconds) + " s, and every one of them reached from relay A by a CONNECT (one after another) "
                    + Stats.fmt("%.1f", reachableSeconds) + " s after the kill. Real clients reconnect after a jittered backoff of 250 ms"
                    + " doubling (docs/PROTOCOL.md), so they spread their logins over a few seconds more than the harness does.");
        } finally {
            c.close();
        }
    }

    /** Logins of a client library reconnecting: this many at once. */
    static final int LOGIN_THREADS = 16;

    /** {@code n} clients logged in to {@code relay}, {@link #LOGIN_THREADS} at a time. */
    private static List<JunctionClient> loginAll(EventLoopGroup group, JunctionRelayProcess relay, int n, Clients cs) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(LOGIN_THREADS);
        try {
            List<java.util.concurrent.Future<JunctionClient>> f = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                f.add(pool.submit(() -> JunctionClient.login(group, relay, false)));
            }
            List<JunctionClient> out = new ArrayList<>();
            for (java.util.concurrent.Future<JunctionClient> x : f) {
                out.add(cs.add(x.get(120, TimeUnit.SECONDS)));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    static RoundTripLoad.Result roundTrips(Options o, EventLoopGroup group, JunctionRelayProcess callerRelay, JunctionRelayProcess calleeRelay,
                                           int pairs, double seconds, boolean warmup) throws Exception {
        try (Clients cs = new Clients()) {
            List<RoundTripLoad.Pair> list = new ArrayList<>();
            for (int i = 0; i < pairs; i++) {
                JunctionClient x = cs.add(JunctionClient.login(group, callerRelay, true));
                JunctionClient y = cs.add(JunctionClient.login(group, calleeRelay, true));
                x.connect(y);
                list.add(new RoundTripLoad.Pair(x.data(), y.data()));
            }
            RoundTripLoad.Result r = RoundTripLoad.run(list, Bench.PAYLOAD, warmup ? 0 : o.warmupSeconds(), seconds, o.maxRoundTrips());
            if (!warmup) {
                System.err.printf("  fleet %s, %d pairs: %.0f rt/s, p50 %.0f µs%n", callerRelay == calleeRelay ? "one relay" : "two relays",
                        pairs, r.perSecond(), r.rtt().quantileMicros(0.5));
            }
            return r;
        }
    }

    /** Waits until {@code relay} reports a mesh link up (at most 30 s). */
    private static void awaitMesh(JunctionRelayProcess relay) throws Exception {
        awaitMesh(relay, 2);
    }

    /** Waits until {@code relay} sees {@code relays} relays in the fleet and holds a link to each other one (at most 30 s). */
    private static void awaitMesh(JunctionRelayProcess relay, int relays) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        HttpClient http = HttpClient.newHttpClient();
        while (System.nanoTime() < deadline) {
            String scrape = http.send(HttpRequest.newBuilder(URI.create(relay.metrics)).build(), HttpResponse.BodyHandlers.ofString()).body();
            if (scrape.contains("junction_mesh_links{state=\"up\"} " + (relays - 1) + ".0") && scrape.contains("junction_fleet_relays " + relays + ".0")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException("the fleet's relays did not mesh within 30 s");
    }

    private static String fmt(double micros) {
        return Stats.fmt("%.0f", micros);
    }

    /** Clients closed together. */
    private static final class Clients implements AutoCloseable {
        private final List<JunctionClient> all = java.util.Collections.synchronizedList(new ArrayList<>());

        JunctionClient add(JunctionClient c) {
            all.add(c);
            return c;
        }

        @Override
        public void close() {
            all.forEach(JunctionClient::close);
        }
    }

    /** A redis-server on a free loopback port, no persistence, stopped by its PID. */
    static final class RedisServer implements AutoCloseable {
        final int port;
        private final ChildProcess process;

        private RedisServer(int port, ChildProcess process) {
            this.port = port;
            this.process = process;
        }

        static RedisServer start(Path dir) throws IOException, InterruptedException {
            Files.createDirectories(dir);
            int port = Ports.free();
            Path log = dir.resolve("redis.log");
            ChildProcess p = ChildProcess.start("redis-server", List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                    "--save", "", "--appendonly", "no", "--dir", dir.toString()), log);
            RedisServer r = new RedisServer(port, p);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                try {
                    r.usedMemory();
                    return r;
                } catch (IOException notYet) {
                    Thread.sleep(50);
                }
            }
            p.close();
            throw new IOException("redis-server did not start; see " + log);
        }

        /** {@code used_memory} from INFO memory, in bytes. */
        long usedMemory() throws IOException {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write("INFO memory\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                StringBuilder text = new StringBuilder();
                byte[] buf = new byte[8192];
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                while (!text.toString().contains("used_memory:") || !text.toString().contains("used_memory_human")) {
                    int n = in.read(buf);
                    if (n < 0 || System.nanoTime() > deadline) {
                        break;
                    }
                    text.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
                }
                Matcher m = Pattern.compile("used_memory:(\\d+)").matcher(text);
                if (!m.find()) {
                    throw new IOException("no used_memory in Redis INFO");
                }
                return Long.parseLong(m.group(1));
            }
        }

        @Override
        public void close() {
            process.close();
        }
    }
}
