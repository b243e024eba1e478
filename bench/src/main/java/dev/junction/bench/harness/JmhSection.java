package dev.junction.bench.harness;

final class JmhSection {
    private JmhSection() {
    }

    static void run(Options o, Report report) throws Exception {
    }
}
