package dev.junction.bench.harness;

import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Section 10: what one relayed UDP datagram costs each relay, measured so the generator cannot hide
 * it. The relay under test is pinned to core 0 and the harness (the generator) to core 1 with
 * {@code taskset}; a closed-loop row is a saturation figure only when the relay's core was busy and
 * the generator's was not (else it is published, marked generator-bound); open-loop rows offer fixed
 * loads below both relays' saturation and give CPU µs per received datagram at each. Junction's
 * circuit against coturn's like-for-like path (one allocation, a plain UDP peer): two datagrams
 * received per round trip on each. Runs alternate which relay goes first; every run is published.
 */
final class PinnedSection {
    /** A core at or above this share of wall time is busy. */
    static final double BUSY = 0.90;
    /** Pairs for the open-loop loads. */
    static final int PACED_PAIRS = 10;

    private final Options o;
    private final EventLoopGroup group;
    private final JunctionRelayProcess junction;
    private final CoturnProcess coturn;

    /** One published run. */
    record Run(String relay, String load, int pairs, double receivedPerSecond, double delivered, double relayBusy,
               double generatorBusy, double micros) {
        boolean saturated() {
            return relayBusy >= BUSY && generatorBusy < BUSY;
        }
    }

    private PinnedSection(Options o, EventLoopGroup group, JunctionRelayProcess junction, CoturnProcess coturn) {
        this.o = o;
        this.group = group;
        this.junction = junction;
        this.coturn = coturn;
    }

    static void run(Options o, EventLoopGroup group, JunctionRelayProcess junction, CoturnProcess coturn, Report report)
            throws Exception {
        if (Runtime.getRuntime().availableProcessors() < 2 || !Bench.onPath("taskset")) {
            report.heading("10. Relay CPU per datagram, pinned");
            report.line("Not run: it needs two cores and taskset.");
            return;
        }
        new PinnedSection(o, group, junction, coturn).measure(report);
    }

    private void measure(Report report) throws Exception {
        long self = ProcessHandle.current().pid();
        // Taken before pinning: pinned to one core, availableProcessors() says 1, and restoring to "0-0"
        // left every later section (and every process it started) on one core, which the 27 Nov runs
        // showed as a serial-GC relay in section 4 and halved session figures.
        String all = affinity(self);
        List<Run> runs = new ArrayList<>();
        double[] loads = o.quick() ? new double[] {20_000, 60_000} : new double[] {20_000, 50_000, 100_000};
        try {
            pin(junction.process.pid(), "0");
            pin(coturn.process.pid(), "0");
            pin(self, "1");
            for (int run = 0; run < o.runs(); run++) {
                PairSetup.Path[] order = run % 2 == 0
                        ? new PairSetup.Path[] {PairSetup.Path.JUNCTION_UDP, PairSetup.Path.TURN_UDP_ONE}
                        : new PairSetup.Path[] {PairSetup.Path.TURN_UDP_ONE, PairSetup.Path.JUNCTION_UDP};
                for (double load : loads) {
                    for (PairSetup.Path p : order) {
                        runs.add(paced(p, load));
                    }
                }
                for (int pairs : new int[] {10, 100}) {
                    for (PairSetup.Path p : order) {
                        runs.add(closed(p, pairs));
                    }
                }
            }
        } finally {
            pin(junction.process.pid(), all);
            pin(coturn.process.pid(), all);
            pin(self, all);
        }
        write(report, runs, loads);
    }

    private static String name(PairSetup.Path p) {
        return p == PairSetup.Path.JUNCTION_UDP ? "Junction" : "coturn";
    }

    private ChildProcess process(PairSetup.Path p) {
        return p == PairSetup.Path.JUNCTION_UDP ? junction.process : coturn.process;
    }

    private Run paced(PairSetup.Path path, double load) throws Exception {
        ChildProcess relay = process(path);
        try (PairSetup setup = PairSetup.open(path, PACED_PAIRS, group, junction, coturn)) {
            double[] cpu = new double[4];
            PacedLoad.Result r = PacedLoad.run(setup.pairs, Bench.PAYLOAD, load, o.warmupSeconds(), o.durationSeconds(),
                    () -> {
                        cpu[0] = relay.cpuSeconds();
                        cpu[1] = selfCpuSeconds();
                    }, () -> {
                        cpu[2] = relay.cpuSeconds();
                        cpu[3] = selfCpuSeconds();
                    });
            double relayCpu = cpu[2] - cpu[0];
            Run run = new Run(name(path), String.format(Locale.ROOT, "open loop, %.0fk/s offered", load / 1000), PACED_PAIRS,
                    r.sentToRelay() / r.seconds(), r.delivered(), relayCpu / r.seconds(), (cpu[3] - cpu[1]) / r.seconds(),
                    relayCpu * 1e6 / r.sentToRelay());
            log(run);
            return run;
        }
    }

