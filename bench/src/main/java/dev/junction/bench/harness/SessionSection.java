package dev.junction.bench.harness;

final class SessionSection {
    private SessionSection() {
    }

    static void run(Options o, Report report) throws Exception {
    }
}
