package dev.junction.cli;

import dev.junction.wire.address.RelayAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "nat-check", mixinStandardHelpOptions = true,
        description = "Discover this host's public mappings and NAT behaviour against a relay.")
final class NatCheckCommand implements Callable<Integer> {
    @Option(names = "--relay", paramLabel = "ADDR", required = true, converter = Converters.RelayAddressConverter.class,
            description = "Relay address as the relay prints it (/ip4/IP/tcp/PORT/tls/p2p/PEERID).")
    RelayAddress relay;

    @Option(names = "--json", description = "Print a machine-readable report.")
    boolean json;

    @Override
    public Integer call() {
        throw NotYetAvailable.of("nat-check");
    }
}
