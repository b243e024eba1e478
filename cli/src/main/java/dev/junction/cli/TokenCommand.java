package dev.junction.cli;

import com.typesafe.config.ConfigFactory;
import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.identity.IdentityFile;
import dev.junction.wire.identity.PeerId;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Mint an admission token for one PeerId with the relay's admission secret.")
final class TokenCommand implements Callable<Integer> {
    @Option(names = "--secret-file", paramLabel = "F", required = true, description = "The relay's admission secret file.")
    Path secretFile;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Who who;

    static final class Who {
        @Option(names = "--peer", paramLabel = "PEERID", converter = Converters.PeerIdConverter.class,
                description = "The PeerId the token admits.")
        PeerId peer;

        @Option(names = "--identity", paramLabel = "FILE", description = "Take the PeerId from this identity file.")
        Path identity;
    }

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "24h",
            description = "How long the token is valid, e.g. 30m, 24h, 7d (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Override
    public Integer call() throws IOException {
        PeerId peer = who.peer != null ? who.peer : IdentityFile.read(who.identity).peerId();
        Duration d = parseDuration(ttl);
        System.out.println(AdmissionToken.mint(AdmissionSecret.read(secretFile), peer, Instant.now().plus(d)));
        return 0;
    }

    /** HOCON duration syntax (30s, 5m, 24h, 7d), the same the config files use. */
    static Duration parseDuration(String text) {
        return parseDuration(text, "--ttl");
    }

    /** A positive duration given to {@code option} (30m, 24h, 7d), or a CliException naming the option. */
    static Duration parseDuration(String text, String option) {
        try {
            Duration d = ConfigFactory.parseString("d = \"" + text.replace("\"", "") + "\"").getDuration("d");
            if (d.isNegative() || d.isZero()) {
                throw new CliException(option + " must be positive, was " + text);
            }
            return d;
        } catch (com.typesafe.config.ConfigException e) {
            throw new CliException(option + ": '" + text + "' is not a duration such as 30m, 24h or 7d");
        }
    }
}
