package dev.junction.bench.harness;

import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Section 4: memory per idle reservation. A fresh Junction relay (-Xmx512m) gets 1k then 10k
 * logged-in reservations (one TLS connection each, no traffic); after a forced GC ({@code jcmd PID
 * GC.run}) its live heap ({@code GC.heap_info}) and RSS are read. A fresh coturn gets as many UDP
 * allocations (one socket each) and its RSS is read. Per-reservation figures are (at N - at 0) / N.
 */
final class MemorySection {
    /** Threads opening reservations at once: enough to overlap TLS handshakes, few enough for 2 cores. */
    static final int OPENERS = 4;
    /**
     * How long opening all reservations may take before the section gives up: each is a TLS 1.3
     * handshake plus Ed25519 signatures on both sides (section 11 times them), a few hundred a second
     * on 2 cores.
     */
    static final int OPEN_LIMIT_SECONDS = 600;

    private MemorySection() {
    }

    record Sample(int count, long heapBytes, long rssBytes) {
    }

    static void run(Options o, EventLoopGroup group, Report report) throws Exception {
        report.heading("4. Memory per reservation");
        List<Sample> junction = new ArrayList<>();
        List<Sample> coturn = new ArrayList<>();
        String junctionNote = "";
        try (JunctionRelayProcess relay = JunctionRelayProcess.start(o.relayJar(), o.work().resolve("junction-mem"), List.of())) {
            List<AutoCloseable> open = Collections.synchronizedList(new ArrayList<>());
            try {
                junction.add(new Sample(0, liveHeap(relay.process), relay.process.rssBytes()));
                for (int n : o.reservationCounts()) {
                    long t0 = System.nanoTime();
                    openUntil(n, open, () -> JunctionClient.login(group, relay, false));
                    System.err.printf("  Junction: %d reservations (%.1f s)%n", n, (System.nanoTime() - t0) / 1e9);
                    junction.add(new Sample(n, grownHeap(relay.process, junction.get(0).heapBytes()), relay.process.rssBytes()));
                    if (o.jfr()) { // profiling run: what the heap holds per reservation
                        java.nio.file.Files.writeString(o.work().resolve("histogram-" + n + ".txt"),
                                jcmd(relay.process, "GC.class_histogram"));
                    }
                }
            } catch (Exception e) {
                junctionNote = "Junction stopped at " + open.size() + " reservations: " + e;
            } finally {
                closeAll(open);
            }
        }
        try (CoturnProcess turn = CoturnProcess.start(o.work().resolve("coturn-mem"))) {
            List<AutoCloseable> open = Collections.synchronizedList(new ArrayList<>());
            try {
                coturn.add(new Sample(0, -1, turn.process.rssBytes()));
                for (int n : o.reservationCounts()) {
                    openUntil(n, open, () -> TurnClient.allocate(group, turn.address, TurnClient.Transport.UDP));
                    System.err.printf("  coturn: %d allocations%n", n);
                    Thread.sleep(200);
                    coturn.add(new Sample(n, -1, turn.process.rssBytes()));
                }
            } finally {
                closeAll(open);
            }
        }
        report.line("Idle reservations: each a logged-in TLS control connection (Junction) or a UDP allocation (coturn), no"
                + " traffic. Junction heap is the live heap after a full GC (`jcmd PID GC.run`, then `GC.heap_info`); RSS is"
                + " /proc/PID/status VmRSS. Per reservation = (value at N − value at 0) / N. One run (memory is deterministic"
                + " enough; the counts are what matter).");
        report.blank();
        List<List<String>> rows = new ArrayList<>();
        for (int i = 1; i < junction.size() || i < coturn.size(); i++) {
            Sample j = i < junction.size() ? junction.get(i) : null;
            Sample c = i < coturn.size() ? coturn.get(i) : null;
            int n = j != null ? j.count() : c.count();
            rows.add(List.of(String.valueOf(n),
                    j == null ? "n/a" : mb(j.heapBytes()),
                    j == null ? "n/a" : kb((j.heapBytes() - junction.get(0).heapBytes()) / (double) n),
                    j == null ? "n/a" : mb(j.rssBytes()),
                    j == null ? "n/a" : kb((j.rssBytes() - junction.get(0).rssBytes()) / (double) n),
                    c == null ? "n/a" : mb(c.rssBytes()),
                    c == null ? "n/a" : kb((c.rssBytes() - coturn.get(0).rssBytes()) / (double) n)));
        }
        report.table(List.of("reservations", "Junction live heap", "Junction heap/reservation", "Junction RSS",
                "Junction RSS/reservation", "coturn RSS", "coturn RSS/allocation"), rows);
        report.line("Baseline (0 reservations): Junction live heap " + mb(junction.get(0).heapBytes()) + ", RSS "
                + mb(junction.get(0).rssBytes()) + "; coturn RSS " + mb(coturn.get(0).rssBytes()) + ". The Junction relay ran"
                + " with " + JunctionRelayProcess.HEAP + ": " + (junction.size() == o.reservationCounts().size() + 1
                ? "all " + o.reservationCounts().get(o.reservationCounts().size() - 1) + " reservations fit, needing the live heap"
                + " shown." : junctionNote));
        report.blank();
    }

