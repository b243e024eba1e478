package dev.junction.bench.harness;

import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;

/**
 * Sections 1 and 2: relayed round trips and MB/s at 1, 10 and 100 pairs over the UDP and the TCP
 * paths, Junction run i next to coturn run i, with each relay's CPU seconds per million packets;
 * then the latency of one pair against raw UDP loopback.
 */
final class RelaySection {
    /** Seconds of unreported traffic per path before the first measurement. */
    static final double WARMUP_SECONDS = 3;
    private final Options o;
    private final EventLoopGroup group;
    private final JunctionRelayProcess junction;
    private final CoturnProcess coturn;
    private final Report report;

    RelaySection(Options o, EventLoopGroup group, JunctionRelayProcess junction, CoturnProcess coturn, Report report) {
        this.o = o;
        this.group = group;
        this.junction = junction;
        this.coturn = coturn;
        this.report = report;
    }

    /** One measured window through one system, with the relay process's CPU over it. */
    record Run(PairSetup.Path path, RoundTripLoad.Result result, double cpuSeconds) {
        /** CPU µs per datagram (or frame) the relay received: the path says how many it receives per round trip. */
        double cpuMicrosPerReceived() {
            return cpuSeconds * 1e6 / ((double) result.roundTrips() * path.receivedPerRoundTrip);
        }
    }

    Run measure(PairSetup.Path path, int pairs, double duration, long maxRoundTrips) throws Exception {
        ChildProcess relay = switch (path) {
            case JUNCTION_UDP, JUNCTION_TLS -> junction.process;
            case TURN_UDP, TURN_UDP_ONE, TURN_TCP, TURN_TLS -> coturn.process;
            case RAW_UDP -> null;
        };
        try (PairSetup setup = PairSetup.open(path, pairs, group, junction, coturn)) {
            double cpu0 = relay != null ? relay.cpuSeconds() : 0;
            RoundTripLoad.Result r = RoundTripLoad.run(setup.pairs, Bench.PAYLOAD, o.warmupSeconds(), duration, maxRoundTrips);
            // The CPU delta covers warm-up too: scale it to the measured window's share.
            double cpu = relay != null ? (relay.cpuSeconds() - cpu0) * r.seconds() / (r.seconds() + o.warmupSeconds()) : Double.NaN;
            System.err.printf("  %s, %d pairs: %.0f rt/s, lost %d, cpu %.2f s%n", path.label, pairs, r.perSecond(), r.lost(), cpu);
            return new Run(path, r, cpu);
        }
    }

    /**
     * Not reported: traffic through both relays on every path and STUN, so the Junction JVM's JIT has
     * compiled its hot paths before the first measured window (a relay is a long-running process).
     */
    void warmUp() throws Exception {
        System.err.println("warm-up (not reported)");
        for (PairSetup.Path p : new PairSetup.Path[] {
                PairSetup.Path.JUNCTION_UDP, PairSetup.Path.TURN_UDP_ONE, PairSetup.Path.TURN_UDP, PairSetup.Path.JUNCTION_TLS,
                PairSetup.Path.TURN_TCP, PairSetup.Path.TURN_TLS}) {
            measure(p, 10, WARMUP_SECONDS, o.maxRoundTrips());
        }
        StunLoad.saturate(group, junction.udp, o.stunSockets(), o.stunWindow(), 0, WARMUP_SECONDS, o.maxRoundTrips());
        StunLoad.saturate(group, coturn.address, o.stunSockets(), o.stunWindow(), 0, WARMUP_SECONDS, o.maxRoundTrips());
    }

