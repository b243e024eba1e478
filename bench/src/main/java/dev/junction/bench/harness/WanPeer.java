package dev.junction.bench.harness;

import dev.junction.client.ClientOptions;
import dev.junction.client.CongestionControl;
import dev.junction.client.PathKind;
import dev.junction.client.Session;
import dev.junction.client.Stream;
import dev.junction.client.TraversalClient;
import dev.junction.wire.admission.AdmissionSecret;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One end of section 12's transfer, as its own JVM inside a namespace of {@link WanPath}:
 *
 * <pre>
 *   WanPeer receive RELAY_ADDRESS SECRET_FILE CONGESTION_CONTROL
 *   WanPeer send    RELAY_ADDRESS SECRET_FILE PEER_ID SECONDS CONGESTION_CONTROL
 * </pre>
 *
 * The receiver prints {@code peer-id: ID}, accepts one session and one stream, reads it to its end,
 * answers one byte (so the sender knows every byte arrived before it closes) and prints
 * {@code result: BYTES NANOS PATH}, the time from the first byte to the end of the stream. The
 * sender waits for the session's direct path (at most {@link #DIRECT_WAIT_SECONDS}), writes for
 * {@code SECONDS}, closes its side and waits for that byte. Both mint their own admission tokens
 * from the relay's secret, and exit by themselves within {@link #LIMIT_SECONDS} plus the transfer.
 */
public final class WanPeer {
    static final int DIRECT_WAIT_SECONDS = 15;
    static final int LIMIT_SECONDS = 60;
    static final int CHUNK = 64 * 1024;
    /** Writes the sender has started and not yet seen taken by QUIC. */
    static final int IN_FLIGHT = 16;

    private WanPeer() {
    }

    public static void main(String[] args) throws Exception {
        Identity identity = Identity.generate();
        byte[] secret = AdmissionSecret.read(Path.of(args[2]));
        String token = AdmissionToken.mint(secret, identity.peerId(), Instant.now().plusSeconds(3600));
        CompletableFuture<Session> accepted = new CompletableFuture<>();
        try (TraversalClient client = TraversalClient.builder().identity(identity).relay(args[1]).token(token)
                .options(ClientOptions.DEFAULTS.withCongestionControl(CongestionControl.ofConfigName(args[args.length - 1])))
                .onSession(accepted::complete).start()) {
            if (args[0].equals("receive")) {
                System.out.println("peer-id: " + client.peerId());
                receive(accepted.get(LIMIT_SECONDS, TimeUnit.SECONDS));
            } else {
                send(client.connect(PeerId.parse(args[3])).get(LIMIT_SECONDS, TimeUnit.SECONDS), Integer.parseInt(args[4]));
            }
        }
        System.exit(0);
    }

    private static void receive(Session session) throws Exception {
        Stream stream = session.acceptStream(Duration.ofSeconds(LIMIT_SECONDS));
        if (stream == null) {
            throw new IllegalStateException("no stream within " + LIMIT_SECONDS + " s");
        }
        byte[] buf = new byte[CHUNK];
        long got = 0;
        long first = 0;
        try (InputStream in = stream.input()) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                if (got == 0) {
                    first = System.nanoTime();
                }
                got += n;
            }
        }
        long nanos = System.nanoTime() - first;
        try (OutputStream out = stream.output()) {
            out.write(1);
        }
        System.out.println("result: " + got + " " + nanos + " " + session.activePath().kind());
        Thread.sleep(500); // the byte's way out before the client closes
        session.close();
    }

    private static void send(Session session, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(DIRECT_WAIT_SECONDS);
        while (session.activePath().kind() != PathKind.DIRECT_UDP && System.currentTimeMillis() < deadline) {
            Thread.sleep(10);
        }
        System.out.println("path: " + session.activePath().kind());
        Stream stream = session.openStream().get(10, TimeUnit.SECONDS);
        byte[] chunk = new byte[CHUNK];
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long sent = 0;
        // Asynchronous writes, at most IN_FLIGHT waiting: the blocking OutputStream queues without
        // limit on a path slower than the writer (Netty's QUIC stream stays writable while the stream
        // has any room), which ran this JVM out of direct memory at 0.5 % loss.
        java.util.ArrayDeque<CompletableFuture<Void>> pending = new java.util.ArrayDeque<>();
        while (System.nanoTime() < end) {
            if (pending.size() == IN_FLIGHT) {
                pending.poll().get(LIMIT_SECONDS, TimeUnit.SECONDS);
            }
            pending.add(stream.write(java.nio.ByteBuffer.wrap(chunk)));
            sent += CHUNK;
        }
        for (CompletableFuture<Void> f : pending) {
            f.get(LIMIT_SECONDS, TimeUnit.SECONDS);
        }
        stream.output().close();
        int ack = stream.input().read();
        System.out.println("sent: " + sent + " ack " + ack);
        session.close();
    }
}
