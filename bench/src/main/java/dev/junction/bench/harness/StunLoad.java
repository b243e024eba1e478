package dev.junction.bench.harness;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * STUN Binding load, the same for every server: {@code sockets} UDP sockets send bare Binding
 * requests (20 bytes, no attributes). The transaction ID carries the socket's slot and the send
 * time, so a response alone gives its latency. Two modes:
 * <ul>
 *   <li>saturation: each socket keeps {@code window} requests outstanding and sends a new one for
 *       each response; a slot silent for {@link #RESEND_NANOS} is refilled (a lost request);</li>
 *   <li>fixed rate: requests paced at {@code rate} per second in 1 ms ticks, latency recorded.</li>
 * </ul>
 * Both stop after {@code duration} or {@code maxResponses}.
 */
final class StunLoad {
    static final long RESEND_NANOS = 200_000_000L;
    static final int TICK_MILLIS = 1;

    record Result(long responses, double seconds, LatencyHistogram latency) {
        double perSecond() {
            return responses / seconds;
        }
    }

    private final LatencyHistogram latency = new LatencyHistogram();
    private final AtomicLong responses = new AtomicLong();
    private volatile boolean measuring;
    private volatile boolean stopped;
    private final List<Channel> channels = new ArrayList<>();
    /** Per socket and slot: when its request was sent (0: free). Touched on the socket's event loop and by the coordinator. */
    private long[][] sentAt;

    static Result saturate(EventLoopGroup group, InetSocketAddress server, int sockets, int window, double warmup, double duration,
                           long maxResponses) throws InterruptedException {
        return new StunLoad().go(group, server, sockets, window, 0, warmup, duration, maxResponses);
    }

    static Result fixedRate(EventLoopGroup group, InetSocketAddress server, int sockets, int rate, double warmup, double duration)
            throws InterruptedException {
        return new StunLoad().go(group, server, sockets, 0, rate, warmup, duration, Long.MAX_VALUE);
    }

    private Result go(EventLoopGroup group, InetSocketAddress server, int sockets, int window, int rate, double warmup,
                      double duration, long maxResponses) throws InterruptedException {
        sentAt = new long[sockets][Math.max(1, window)];
        for (int i = 0; i < sockets; i++) {
            int socket = i;
            channels.add(Net.udp(group, server, () -> new ChannelHandler[] {new Responses(socket, window > 0)}));
        }
        if (window > 0) {
            for (int i = 0; i < sockets; i++) {
                int socket = i;
                channels.get(i).eventLoop().execute(() -> {
                    for (int slot = 0; slot < window; slot++) {
                        send(socket, slot);
                    }
                });
            }
        }
        long start = System.nanoTime();
        long warmEnd = start + (long) (warmup * 1e9);
        long deadline = warmEnd + (long) (duration * 1e9);
        long measureStart = 0;
        long paced = 0;
        int next = 0;
        while (true) {
            Thread.sleep(TICK_MILLIS);
            long now = System.nanoTime();
            if (!measuring && now >= warmEnd) {
                measureStart = now;
                measuring = true;
            }
            if (now >= deadline || responses.get() >= maxResponses) {
                measuring = false;
                stopped = true;
                break;
            }
            if (rate > 0) {
                long due = (now - start) * rate / 1_000_000_000L;
                for (; paced < due; paced++) {
                    int socket = next++ % sockets;
                    channels.get(socket).eventLoop().execute(() -> send(socket, 0));
                }
            } else {
                for (int s = 0; s < sockets; s++) {
                    for (int slot = 0; slot < window; slot++) {
                        long t = sentAt[s][slot];
                        if (t != 0 && now - t > RESEND_NANOS) {
                            int socket = s;
                            int sl = slot;
                            channels.get(s).eventLoop().execute(() -> send(socket, sl));
                        }
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - measureStart) / 1e9;
        for (Channel ch : channels) {
            ch.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        return new Result(responses.get(), seconds, latency);
    }

    /** On the socket's event loop: a Binding request whose transaction ID is slot:u32 | send time:u64. */
    private void send(int socket, int slot) {
        if (stopped) {
            return;
        }
        Channel ch = channels.get(socket);
        long now = System.nanoTime();
        sentAt[socket][slot] = now;
        ByteBuf b = ch.alloc().directBuffer(TurnMessage.HEADER);
        b.writeShort(TurnMessage.BINDING_REQUEST).writeShort(0).writeInt(TurnMessage.COOKIE).writeInt(slot).writeLong(now);
        ch.writeAndFlush(b, ch.voidPromise());
    }

    private final class Responses extends SimpleChannelInboundHandler<DatagramPacket> {
        private final int socket;
        private final boolean refill;

        Responses(int socket, boolean refill) {
            this.socket = socket;
            this.refill = refill;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
            ByteBuf b = p.content();
            if (b.readableBytes() < TurnMessage.HEADER || b.getUnsignedShort(b.readerIndex()) != TurnMessage.BINDING_SUCCESS) {
                return;
            }
            int slot = b.getInt(b.readerIndex() + 8);
            long sent = b.getLong(b.readerIndex() + 12);
            if (measuring) {
                latency.record(System.nanoTime() - sent);
                responses.incrementAndGet();
            }
            if (refill && slot >= 0 && slot < sentAt[socket].length && sentAt[socket][slot] == sent) {
                send(socket, slot);
            }
        }
    }
}