    void throughput() throws Exception {
        report.heading("1. Relayed throughput: round trips/s and MB/s, 1200-byte payloads");
        report.line("Each pair: A sends a 1200-byte payload to B through the relay, B echoes it, A sends the next when the echo is"
                + " back (one round trip in flight per pair). MB/s counts payload bytes relayed in both directions. "
                + o.runs() + " runs of " + o.durationSeconds() + " s after " + o.warmupSeconds() + " s warm-up (at most "
                + o.maxRoundTrips() + " round trips); Junction and coturn take turns (Junction first in even runs, coturn first in"
                + " odd ones), and the ratio is taken per pair of runs. CPU is the relay process's utime+stime over the window, in"
                + " µs per datagram (or TCP frame) the relay received: 2 per round trip for a Junction circuit and for a TURN"
                + " allocation talking to a plain UDP peer (one pass through the relay per leg, the like-for-like row), 4 when"
                + " both ends are TURN allocations (every payload passes through coturn twice; those rows are labelled)."
                + " Figures are median (min–max). The TCP rows compare Junction's only TCP path (TLS 1.3) with coturn"
                + " once over plain TCP (the issue's comparison) and once over TLS (like for like, except that Debian's coturn"
                + " 4.6.1 refuses TLS 1.3: it runs TLS 1.2 with AES-256-GCM, Junction TLS 1.3).");
        report.blank();
        List<List<String>> rows = new ArrayList<>();
        for (PairSetup.Path[] paths : new PairSetup.Path[][] {
                {PairSetup.Path.JUNCTION_UDP, PairSetup.Path.TURN_UDP_ONE}, {PairSetup.Path.JUNCTION_UDP, PairSetup.Path.TURN_UDP},
                {PairSetup.Path.JUNCTION_TLS, PairSetup.Path.TURN_TCP}, {PairSetup.Path.JUNCTION_TLS, PairSetup.Path.TURN_TLS}}) {
            for (int pairs : o.pairCounts()) {
                List<Double> jr = new ArrayList<>();
                List<Double> cr = new ArrayList<>();
                List<Double> jmb = new ArrayList<>();
                List<Double> cmb = new ArrayList<>();
                List<Double> jcpu = new ArrayList<>();
                List<Double> ccpu = new ArrayList<>();
                for (int run = 0; run < o.runs(); run++) {
                    // Take turns: neither relay always runs on the machine the other just warmed (or heated).
                    Run j;
                    Run c;
                    if (run % 2 == 0) {
                        j = measure(paths[0], pairs, o.durationSeconds(), o.maxRoundTrips());
                        c = measure(paths[1], pairs, o.durationSeconds(), o.maxRoundTrips());
                    } else {
                        c = measure(paths[1], pairs, o.durationSeconds(), o.maxRoundTrips());
                        j = measure(paths[0], pairs, o.durationSeconds(), o.maxRoundTrips());
                    }
                    jr.add(j.result().perSecond());
                    cr.add(c.result().perSecond());
                    jmb.add(j.result().megabytesPerSecond());
                    cmb.add(c.result().megabytesPerSecond());
                    jcpu.add(j.cpuMicrosPerReceived());
                    ccpu.add(c.cpuMicrosPerReceived());
                }
                rows.add(List.of(switch (paths[1]) {
                    case TURN_UDP_ONE -> "UDP (coturn: one allocation, plain UDP peer)";
                    case TURN_UDP -> "UDP (coturn: both ends allocated, each payload through coturn twice)";
                    case TURN_TCP -> "TCP (Junction TLS, coturn plain TCP)";
                    default -> "TLS over TCP (both)";
                },
                        String.valueOf(pairs), Stats.of(jr).format("%.0f"), Stats.of(cr).format("%.0f"),
                        Stats.of(jmb).format("%.1f"), Stats.of(cmb).format("%.1f"), Stats.ratios(jr, cr).format("%.2f"),
                        Stats.of(jcpu).format("%.2f"), Stats.of(ccpu).format("%.2f")));
            }
        }
        report.table(List.of("path", "pairs", "Junction rt/s", "coturn rt/s", "Junction MB/s", "coturn MB/s",
                "Junction/coturn", "Junction CPU µs per datagram received", "coturn CPU µs per datagram received"), rows);
    }

    void latency() throws Exception {
        report.heading("2. Latency added by the relay: round trip of 1200-byte datagrams, one pair");
        report.line("One pair, one datagram in flight, " + o.latencyRoundTrips() + " round trips per run (or " + o.durationSeconds()
                + " s), " + o.runs() + " runs; percentiles in microseconds, median over runs (min–max). Raw UDP is two sockets"
                + " echoing straight to each other: the loopback limit. Added = relay p50 - raw p50.");
        report.blank();
        PairSetup.Path[] paths = {PairSetup.Path.RAW_UDP, PairSetup.Path.TURN_UDP_ONE, PairSetup.Path.TURN_UDP, PairSetup.Path.JUNCTION_UDP};
        List<List<Double>> p50 = new ArrayList<>();
        List<List<Double>> p99 = new ArrayList<>();
        List<List<Double>> p999 = new ArrayList<>();
        for (int i = 0; i < paths.length; i++) {
            p50.add(new ArrayList<>());
            p99.add(new ArrayList<>());
            p999.add(new ArrayList<>());
        }
        for (int run = 0; run < o.runs(); run++) {
            for (int i = 0; i < paths.length; i++) {
                RoundTripLoad.Result r = measure(paths[i], 1, o.durationSeconds(), o.latencyRoundTrips()).result();
                p50.get(i).add(r.rtt().quantileMicros(0.5));
                p99.get(i).add(r.rtt().quantileMicros(0.99));
                p999.get(i).add(r.rtt().quantileMicros(0.999));
            }
        }
        double raw = Stats.of(p50.get(0)).median();
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < paths.length; i++) {
            Stats s = Stats.of(p50.get(i));
            rows.add(List.of(paths[i].label, s.format("%.0f"), Stats.of(p99.get(i)).format("%.0f"), Stats.of(p999.get(i)).format("%.0f"),
                    i == 0 ? "—" : Stats.fmt("%+.0f", s.median() - raw)));
        }
        report.table(List.of("path", "p50 µs", "p99 µs", "p99.9 µs", "added p50 µs"), rows);
    }
}
