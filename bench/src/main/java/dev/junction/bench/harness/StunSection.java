package dev.junction.bench.harness;

import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** Section 3: STUN Binding responses per second at saturation, and latency under a fixed moderate load. */
final class StunSection {
    private StunSection() {
    }

    static void run(Options o, EventLoopGroup group, JunctionRelayProcess junction, CoturnProcess coturn, Report report)
            throws InterruptedException {
        report.heading("3. STUN Binding: responses/s at saturation, latency at a fixed load");
        report.line("Saturation: " + o.stunSockets() + " UDP sockets, each keeping " + o.stunWindow() + " Binding requests"
                + " outstanding (a new one per response). Fixed load: " + o.stunModerateRate() + " requests/s paced in 1 ms"
                + " ticks over the same sockets. Bare 20-byte Binding requests; " + o.runs() + " runs of " + o.durationSeconds()
                + " s each, Junction then coturn; median (min–max).");
        report.blank();
        List<Double> jRate = new ArrayList<>();
        List<Double> cRate = new ArrayList<>();
        List<Double> j50 = new ArrayList<>();
        List<Double> j99 = new ArrayList<>();
        List<Double> c50 = new ArrayList<>();
        List<Double> c99 = new ArrayList<>();
        for (int run = 0; run < o.runs(); run++) {
            jRate.add(saturate(o, group, junction.udp, "Junction"));
            cRate.add(saturate(o, group, coturn.address, "coturn"));
            StunLoad.Result j = StunLoad.fixedRate(group, junction.udp, o.stunSockets(), o.stunModerateRate(), o.warmupSeconds(),
                    o.durationSeconds());
            StunLoad.Result c = StunLoad.fixedRate(group, coturn.address, o.stunSockets(), o.stunModerateRate(), o.warmupSeconds(),
                    o.durationSeconds());
            j50.add(j.latency().quantileMicros(0.5));
            j99.add(j.latency().quantileMicros(0.99));
            c50.add(c.latency().quantileMicros(0.5));
            c99.add(c.latency().quantileMicros(0.99));
        }
        report.table(List.of("server", "responses/s at saturation", "p50 µs at " + o.stunModerateRate() + "/s", "p99 µs"), List.of(
                List.of("Junction", Stats.of(jRate).format("%.0f"), Stats.of(j50).format("%.0f"), Stats.of(j99).format("%.0f")),
                List.of("coturn", Stats.of(cRate).format("%.0f"), Stats.of(c50).format("%.0f"), Stats.of(c99).format("%.0f")),
                List.of("Junction/coturn", Stats.ratios(jRate, cRate).format("%.2f"), "", "")));
    }

    private static double saturate(Options o, EventLoopGroup group, InetSocketAddress server, String name) throws InterruptedException {
        StunLoad.Result r = StunLoad.saturate(group, server, o.stunSockets(), o.stunWindow(), o.warmupSeconds(), o.durationSeconds(),
                o.maxRoundTrips());
        System.err.printf("  STUN %s: %.0f responses/s%n", name, r.perSecond());
        return r.perSecond();
    }
}
