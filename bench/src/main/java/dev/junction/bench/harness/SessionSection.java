package dev.junction.bench.harness;

import dev.junction.client.ClientOptions;
import dev.junction.client.PathKind;
import dev.junction.client.Session;
import dev.junction.client.Stream;
import dev.junction.client.TraversalClient;
import dev.junction.wire.identity.Identity;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sections 5 and 6, through the public client library against the relay process: one stream's
 * throughput on a direct (punched, loopback) session and on a relayed one, next to iperf3 TCP and
 * UDP on loopback; then connect times (login, relayed first byte, direct upgrade).
 */
final class SessionSection {
    /** A session whose path has not become direct within this is reported as not upgraded. */
    static final long DIRECT_WAIT_MILLIS = 15_000;
    /** Upper bound on one transfer, whatever its size. */
    static final long TRANSFER_LIMIT_MILLIS = 60_000;
    static final int CHUNK = 64 * 1024;

    private SessionSection() {
    }

    /** Two logged-in clients; B accepts sessions into {@code accepted}. */
    record Peers(TraversalClient a, TraversalClient b, CompletableFuture<Session> accepted, double loginMillis) implements AutoCloseable {
        @Override
        public void close() {
            a.close();
            b.close();
        }
    }

    static Peers peers(JunctionRelayProcess relay, boolean punch) throws Exception {
        ClientOptions opts = ClientOptions.DEFAULTS.withPunch(punch);
        CompletableFuture<Session> accepted = new CompletableFuture<>();
        Identity ib = Identity.generate();
        TraversalClient b = TraversalClient.builder().identity(ib).relay(relay.address).token(relay.token(ib.peerId()))
                .options(opts).bind(Net.ANY_LOOPBACK).onSession(accepted::complete).start();
        Identity ia = Identity.generate();
        long t0 = System.nanoTime();
        TraversalClient a = TraversalClient.builder().identity(ia).relay(relay.address).token(relay.token(ia.peerId()))
                .options(opts).bind(Net.ANY_LOOPBACK).start();
        double login = (System.nanoTime() - t0) / 1e6;
        return new Peers(a, b, accepted, login);
    }

    static void run(Options o, Report report) throws Exception {
        List<Double> direct = new ArrayList<>();
        List<Double> relayed = new ArrayList<>();
        List<Double> iperfTcp = new ArrayList<>();
        List<Double> iperfUdp = new ArrayList<>();
        List<Double> login = new ArrayList<>();
        List<Double> firstByte = new ArrayList<>();
        List<Double> upgrade = new ArrayList<>();
        int notDirect = 0;
        try (JunctionRelayProcess relay = JunctionRelayProcess.start(o.relayJar(), o.work().resolve("junction-session"), List.of())) {
            for (int run = 0; run < o.runs(); run++) {
                direct.add(transfer(relay, o.sessionBytes(), true));
                relayed.add(transfer(relay, o.sessionBytes(), false));
                iperfTcp.add(Iperf.run(o.work(), false, o.iperfSeconds()));
                iperfUdp.add(Iperf.run(o.work(), true, o.iperfSeconds()));
            }
            for (int run = 0; run < o.connectRuns(); run++) {
                try (Peers p = peers(relay, false)) {
                    login.add(p.loginMillis());
                    firstByte.add(firstByteMillis(p));
                }
                try (Peers p = peers(relay, true)) {
                    double u = upgradeMillis(p);
                    if (Double.isNaN(u)) {
                        notDirect++;
                    } else {
                        upgrade.add(u);
                    }
                }
            }
        }
        report.heading("5. Session throughput: direct and relayed, against iperf3 on loopback");
        report.line("One QUIC stream of " + (o.sessionBytes() >> 20) + " MiB between two TraversalClients in this process"
                + " (written in 64 KiB chunks, timed until the reader sees end of stream), on a direct loopback session (after the"
                + " punch) and on a session held on the relay (punching off, relayed over UDP). iperf3 (`-s -1` / `-c 127.0.0.1 -t "
                + o.iperfSeconds() + "`; UDP with `-u -b 0 -l 1200`, received rate) gives the loopback limit. " + o.runs()
                + " runs; Mbit/s, median (min–max).");
        report.blank();
        report.table(List.of("path", "Mbit/s"), List.of(
                List.of("iperf3 TCP loopback", Stats.of(iperfTcp).format("%.0f")),
                List.of("iperf3 UDP loopback, 1200-byte datagrams", Stats.of(iperfUdp).format("%.0f")),
                List.of("Junction session, direct UDP", Stats.of(direct).format("%.0f")),
                List.of("Junction session, relayed over UDP through the relay process", Stats.of(relayed).format("%.0f"))));
        report.heading("6. Connect times on loopback");
        report.line(o.connectRuns() + " fresh client pairs each; milliseconds, median (min–max). Login: `TraversalClient.start()`"
                + " (TLS, HELLO/CHALLENGE/AUTH, reservation). Relayed first byte: `connect(peer)` until the peer has read the first"
                + " byte of a new stream (CONNECT, circuit, QUIC handshake over the relay). Direct upgrade: from the session being"
                + " established to the path change to direct UDP (OFFER/ANSWER, probes)"
                + (notDirect > 0 ? "; " + notDirect + " sessions did not go direct within " + DIRECT_WAIT_MILLIS / 1000 + " s" : "")
                + ".");
        report.blank();
        report.table(List.of("step", "ms"), List.of(
                List.of("login", Stats.of(login).format("%.1f")),
                List.of("relayed first byte", Stats.of(firstByte).format("%.1f")),
                List.of("direct upgrade", Stats.of(upgrade).format("%.1f"))));
    }

