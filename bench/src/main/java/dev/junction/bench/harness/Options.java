package dev.junction.bench.harness;

import java.nio.file.Path;
import java.util.List;

/**
 * Every count and time limit of a harness run. The defaults take about 25 minutes on 2 cores;
 * {@code --quick} (one run, short windows, small counts) is for checking the harness itself.
 */
record Options(boolean quick, int runs, List<Integer> pairCounts, double warmupSeconds, double durationSeconds,
               long maxRoundTrips, int latencyRoundTrips, int stunSockets, int stunWindow, int stunModerateRate,
               List<Integer> reservationCounts, long sessionBytes, int iperfSeconds, int connectRuns,
               Path relayJar, Path benchJar, Path out, Path work, boolean jmh, java.util.Set<Integer> sections, boolean jfr,
               String relayConf, int wanDelayMillis, double wanLossPercent) {

    /** True when section {@code n} (1-12, 7 being JMH) is to be run. */
    boolean runs(int n) {
        return sections.contains(n) && (n != 7 || jmh);
    }

    static Options parse(String[] args) {
        boolean quick = false;
        boolean jmh = true;
        boolean jfr = false;
        Path jar = Path.of("cli/target/junction.jar");
        Path bench = Path.of("bench/target/benchmarks.jar");
        Path out = Path.of("BENCHMARKS.md");
        Integer runs = null;
        String relayConf = "";
        int wanDelay = WanSection.ONE_WAY_MILLIS;
        double wanLoss = WanSection.LOSS_PERCENT;
        java.util.Set<Integer> sections = new java.util.TreeSet<>(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--no-jmh" -> jmh = false;
                case "--jfr" -> jfr = true;
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--relay-jar" -> jar = Path.of(args[++i]);
                case "--bench-jar" -> bench = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--relay-conf" -> relayConf = args[++i];
                case "--wan-delay" -> wanDelay = Integer.parseInt(args[++i]);
                case "--wan-loss" -> wanLoss = Double.parseDouble(args[++i]);
                case "--sections" -> {
                    sections.clear();
                    for (String n : args[++i].split(",")) {
                        sections.add(Integer.parseInt(n.trim()));
                    }
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --quick --no-jmh --jfr --runs N --sections 1,2,... --relay-jar F --bench-jar F --out F --relay-conf HOCON"
                        + " --wan-delay MS --wan-loss PERCENT)");
            }
        }
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "junction-bench-" + ProcessHandle.current().pid());
        if (quick) {
            return new Options(true, runs != null ? runs : 1, List.of(1, 10, 100), 0.5, 1.5, 500_000, 5_000, 4, 16, 5_000,
                    List.of(200, 1000), 32L << 20, 2, 2, jar, bench, out, work, jmh, sections, jfr, relayConf,
                    wanDelay, wanLoss);
        }
        return new Options(false, runs != null ? runs : 3, List.of(1, 10, 100), 1.0, 4.0, 5_000_000, 20_000, 4, 32, 5_000,
                List.of(1000, 10000), 256L << 20, 5, 5, jar, bench, out, work, jmh, sections, jfr, relayConf,
                    wanDelay, wanLoss);
    }
}
