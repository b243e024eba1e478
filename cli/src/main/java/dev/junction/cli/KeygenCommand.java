package dev.junction.cli;

import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.IdentityFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Write a new identity (Ed25519 key, mode 0600) and print its PeerId.")
final class KeygenCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "FILE", defaultValue = "junction.key",
            description = "Identity file to create; never overwritten (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws IOException {
        Identity identity = Identity.generate();
        IdentityFile.write(identity, out);
        System.out.println(identity.peerId());
        return 0;
    }
}
