package dev.junction.client.internal.session;

import dev.junction.client.JunctionException;
import dev.junction.client.PathInfo;
import dev.junction.client.Session;
import dev.junction.client.Stream;
import dev.junction.wire.identity.PeerId;
import dev.junction.wire.session.SessionMessageType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A {@link Session} over one QUIC connection; the path under it is the mux's business. Streams the
 * peer opens take a place among the peer's {@link PeerStreams} or are refused, and their handlers
 * run on the client's handler pool.
 */
public final class SessionImpl implements Session {
    private static final System.Logger LOG = System.getLogger("junction.client");
    static final AttributeKey<SessionImpl> KEY = AttributeKey.valueOf("junction.session");

    private final QuicChannel quic;
    private final PeerId peer;
    private final Executor app;
    private final PeerStreams peerStreams;
    private final long startNanos;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final List<Consumer<PathInfo>> pathListeners = new CopyOnWriteArrayList<>();
    /** Incoming streams no handler or acceptStream has taken yet, each with its place. */
    private final Deque<Waiting> unclaimed = new ArrayDeque<>();
    /** Streams of this session refused for the peer's limit (the first is logged). */
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
    private Consumer<Stream> streamHandler;
    private volatile PathInfo path;
    private volatile Consumer<ByteBuffer> datagramHandler;
    private volatile Consumer<ByteBuf> controlHandler;
    /** First byte of a keepalive datagram (ignored on receipt). */
    static final byte DATAGRAM_KEEPALIVE = SessionMessageType.KEEPALIVE.byteValue();
    /** First byte of an application datagram; the rest is the application's. */
    static final byte DATAGRAM_APP = SessionMessageType.APP_DATA.byteValue();

    private record Waiting(StreamImpl stream, PeerStreams.Place place) {
    }

    public SessionImpl(QuicChannel quic, PeerId peer, Executor app, PeerStreams peerStreams, long startNanos,
                       PathInfo initial, Duration idleTimeout) {
        this.quic = quic;
        this.peer = peer;
        this.app = app;
        this.peerStreams = peerStreams;
        this.startNanos = startNanos;
        this.path = initial;
        quic.attr(KEY).set(this);
        // QUIC closes a connection silent for the idle timeout; an application may be silent far
        // longer, so a 1-byte keepalive datagram (ack-eliciting) goes out three times per timeout.
        long every = Math.max(500, idleTimeout.toMillis() / 3);
        ScheduledFuture<?> keepalive = quic.eventLoop().scheduleAtFixedRate(this::keepalive, every, every, TimeUnit.MILLISECONDS);
        quic.closeFuture().addListener(f -> {
            keepalive.cancel(false);
            List<Waiting> left;
            synchronized (unclaimed) {
                left = List.copyOf(unclaimed);
                unclaimed.clear();
            }
            left.forEach(w -> w.place().handled()); // nobody will take them now
            long n = refused.get();
            if (n > 1) {
                LOG.log(System.Logger.Level.WARNING, "refused {0} streams in all from {1} on this session", String.valueOf(n), peer);
            }
            closed.complete(null);
        });
    }

    /**
     * Sends a keepalive now: after a path change, an ack-eliciting packet each way lets both QUIC
     * stacks see acknowledgements again and resend what was lost at once rather than at their next
     * (backed-off) probe timeout.
     */
    public void nudge() {
        keepalive();
    }

    private void keepalive() {
        ByteBuf b = quic.alloc().directBuffer(1).writeByte(DATAGRAM_KEEPALIVE);
        quic.writeAndFlush(b, quic.voidPromise());
    }

    /** A datagram (or other message) arrived on {@code quic}'s pipeline (I/O thread); takes ownership. */
    static void datagramArrived(QuicChannel quic, Object msg) {
        SessionImpl s = of(quic);
        if (s == null || !(msg instanceof ByteBuf b)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            Consumer<ByteBuffer> h = s.datagramHandler;
            byte type = b.isReadable() ? b.getByte(b.readerIndex()) : DATAGRAM_KEEPALIVE;
            Consumer<ByteBuf> control = s.controlHandler;
            if (type != DATAGRAM_KEEPALIVE && type != DATAGRAM_APP && control != null) {
                control.accept(b);
            } else if (type == DATAGRAM_APP && h != null) {
                ByteBuffer copy = ByteBuffer.allocate(b.readableBytes() - 1);
                b.getBytes(b.readerIndex() + 1, copy);
                h.accept(copy.flip());
            }
        } finally {
            b.release();
        }
    }

    @Override
    public boolean sendDatagram(ByteBuffer data) {
        if (data.remaining() > MAX_DATAGRAM || !quic.isActive()) {
            return false;
        }
        ByteBuf b = quic.alloc().directBuffer(1 + data.remaining()).writeByte(DATAGRAM_APP).writeBytes(data);
        quic.writeAndFlush(b, quic.voidPromise());
        return true;
    }

