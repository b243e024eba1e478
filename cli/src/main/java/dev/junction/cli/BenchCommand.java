package dev.junction.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * Runs the side-by-side benchmark harness (bench/run.sh of a source checkout), which starts coturn
 * and a Junction relay on loopback, measures both with one load generator and writes BENCHMARKS.md.
 * The harness lives in the bench module, which depends on the relay and client: the CLI starts it as
 * a script rather than depending on it.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark Junction side by side with coturn and loopback; writes BENCHMARKS.md. "
                + "Runs bench/run.sh from the repository root (needs coturn and iperf3 installed) and passes it every "
                + "argument: --quick, --runs N, --sections 1,2,..., --no-jmh, --jfr, --out FILE.")
final class BenchCommand implements Callable<Integer> {
    /** Everything after {@code bench}, in order, for the script: its options are not this command's. */
    @Unmatched
    List<String> args;

    @Override
    public Integer call() throws Exception {
        Path script = Path.of("bench", "run.sh");
        if (!Files.isExecutable(script)) {
            throw new CliException("junction bench runs bench/run.sh of a source checkout: run it from the repository root");
        }
        List<String> cmd = new ArrayList<>(List.of(script.toString()));
        if (args != null) {
            cmd.addAll(args);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
        // This JVM runs from cli/target/junction.jar, which ./junction has just built: the script must
        // not rebuild (replace) it underneath us, so it builds the bench module only.
        pb.environment().put("JUNCTION_BENCH_BUILD", "bench");
        return pb.start().waitFor();
    }
}
