package dev.junction.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark Junction side by side with coturn and loopback; writes BENCHMARKS.md.")
final class BenchCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "ARGS", description = "Benchmark options (to be defined).")
    List<String> args;

    @Override
    public Integer call() {
        throw NotYetAvailable.of("bench");
    }
}
