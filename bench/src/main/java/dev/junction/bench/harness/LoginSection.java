package dev.junction.bench.harness;

import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Section 11: how fast a relay takes clients in, as after a restart when all of them come back at
 * once: N logins (TLS 1.3, HELLO, CHALLENGE signed by the relay, AUTH signed by the client, LOGIN_OK)
 * by {@link #CONCURRENT} threads, against a fresh relay. The relay's CPU per login is the relay's own
 * cost; the wall time also pays for the harness's side of every handshake on the same two cores.
 */
final class LoginSection {
    /** Logins in flight at once (a herd, not a trickle). */
    static final int CONCURRENT = 16;
    private LoginSection() {
    }

    record Run(int logins, double seconds, double relayCpu, double harnessCpu) {
    }

    static void run(Options o, Report report) throws Exception {
        EventLoopGroup group = Net.group(2); // the clients' TLS handshakes on both cores, not the generator's one loop
        try {
            run(o, group, report);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static void run(Options o, EventLoopGroup group, Report report) throws Exception {
        int n = o.quick() ? 1000 : 10_000;
        List<Run> runs = new ArrayList<>();
        for (int run = 0; run < Math.min(2, o.runs()); run++) {
            try (JunctionRelayProcess relay = JunctionRelayProcess.start(o.relayJar(), o.work().resolve("junction-login-" + run), List.of(),
                    o.relayConf())) {
                // Unreported: 500 logins so the relay's JIT has compiled the login path (a restarted relay has not, so
                // this flatters it a little; the first 500 of a cold relay are the slowest).
                List<AutoCloseable> open = Collections.synchronizedList(new ArrayList<>());
                try {
                    login(group, relay, 500, open);
                    MemorySection.closeAll(open);
                    double relay0 = relay.process.cpuSeconds();
                    double self0 = PinnedSection.selfCpuSeconds();
                    long t0 = System.nanoTime();
                    login(group, relay, n, open);
                    double seconds = (System.nanoTime() - t0) / 1e9;
                    Run r = new Run(n, seconds, relay.process.cpuSeconds() - relay0, PinnedSection.selfCpuSeconds() - self0);
                    System.err.printf("  logins: %d in %.1f s, relay %.2f ms CPU each, harness %.2f ms each%n", n, seconds,
                            r.relayCpu() * 1e3 / n, r.harnessCpu() * 1e3 / n);
                    runs.add(r);
                } finally {
                    MemorySection.closeAll(open);
                }
            }
        }
        report.heading("11. Logins: a relay taking its clients back at once");
        report.line(n + " clients log in to a fresh relay (after 500 unreported logins that warm its JIT), " + CONCURRENT
                + " at a time, as fast as the harness (two event-loop threads) can: a TLS 1.3 handshake (the harness's JDK TLS client against the"
                + " relay's engine, BoringSSL here; the relay's self-signed Ed25519 identity certificate), HELLO, CHALLENGE signed by the relay, AUTH signed by the client, LOGIN_OK; each"
                + " client then holds its reservation. Relay and harness share the machine's cores, so the wall time also pays"
                + " for the clients' side of every handshake; the relay's CPU per login is its own cost, and \"10k on 2 relay"
                + " cores\" is 10 000 × that / 2, what the relay alone would need with both cores to itself. Every run is listed.");
        report.blank();
        List<List<String>> rows = new ArrayList<>();
        for (Run r : runs) {
            rows.add(List.of(String.valueOf(r.logins()), Stats.fmt("%.1f", r.seconds()), Stats.fmt("%.0f", r.logins() / r.seconds()),
                    Stats.fmt("%.2f", r.relayCpu() * 1e3 / r.logins()), Stats.fmt("%.2f", r.harnessCpu() * 1e3 / r.logins()),
                    Stats.fmt("%.1f s", 10_000 * r.relayCpu() / r.logins() / 2)));
        }
        report.table(List.of("logins", "wall s", "logins/s", "relay CPU ms per login", "harness CPU ms per login",
                "10k on 2 relay cores"), rows);
    }

    /** {@code n} more logins, {@link #CONCURRENT} at a time, each client kept in {@code open}. */
    private static void login(EventLoopGroup group, JunctionRelayProcess relay, int n, List<AutoCloseable> open) throws Exception {
        MemorySection.openUntil(open.size() + n, open, () -> JunctionClient.login(group, relay, false), CONCURRENT);
    }
}
