package dev.junction.cli;

import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.identity.PeerId;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Open a session to PEERID through the relay and pipe stdin and stdout over it.")
final class ConnectCommand implements Callable<Integer> {
    @Option(names = "--relay", paramLabel = "ADDR", required = true, converter = Converters.RelayAddressConverter.class,
            description = "Relay address as the relay prints it.")
    RelayAddress relay;

    @Option(names = "--identity", paramLabel = "FILE", defaultValue = "junction.key",
            description = "Identity file (created if missing; default: ${DEFAULT-VALUE}).")
    Path identity;

    @Option(names = "--token", paramLabel = "T", description = "Admission token (see junction token).")
    String token;

    @Option(names = "--json", description = "Print events as JSON lines on stderr.")
    boolean json;

    @Parameters(index = "0", paramLabel = "PEERID", converter = Converters.PeerIdConverter.class,
            description = "The peer to connect to.")
    PeerId peer;

    @Override
    public Integer call() {
        throw NotYetAvailable.of("connect");
    }
}
