package dev.junction.client.internal.discovery;

import dev.junction.wire.Bytes;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.stun.StunClass;
import dev.junction.wire.stun.StunDecoder;
import dev.junction.wire.stun.StunEncoder;
import dev.junction.wire.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * STUN transactions on the session socket, with RFC 8489 section 6.2.1 retransmission: the request
 * is resent after RTO, 2×RTO, 4×RTO…, up to a fixed number of sends, and fails after the last
 * wait. Junction uses a shorter RTO than the RFC's 500 ms default and fewer sends, so discovery
 * finishes within a few seconds even when a test expects no answer. Runs on the I/O thread.
 */
public final class StunClient {
    /** First retransmission timeout. */
    public static final long RTO_MILLIS = 200;
    /** Sends per transaction: waits of 200, 400, 800, 1600 ms, so an unanswered request fails after 3 s. */
    public static final int SENDS = 4;

    /** A response and the address it came from. */
    public record Response(StunMessage message, InetSocketAddress from) {
    }

    private final EventLoop loop;
    private final BiConsumer<ByteBuf, InetSocketAddress> sender;
    private final Map<Bytes, Transaction> pending = new HashMap<>();
    private final Map<Bytes, CompletableFuture<Boolean>> ownRequests = new HashMap<>();

    private static final class Transaction {
        final CompletableFuture<Response> future = new CompletableFuture<>();
        ScheduledFuture<?> timer;
    }

    /** {@code sender} writes a datagram on the session socket and takes ownership of the buffer. */
    public StunClient(EventLoop loop, BiConsumer<ByteBuf, InetSocketAddress> sender) {
        this.loop = loop;
        this.sender = sender;
    }

    /** Sends {@code request} to {@code server}; completes with the response or fails with a timeout. */
    public CompletableFuture<Response> request(StunMessage request, InetSocketAddress server) {
        Transaction t = new Transaction();
        loop.execute(() -> {
            pending.put(request.transactionId(), t);
            send(request, server, t, 1, RTO_MILLIS);
        });
        return t.future;
    }

    private void send(StunMessage request, InetSocketAddress server, Transaction t, int attempt, long wait) {
        if (t.future.isDone()) {
            return;
        }
        ByteBuf b = io.netty.buffer.Unpooled.buffer(64);
        StunEncoder.FINGERPRINT.encode(request, b);
        sender.accept(b, server);
        t.timer = loop.schedule(() -> {
            if (attempt >= SENDS) {
                pending.remove(request.transactionId());
                t.future.completeExceptionally(new java.util.concurrent.TimeoutException(
                        "no STUN answer from " + server + " after " + SENDS + " sends"));
            } else {
                send(request, server, t, attempt + 1, wait * 2);
            }
        }, wait, TimeUnit.MILLISECONDS);
    }

    /**
     * Sends {@code request} to {@code target} (this socket's own public address, for the hairpinning
     * test) three times, 100 ms apart; completes true if it comes back to this socket within
     * {@code waitMillis}, false otherwise.
     */
    public CompletableFuture<Boolean> expectOwnRequest(StunMessage request, InetSocketAddress target, long waitMillis) {
        CompletableFuture<Boolean> came = new CompletableFuture<>();
        loop.execute(() -> {
            ownRequests.put(request.transactionId(), came);
            for (int i = 0; i < 3; i++) {
                loop.schedule(() -> {
                    if (!came.isDone()) {
                        ByteBuf b = io.netty.buffer.Unpooled.buffer(64);
                        StunEncoder.FINGERPRINT.encode(request, b);
                        sender.accept(b, target);
                    }
                }, i * 100L, TimeUnit.MILLISECONDS);
            }
            loop.schedule(() -> {
                ownRequests.remove(request.transactionId());
                came.complete(false);
            }, waitMillis, TimeUnit.MILLISECONDS);
        });
        return came;
    }

    /** A STUN datagram arrived on the session socket (I/O thread); takes ownership. */
    public void onPacket(DatagramPacket packet) {
        try {
            StunMessage m = StunDecoder.decode(packet.content());
            if (m.messageClass() == StunClass.REQUEST) {
                CompletableFuture<Boolean> own = ownRequests.remove(m.transactionId());
                if (own != null) {
                    own.complete(true);
                }
                return;
            }
            if (m.messageClass() != StunClass.SUCCESS_RESPONSE && m.messageClass() != StunClass.ERROR_RESPONSE) {
                return;
            }
            Transaction t = pending.remove(m.transactionId());
            if (t != null) {
                t.timer.cancel(false);
                t.future.complete(new Response(m, packet.sender()));
            }
        } catch (WireFormatException e) {
            // not for us, or damaged: a retransmission will come
        } finally {
            packet.release();
        }
    }
}