    /**
     * Control datagrams (neither keepalive nor application data: hole punching, resume tokens) go
     * whole, type byte first, to {@code handler}, on the I/O thread, buffer borrowed.
     */
    public void onControl(Consumer<ByteBuf> handler) {
        this.controlHandler = handler;
    }

    /** Sends a control datagram (type byte first) inside the session; takes ownership. */
    public void sendControl(ByteBuf datagram) {
        if (quic.isActive()) {
            ByteBuf direct = quic.alloc().directBuffer(datagram.readableBytes()).writeBytes(datagram);
            quic.writeAndFlush(direct, quic.voidPromise());
        }
        datagram.release();
    }

    @Override
    public void onDatagram(Consumer<ByteBuffer> handler) {
        this.datagramHandler = handler;
    }

    /** The session of a QUIC connection, or null before it is verified. */
    public static SessionImpl of(QuicChannel quic) {
        return quic.attr(KEY).get();
    }

    public QuicChannel quic() {
        return quic;
    }

    /** Milliseconds since this session began connecting. */
    public long elapsedMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    @Override
    public PeerId remotePeer() {
        return peer;
    }

    @Override
    public CompletableFuture<Stream> openStream() {
        CompletableFuture<Stream> f = new CompletableFuture<>();
        quic.newStreamBootstrap().type(QuicStreamType.BIDIRECTIONAL).option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .handler(new io.netty.channel.ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel ch) {
                        ch.pipeline().addLast(new StreamImpl(ch));
                    }
                }).create().addListener(x -> {
                    if (x.isSuccess()) {
                        QuicStreamChannel ch = (QuicStreamChannel) x.getNow();
                        f.complete(ch.pipeline().get(StreamImpl.class));
                    } else if (quic.isActive() && quic.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) == 0) {
                        f.completeExceptionally(new JunctionException("cannot open a stream: " + peer.shortString()
                                + " allows no more streams at once on this session (its junction.client.incoming-streams"
                                + ".per-session); wait for one to end", x.cause()));
                    } else {
                        f.completeExceptionally(new JunctionException("cannot open a stream: " + x.cause().getMessage(), x.cause()));
                    }
                });
        return f;
    }

    /**
     * An incoming stream's channel was set up (I/O thread): it takes a place among the peer's
     * streams and goes to the handler (or waits for one), or, the peer holding its limit already,
     * it is refused with {@link StreamError#STREAM_REFUSED}.
     */
    void incoming(StreamImpl stream) {
        PeerStreams.Place place = peerStreams.admit(peer);
        if (place == null) {
            stream.refuse(StreamError.STREAM_REFUSED);
            if (refused.incrementAndGet() == 1) {
                LOG.log(System.Logger.Level.WARNING, "refusing streams from {0}: it holds {1} streams toward this client"
                        + " (junction.client.incoming-streams.per-peer)", peer, String.valueOf(peerStreams.held(peer)));
            }
            return;
        }
        stream.channel().closeFuture().addListener(f -> place.channelClosed());
        Consumer<Stream> h;
        synchronized (unclaimed) {
            h = streamHandler;
            if (h == null) {
                unclaimed.add(new Waiting(stream, place));
                unclaimed.notifyAll();
                return;
            }
        }
        handle(h, new Waiting(stream, place));
    }

    /** Runs {@code h} for a waiting stream on the handler pool; its place is given back when it returns. */
    private void handle(Consumer<Stream> h, Waiting w) {
        try {
            app.execute(() -> {
                try {
                    h.accept(w.stream());
                } finally {
                    w.place().handled();
                }
            });
        } catch (RejectedExecutionException closing) { // the client is closing
            w.place().handled();
            w.stream().channel().close();
        }
    }

    @Override
    public void onStream(Consumer<Stream> handler) {
        List<Waiting> waiting;
        synchronized (unclaimed) {
            streamHandler = handler;
            waiting = List.copyOf(unclaimed);
            unclaimed.clear();
        }
        waiting.forEach(w -> handle(handler, w));
    }

    @Override
    public Stream acceptStream(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (unclaimed) {
            while (unclaimed.isEmpty()) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed.isDone()) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(unclaimed, left);
            }
            Waiting w = unclaimed.poll();
            w.place().handled(); // the application has it now; the place lasts while the stream is open
            return w.stream();
        }
    }

    @Override
    public PathInfo activePath() {
        return path;
    }

    /** Records a new active path and tells the listeners (I/O thread). */
    public void pathChanged(PathInfo p) {
        this.path = p;
        pathListeners.forEach(l -> l.accept(p));
    }

    @Override
    public void onPathChange(Consumer<PathInfo> listener) {
        pathListeners.add(listener);
    }

    @Override
    public CompletableFuture<Void> closeFuture() {
        return closed;
    }

    @Override
    public void close() {
        quic.close();
    }

    @Override
    public String toString() {
        return "session with " + peer.shortString() + " on " + path.kind().label();
    }
}
