package dev.junction.cli;

import dev.junction.client.Stream;
import dev.junction.client.TraversalClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "listen", mixinStandardHelpOptions = true,
        description = "Reserve on a relay and accept sessions: print the first stream to stdout and exit, "
                + "or with --echo send every stream back until stopped (SIGTERM).")
final class ListenCommand implements Callable<Integer> {
    @Mixin
    PeerOptions peer;

    @Option(names = "--echo", description = "Echo every stream back instead of printing the first one.")
    boolean echo;

    @Override
    public Integer call() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        Object printing = new Object();
        boolean[] claimed = {false};
        TraversalClient client = peer.start(session -> {
            peer.event("session", Map.of("peer", session.remotePeer().toString()), "session from " + session.remotePeer());
            session.onStream(stream -> {
                if (echo) {
                    echo(stream);
                    return;
                }
                synchronized (printing) {
                    if (claimed[0]) {
                        stream.close();
                        return;
                    }
                    claimed[0] = true;
                }
                print(stream);
                done.countDown();
            });
        });
        Runtime.getRuntime().addShutdownHook(new Thread(client::close, "junction-stop"));
        peer.event("listening", Map.of("peer_id", client.peerId().toString(), "relay", client.relay()),
                "listening as " + client.peerId() + " via " + client.relay());
        System.out.println("peer id: " + client.peerId());
        System.out.flush();
        done.await();
        client.close();
        return 0;
    }

    private static void echo(Stream stream) {
        try (InputStream in = stream.input(); OutputStream out = stream.output()) {
            in.transferTo(out);
        } catch (IOException e) {
            stream.close();
        }
    }

    private static void print(Stream stream) {
        try (InputStream in = stream.input()) {
            in.transferTo(System.out);
            System.out.flush();
        } catch (IOException e) {
            System.err.println("junction: stream failed: " + e.getMessage());
        } finally {
            stream.close();
        }
    }
}
