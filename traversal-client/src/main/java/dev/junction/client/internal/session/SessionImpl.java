package dev.junction.client.internal.session;

import dev.junction.client.JunctionException;
import dev.junction.client.PathInfo;
import dev.junction.client.Session;
import dev.junction.client.Stream;
import dev.junction.wire.identity.PeerId;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.AttributeKey;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A {@link Session} over one QUIC connection; the path under it is the mux's business. */
public final class SessionImpl implements Session {
    static final AttributeKey<SessionImpl> KEY = AttributeKey.valueOf("junction.session");

    private final QuicChannel quic;
    private final PeerId peer;
    private final Executor app;
    private final long startNanos;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final List<Consumer<PathInfo>> pathListeners = new CopyOnWriteArrayList<>();
    private final Deque<Stream> unclaimed = new ArrayDeque<>();
    private Consumer<Stream> streamHandler;
    private volatile PathInfo path;

    public SessionImpl(QuicChannel quic, PeerId peer, Executor app, long startNanos, PathInfo initial) {
        this.quic = quic;
        this.peer = peer;
        this.app = app;
        this.startNanos = startNanos;
        this.path = initial;
        quic.attr(KEY).set(this);
        quic.closeFuture().addListener(f -> closed.complete(null));
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
                    } else {
                        f.completeExceptionally(new JunctionException("cannot open a stream: " + x.cause().getMessage(), x.cause()));
                    }
                });
        return f;
    }

    /** An incoming stream's channel was set up (I/O thread). */
    void incoming(StreamImpl stream) {
        Consumer<Stream> h;
        synchronized (unclaimed) {
            h = streamHandler;
            if (h == null) {
                unclaimed.add(stream);
                unclaimed.notifyAll();
                return;
            }
        }
        app.execute(() -> h.accept(stream));
    }

    @Override
    public void onStream(Consumer<Stream> handler) {
        List<Stream> waiting;
        synchronized (unclaimed) {
            streamHandler = handler;
            waiting = List.copyOf(unclaimed);
            unclaimed.clear();
        }
        waiting.forEach(s -> app.execute(() -> handler.accept(s)));
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
            return unclaimed.poll();
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
