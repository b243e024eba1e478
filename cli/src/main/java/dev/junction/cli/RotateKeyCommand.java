package dev.junction.cli;

import dev.junction.relay.config.ConfigException;
import dev.junction.relay.config.RelayConfigLoader;
import dev.junction.relay.tls.KeyRotation;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Rotates a relay's identity key with an overlap: the old key signs the new one, so clients that
 * pinned the old relay address follow to the new one instead of being stranded (PROTOCOL.md 5.1).
 */
@Command(name = "rotate-key", mixinStandardHelpOptions = true,
        description = "Give a relay a new identity key, endorsed by its old one: clients that pinned the old relay address accept the new "
                + "key until the overlap ends, and then pin it. Restart the relay afterwards (SIGTERM drains).")
final class RotateKeyCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "The relay's HOCON config; its identity-file is rotated.")
    Path config;

    @Option(names = "--identity", paramLabel = "FILE",
            description = "The relay's identity file (default: the config's identity-file, <data-dir>/relay.key).")
    Path identity;

    @Option(names = "--overlap", paramLabel = "DURATION", defaultValue = "30d",
            description = "How long clients that pinned the old key can still follow to the new one, e.g. 7d, 30d "
                    + "(at most 365d; default: ${DEFAULT-VALUE}). Make it longer than your clients stay offline.")
    String overlap;

    @Option(names = "--json", description = "Print the result as one JSON object instead of lines.")
    boolean json;

    @Override
    public Integer call() {
        Path file = identity;
        if (file == null) {
            try {
                file = RelayConfigLoader.load(Optional.ofNullable(config), Map.of()).identityFile();
            } catch (ConfigException e) {
                throw new CliException(e.getMessage());
            }
        }
        KeyRotation.Rotated r;
        try {
            r = KeyRotation.rotate(file, TokenCommand.parseDuration(overlap, "--overlap"), Instant.now());
        } catch (IOException e) {
            throw new CliException("cannot rotate the key: " + e.getMessage());
        }
        if (json) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("previous", r.previous().toString());
            o.put("next", r.next().toString());
            o.put("expires", r.expires().toString());
            o.put("identity_file", file.toString());
            o.put("previous_key_file", r.previousKeyFile().toString());
            o.put("endorsement_file", r.endorsementFile().toString());
            System.out.println(Json.object(o));
        } else {
            System.out.println("identity rotated: " + r.previous() + " -> " + r.next());
            System.out.println("new key in: " + file);
            System.out.println("old key kept in: " + r.previousKeyFile());
            System.out.println("endorsement: " + r.endorsementFile() + " (until " + r.expires() + ")");
            System.out.println("restart the relay; clients that pinned the old address follow to the new PeerId until " + r.expires()
                    + "; hand new clients the new relay address");
        }
        return 0;
    }
}