    private Run closed(PairSetup.Path path, int pairs) throws Exception {
        ChildProcess relay = process(path);
        try (PairSetup setup = PairSetup.open(path, pairs, group, junction, coturn)) {
            double relay0 = relay.cpuSeconds();
            double self0 = selfCpuSeconds();
            long t0 = System.nanoTime();
            RoundTripLoad.Result r = RoundTripLoad.run(setup.pairs, Bench.PAYLOAD, o.warmupSeconds(), o.durationSeconds(), o.maxRoundTrips());
            double wall = (System.nanoTime() - t0) / 1e9;
            double relayBusy = (relay.cpuSeconds() - relay0) / wall;
            double generatorBusy = (selfCpuSeconds() - self0) / wall;
            double received = (double) r.roundTrips() * path.receivedPerRoundTrip;
            Run run = new Run(name(path), "closed loop", pairs, received / r.seconds(), 1.0 - (double) r.lost() / Math.max(1, r.roundTrips()),
                    relayBusy, generatorBusy, relayBusy * r.seconds() * 1e6 / received);
            log(run);
            return run;
        }
    }

    private static void log(Run r) {
        System.err.printf(Locale.ROOT, "  pinned: %s, %s, %d pairs: %.0f received/s, relay %.0f %%, generator %.0f %%, %.2f us each%n",
                r.relay(), r.load(), r.pairs(), r.receivedPerSecond(), r.relayBusy() * 100, r.generatorBusy() * 100, r.micros());
    }

    private void write(Report report, List<Run> runs, double[] loads) {
        report.heading("10. Relay CPU per datagram, pinned: open loop at fixed loads and closed loop");
        report.line("The relay under test pinned to core 0 and the generator (this harness, one event-loop thread) to core 1"
                + " (`taskset -a -cp`); Junction's UDP circuit against coturn's one allocation talking to a plain UDP peer, so each"
                + " relay receives two 1200-byte datagrams per round trip. **Open loop**: " + PACED_PAIRS + " pairs send on a 1 ms"
                + " tick whatever comes back, so the relay is offered a fixed number of datagrams per second (A's sends and B's"
                + " echoes), below both relays' saturation; the figure is relay CPU µs per datagram it was sent, at that load."
                + " **Closed loop**: as section 1 (one round trip in flight per pair); its rate is a relay's saturation rate only"
                + " when the relay's core was at least " + (int) (BUSY * 100) + " % busy and the generator's was not, and the last"
                + " column says so. " + o.runs() + " runs of " + o.durationSeconds() + " s after " + o.warmupSeconds() + " s warm-up,"
                + " the two relays taking turns going first; every run is listed. Busy = process CPU (utime+stime) over wall time.");
        report.blank();
        List<List<String>> rows = new ArrayList<>();
        for (Run r : runs) {
            rows.add(List.of(r.relay(), r.load(), String.valueOf(r.pairs()), Stats.fmt("%.0f", r.receivedPerSecond()),
                    Stats.fmt("%.2f %%", r.delivered() * 100), Stats.fmt("%.0f %%", r.relayBusy() * 100),
                    Stats.fmt("%.0f %%", r.generatorBusy() * 100), Stats.fmt("%.2f", r.micros()),
                    r.load().startsWith("closed") ? (r.saturated()
                            ? "saturation: " + Stats.fmt("%.0f", r.receivedPerSecond() / r.relayBusy()) + " datagrams per relay core-s"
                            : r.generatorBusy() >= BUSY ? "generator-bound: not a saturation figure" : "neither core busy: not a saturation figure")
                            : "cost at this load"));
        }
        report.table(List.of("relay", "load", "pairs", "datagrams/s sent to the relay", "delivered", "relay core busy",
                "generator core busy", "relay CPU µs per datagram", "what the row is"), rows);
        Map<String, List<Double>> junctionCost = new LinkedHashMap<>();
        Map<String, List<Double>> coturnCost = new LinkedHashMap<>();
        for (Run r : runs) {
            String key = r.load() + (r.load().startsWith("closed") ? ", " + r.pairs() + " pairs" : "");
            (r.relay().equals("Junction") ? junctionCost : coturnCost).computeIfAbsent(key, k -> new ArrayList<>()).add(r.micros());
        }
        for (String key : junctionCost.keySet()) {
            List<Double> j = junctionCost.get(key);
            List<Double> c = coturnCost.getOrDefault(key, List.of());
            report.line("- " + key + ": relay CPU per datagram, Junction " + Stats.of(j).format("%.2f") + " µs, coturn "
                    + Stats.of(c).format("%.2f") + " µs (median (min–max) of " + j.size() + " runs); Junction/coturn "
                    + Stats.ratios(j, c).format("%.2f") + "x (per pair of runs; below 1 is cheaper).");
        }
        report.blank();
    }

    /** CPU seconds of this JVM (every thread), from /proc/self/stat. */
    static double selfCpuSeconds() {
        return ChildProcess.cpuSecondsOf("self");
    }

    /** The cores {@code pid} may run on, as taskset lists them ("0,1" or "0-3"). */
    static String affinity(long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("taskset", "-cp", Long.toString(pid)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || out.indexOf(": ") < 0) {
            throw new IOException("taskset could not read the affinity of process " + pid + ": " + out);
        }
        return out.substring(out.lastIndexOf(": ") + 2).trim();
    }

    /** Pins every thread of {@code pid} (and those it starts later) to {@code cores}. */
    static void pin(long pid, String cores) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("taskset", "-a", "-cp", cores, Long.toString(pid)).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("taskset could not pin process " + pid + " to " + cores);
        }
    }
}
