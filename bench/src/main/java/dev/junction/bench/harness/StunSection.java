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
                + " s each, Junction then coturn; median (min–max). Relay CPU per answer is the relay process's utime+stime over the"
                + " saturation window divided by the answers; busy is CPU over wall time of the relay and of the generator (this"
                + " harness): with the generator's core as busy as the relay's, the saturation rate is the pair's, and the CPU per"
                + " answer is the relay-only figure.");
        report.blank();
        List<Double> jRate = new ArrayList<>();
        List<Double> cRate = new ArrayList<>();
        List<Double> jCpu = new ArrayList<>();
        List<Double> cCpu = new ArrayList<>();
        List<Double> jBusy = new ArrayList<>();
        List<Double> cBusy = new ArrayList<>();
        List<Double> jGen = new ArrayList<>();
        List<Double> cGen = new ArrayList<>();
        List<Double> j50 = new ArrayList<>();
        List<Double> j99 = new ArrayList<>();
        List<Double> c50 = new ArrayList<>();
        List<Double> c99 = new ArrayList<>();
        for (int run = 0; run < o.runs(); run++) {
            double[] j0 = saturate(o, group, junction.udp, junction.process, "Junction");
            double[] c0 = saturate(o, group, coturn.address, coturn.process, "coturn");
            jRate.add(j0[0]);
            cRate.add(c0[0]);
            jCpu.add(j0[1]);
            cCpu.add(c0[1]);
            jBusy.add(j0[2]);
            cBusy.add(c0[2]);
            jGen.add(j0[3]);
            cGen.add(c0[3]);
            StunLoad.Result j = StunLoad.fixedRate(group, junction.udp, o.stunSockets(), o.stunModerateRate(), o.warmupSeconds(),
                    o.durationSeconds());
            StunLoad.Result c = StunLoad.fixedRate(group, coturn.address, o.stunSockets(), o.stunModerateRate(), o.warmupSeconds(),
                    o.durationSeconds());
            j50.add(j.latency().quantileMicros(0.5));
            j99.add(j.latency().quantileMicros(0.99));
            c50.add(c.latency().quantileMicros(0.5));
            c99.add(c.latency().quantileMicros(0.99));
        }
        report.table(List.of("server", "responses/s at saturation", "relay CPU µs per answer", "relay busy", "generator busy",
                "p50 µs at " + o.stunModerateRate() + "/s", "p99 µs"), List.of(
                List.of("Junction", Stats.of(jRate).format("%.0f"), Stats.of(jCpu).format("%.2f"), Stats.of(jBusy).format("%.0f %%"),
                        Stats.of(jGen).format("%.0f %%"), Stats.of(j50).format("%.0f"), Stats.of(j99).format("%.0f")),
                List.of("coturn", Stats.of(cRate).format("%.0f"), Stats.of(cCpu).format("%.2f"), Stats.of(cBusy).format("%.0f %%"),
                        Stats.of(cGen).format("%.0f %%"), Stats.of(c50).format("%.0f"), Stats.of(c99).format("%.0f")),
                List.of("Junction/coturn", Stats.ratios(jRate, cRate).format("%.2f"), Stats.ratios(jCpu, cCpu).format("%.2f"), "", "",
                        "", "")));
    }

    /** Responses/s, relay CPU µs per response, relay busy % and generator busy % of one saturation window. */
    private static double[] saturate(Options o, EventLoopGroup group, InetSocketAddress server, ChildProcess relay, String name)
            throws InterruptedException {
        double relay0 = relay.cpuSeconds();
        double self0 = PinnedSection.selfCpuSeconds();
        long t0 = System.nanoTime();
        StunLoad.Result r = StunLoad.saturate(group, server, o.stunSockets(), o.stunWindow(), o.warmupSeconds(), o.durationSeconds(),
                o.maxRoundTrips());
        double wall = (System.nanoTime() - t0) / 1e9;
        double relayBusy = (relay.cpuSeconds() - relay0) / wall;
        double generatorBusy = (PinnedSection.selfCpuSeconds() - self0) / wall;
        double micros = relayBusy * r.seconds() * 1e6 / r.responses();
        System.err.printf("  STUN %s: %.0f responses/s, %.2f us CPU each, relay %.0f %%, generator %.0f %%%n", name, r.perSecond(), micros,
                relayBusy * 100, generatorBusy * 100);
        return new double[] {r.perSecond(), micros, relayBusy * 100, generatorBusy * 100};
    }
}
