package dev.junction.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code junction} command. Exit codes: 0 success, 1 failure (one line on stderr, no stack
 * trace unless JUNCTION_DEBUG is set), 2 bad usage.
 */
@Command(name = "junction", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "NAT traversal and relay: run a relay, check your NAT, connect peers.",
        subcommands = {RelayCommand.class, KeygenCommand.class, TokenCommand.class, NatCheckCommand.class,
                ListenCommand.class, ConnectCommand.class, HealthCommand.class, BenchCommand.class, TurnCredentialsCommand.class,
                RotateKeyCommand.class})
public final class Main implements Runnable {
    static {
        // One line per log record, before any logger exists.
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code; what tests call. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            commandLine.getErr().println("junction: error: " + message);
            if (System.getenv("JUNCTION_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "a command is required; see junction --help");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"junction " + (v == null ? "dev" : v) + ", protocol " + dev.junction.wire.ProtocolVersion.CURRENT};
        }
    }
}
