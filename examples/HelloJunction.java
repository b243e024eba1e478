import dev.junction.client.Session;
import dev.junction.client.Stream;
import dev.junction.client.TraversalClient;
import dev.junction.wire.identity.PeerId;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * The library's hello world, runnable as a single source file:
 *
 * <pre>
 *   java -cp cli/target/junction.jar examples/HelloJunction.java listen  RELAY_ADDRESS TOKEN bob.key
 *   java -cp cli/target/junction.jar examples/HelloJunction.java connect RELAY_ADDRESS TOKEN alice.key BOB_PEER_ID
 * </pre>
 *
 * The listener answers every stream with "hello, " and what it read; the connector sends
 * "junction", prints the answer ("hello, junction") and the path the session took.
 */
public class HelloJunction {
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: HelloJunction listen|connect RELAY_ADDRESS TOKEN IDENTITY_FILE [PEER_ID]");
            System.exit(2);
        }
        TraversalClient.Builder builder = TraversalClient.builder()
                .relay(args[1])
                .token(args[2])
                .identityFile(Path.of(args[3]));       // created on first use

        if (args[0].equals("listen")) {
            CountDownLatch forever = new CountDownLatch(1);
            TraversalClient client = builder.onSession(session -> session.onStream(stream -> {
                try (InputStream in = stream.input(); OutputStream out = stream.output()) {
                    byte[] name = in.readAllBytes();
                    out.write(("hello, " + new String(name, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                } catch (Exception e) {
                    stream.close();
                }
            })).start();
            System.out.println("listening as " + client.peerId());
            forever.await();
        } else {
            try (TraversalClient client = builder.start()) {
                Session session = client.connect(PeerId.parse(args[4])).get();
                Stream stream = session.openStream().get();
                stream.output().write("junction".getBytes(StandardCharsets.UTF_8));
                stream.shutdownOutput();
                System.out.println(new String(stream.input().readAllBytes(), StandardCharsets.UTF_8));
                System.out.println("path: " + session.activePath().kind().label());
            }
        }
    }
}
