package dev.junction.cli;

import dev.junction.wire.address.RelayAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "listen", mixinStandardHelpOptions = true,
        description = "Reserve on a relay and accept sessions; print the first stream, or echo every stream.")
final class ListenCommand implements Callable<Integer> {
    @Option(names = "--relay", paramLabel = "ADDR", required = true, converter = Converters.RelayAddressConverter.class,
            description = "Relay address as the relay prints it.")
    RelayAddress relay;

    @Option(names = "--identity", paramLabel = "FILE", defaultValue = "junction.key",
            description = "Identity file (created if missing; default: ${DEFAULT-VALUE}).")
    Path identity;

    @Option(names = "--token", paramLabel = "T", description = "Admission token (see junction token).")
    String token;

    @Option(names = "--echo", description = "Echo every stream back instead of printing the first one.")
    boolean echo;

    @Option(names = "--json", description = "Print events as JSON lines on stderr.")
    boolean json;

    @Override
    public Integer call() {
        throw NotYetAvailable.of("listen");
    }
}