    interface Opener {
        AutoCloseable open() throws Exception;
    }

    private static void openUntil(int target, List<AutoCloseable> open, Opener opener) throws Exception {
        openUntil(target, open, opener, OPENERS);
    }

    /** Opens until {@code open} holds {@code target}, {@code threads} at a time; each thread gives up after {@link #OPEN_LIMIT_SECONDS}. */
    static void openUntil(int target, List<AutoCloseable> open, Opener opener, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            int missing = target - open.size();
            for (int t = 0; t < threads; t++) {
                int share = missing / threads + (t < missing % threads ? 1 : 0);
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < share; i++) {
                        open.add(opener.open());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(OPEN_LIMIT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static void closeAll(List<AutoCloseable> open) {
        synchronized (open) {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing anyway
                }
            }
            open.clear();
        }
    }

    /** Readings of a heap holding reservations that may be taken before one is believed. */
    static final int HEAP_READINGS = 3;

    /**
     * Live heap of a relay holding reservations: read again (at most {@link #HEAP_READINGS} times, a
     * second apart) while it reads below the empty relay's {@code baseline}, which cannot be (one run
     * read 0.5 MB for 10k reservations, unexplained); fails if it never reads above it.
     */
    static long grownHeap(ChildProcess p, long baseline) throws Exception {
        long heap = -1;
        for (int i = 0; i < HEAP_READINGS; i++) {
            heap = liveHeap(p);
            if (heap > baseline) {
                return heap;
            }
            System.err.printf("  live heap %d bytes reads below the empty relay's %d; reading again%n", heap, baseline);
            Thread.sleep(1000);
        }
        throw new IllegalStateException("the relay's live heap read " + heap + " bytes with reservations held, below the "
                + baseline + " of the empty relay, " + HEAP_READINGS + " times: not a measurement");
    }

    /** Live heap of a JVM after a full GC, from jcmd. */
    static long liveHeap(ChildProcess p) throws Exception {
        jcmd(p, "GC.run");
        Matcher m = Pattern.compile("used (\\d+)K").matcher(jcmd(p, "GC.heap_info"));
        return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
    }

    private static String jcmd(ChildProcess p, String command) throws Exception {
        Process j = new ProcessBuilder("jcmd", String.valueOf(p.pid()), command).redirectErrorStream(true).start();
        String out = new String(j.getInputStream().readAllBytes());
        if (!j.waitFor(30, TimeUnit.SECONDS)) {
            j.destroyForcibly();
        }
        return out;
    }

    static String mb(long bytes) {
        return bytes < 0 ? "n/a" : Stats.fmt("%.1f MB", bytes / 1e6);
    }

    static String kb(double bytes) {
        return Stats.fmt("%.2f kB", bytes / 1e3);
    }
}
