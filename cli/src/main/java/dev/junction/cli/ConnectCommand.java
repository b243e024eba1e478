package dev.junction.cli;

import dev.junction.client.JunctionException;
import dev.junction.client.Session;
import dev.junction.client.Stream;
import dev.junction.client.TraversalClient;
import dev.junction.wire.identity.PeerId;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Open a session to PEERID through the relay and pipe stdin and stdout over one stream; "
                + "exits when the peer finishes its side.")
final class ConnectCommand implements Callable<Integer> {
    @Mixin
    PeerOptions peer;

    @Parameters(index = "0", paramLabel = "PEERID", converter = Converters.PeerIdConverter.class,
            description = "The peer to connect to.")
    PeerId target;

    @Override
    public Integer call() throws Exception {
        // Before logging in: a login with the listener's identity would take its reservation.
        if (dev.junction.wire.identity.IdentityFile.loadOrCreate(peer.identity).peerId().equals(target)) {
            throw new CliException(target.shortString() + " is the PeerId of this identity (" + peer.identity + "), so it is"
                    + " yourself: run connect with another identity, e.g. --identity bob.key (created if missing), and give it its own token");
        }
        try (TraversalClient client = peer.start(null)) {
            Session session;
            Stream stream;
            try {
                session = client.connect(target).get();
                stream = session.openStream().get();
            } catch (ExecutionException e) {
                throw new CliException(e.getCause() instanceof JunctionException j ? j.getMessage() : e.getCause().toString(), e);
            }
            peer.event("session", Map.of("peer", session.remotePeer().toString()), "session with " + session.remotePeer());
            Thread upload = new Thread(() -> {
                try (OutputStream out = stream.output()) {
                    System.in.transferTo(out);
                } catch (IOException e) {
                    System.err.println("junction: sending failed: " + e.getMessage());
                }
            }, "junction-stdin");
            upload.setDaemon(true);
            upload.start();
            try (InputStream in = stream.input()) {
                in.transferTo(System.out);
                System.out.flush();
            } catch (IOException e) {
                throw new CliException("the stream broke: " + e.getMessage(), e);
            }
            session.close();
            return 0;
        }
    }
}
