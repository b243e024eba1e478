package dev.junction.bench.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The codec microbenchmarks (JMH, {@code -prof gc}) as a table: time and bytes allocated per operation. */
final class JmhSection {
    /** Upper bound on the whole JMH run (9 benchmarks of about 10 s each at the default settings). */
    static final int LIMIT_SECONDS = 600;

    private JmhSection() {
    }

    static void run(Options o, Report report) throws Exception {
        Path csv = o.work().resolve("jmh.csv");
        List<String> timing = o.quick() ? List.of("-wi", "1", "-w", "300ms", "-i", "2", "-r", "300ms")
                : List.of("-wi", "3", "-w", "1s", "-i", "5", "-r", "1s");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                o.benchJar().toString(), "-f", "1", "-prof", "gc", "-rf", "csv", "-rff", csv.toString()));
        cmd.addAll(timing);
        report.heading("7. Wire codecs (JMH)");
        report.line("`java -jar bench/target/benchmarks.jar -f 1 -prof gc " + String.join(" ", timing) + "`; ns/op ± JMH's"
                + " 99.9 % error, bytes allocated per op from `-prof gc`.");
        report.blank();
        try (ChildProcess jmh = ChildProcess.start("jmh", cmd, o.work().resolve("jmh.log"))) {
            if (!jmh.waitFor(LIMIT_SECONDS)) {
                report.line("JMH did not finish within " + LIMIT_SECONDS + " s; see " + o.work().resolve("jmh.log"));
                return;
            }
        }
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (String line : Files.readAllLines(csv)) {
            String[] f = line.replace("\"", "").split(",");
            if (f.length < 7 || f[0].equals("Benchmark")) {
                continue;
            }
            String name = f[0].replace("dev.junction.bench.", "");
            int colon = name.indexOf(':');
            String base = colon >= 0 ? name.substring(0, colon) : name;
            String[] row = rows.computeIfAbsent(base, k -> new String[] {k, "", ""});
            if (colon < 0) {
                row[1] = Stats.fmt("%.1f", Double.parseDouble(f[4])) + " ± " + Stats.fmt("%.1f", parse(f[5]));
            } else if (name.endsWith("gc.alloc.rate.norm")) {
                row[2] = Stats.fmt("%.0f", Double.parseDouble(f[4]));
            }
        }
        List<List<String>> table = new ArrayList<>();
        rows.values().forEach(r -> table.add(List.of(r)));
        report.table(List.of("benchmark", "ns/op", "allocated B/op"), table);
    }

    private static double parse(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