    /** Mbit/s of one stream of {@code bytes} from A to B. */
    static double transfer(JunctionRelayProcess relay, long bytes, boolean direct) throws Exception {
        try (Peers p = peers(relay, direct)) {
            Session s = p.a().connect(p.b().peerId()).get(30, TimeUnit.SECONDS);
            Session in = p.accepted().get(30, TimeUnit.SECONDS);
            if (direct && !awaitDirect(s)) {
                System.err.println("  session did not go direct; measuring its path " + s.activePath().kind());
            }
            Stream out = s.openStream().get(10, TimeUnit.SECONDS);
            long deadline = System.currentTimeMillis() + TRANSFER_LIMIT_MILLIS;
            long t0 = System.nanoTime();
            Thread writer = new Thread(() -> {
                byte[] chunk = new byte[CHUNK];
                try (OutputStream os = out.output()) {
                    for (long sent = 0; sent < bytes && System.currentTimeMillis() < deadline; sent += CHUNK) {
                        os.write(chunk, 0, (int) Math.min(CHUNK, bytes - sent));
                    }
                } catch (Exception e) {
                    System.err.println("  writer: " + e);
                }
            }, "bench-writer");
            writer.start();
            Stream r = in.acceptStream(Duration.ofSeconds(10));
            long got = 0;
            byte[] buf = new byte[CHUNK];
            try (InputStream is = r.input()) {
                for (int n; (n = is.read(buf)) >= 0 && System.currentTimeMillis() < deadline; ) {
                    got += n;
                }
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            writer.join(5000);
            double mbit = got * 8 / seconds / 1e6;
            System.err.printf("  session %s (%s): %.0f Mbit/s%n", direct ? "direct" : "relayed", s.activePath().kind(), mbit);
            s.close();
            return mbit;
        }
    }

    private static boolean awaitDirect(Session s) throws InterruptedException {
        long deadline = System.currentTimeMillis() + DIRECT_WAIT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            if (s.activePath().kind() == PathKind.DIRECT_UDP) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    private static double firstByteMillis(Peers p) throws Exception {
        long t0 = System.nanoTime();
        Session s = p.a().connect(p.b().peerId()).get(30, TimeUnit.SECONDS);
        Stream out = s.openStream().get(10, TimeUnit.SECONDS);
        out.output().write(1);
        out.output().flush();
        Stream in = p.accepted().get(30, TimeUnit.SECONDS).acceptStream(Duration.ofSeconds(10));
        if (in == null || in.input().read() < 0) {
            return Double.NaN;
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        s.close();
        return ms;
    }

    private static double upgradeMillis(Peers p) throws Exception {
        Session s = p.a().connect(p.b().peerId()).get(30, TimeUnit.SECONDS);
        long t0 = System.nanoTime();
        CompletableFuture<Long> direct = new CompletableFuture<>();
        s.onPathChange(path -> {
            if (path.kind() == PathKind.DIRECT_UDP) {
                direct.complete(System.nanoTime());
            }
        });
        if (s.activePath().kind() == PathKind.DIRECT_UDP) {
            direct.complete(System.nanoTime());
        }
        try {
            return (direct.get(DIRECT_WAIT_MILLIS, TimeUnit.MILLISECONDS) - t0) / 1e6;
        } catch (java.util.concurrent.TimeoutException e) {
            return Double.NaN;
        } finally {
            s.close();
        }
    }
}
