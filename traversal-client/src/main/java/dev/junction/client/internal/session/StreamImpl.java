package dev.junction.client.internal.session;

import dev.junction.client.JunctionException;
import dev.junction.client.Stream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * A QUIC stream behind the {@link Stream} API. Received buffers queue here until the application
 * reads them; past {@link #HIGH_WATER} bytes the channel stops reading, so QUIC's flow control
 * holds the sender back. Writes wait while the channel is not writable.
 */
final class StreamImpl extends ChannelInboundHandlerAdapter implements Stream {
    /** Queued received bytes at which reading from the network pauses. */
    static final int HIGH_WATER = 1 << 20;
    /** Queued bytes below which reading resumes. */
    static final int LOW_WATER = 256 << 10;
    /** Largest chunk an OutputStream write is cut into. */
    static final int MAX_CHUNK = 64 << 10;

    private final QuicStreamChannel channel;
    private final Object lock = new Object();
    private final Deque<ByteBuf> received = new ArrayDeque<>();
    private final Deque<CompletableFuture<ByteBuffer>> readers = new ArrayDeque<>();
    private int queued;
    private boolean eof;
    private boolean paused;
    private boolean finQueued;
    private IOException failure;
    private final InputStream in = new In();
    private final OutputStream out = new Out();

    StreamImpl(QuicStreamChannel channel) {
        this.channel = channel;
    }

    QuicStreamChannel channel() {
        return channel;
    }

    // ---- network side, I/O thread ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf b = (ByteBuf) msg;
        synchronized (lock) {
            if (!readers.isEmpty()) {
                CompletableFuture<ByteBuffer> r = readers.poll();
                ByteBuffer copy = ByteBuffer.allocate(b.readableBytes());
                b.readBytes(copy);
                b.release();
                r.complete(copy.flip());
                return;
            }
            received.add(b);
            queued += b.readableBytes();
            if (queued > HIGH_WATER && !paused) {
                paused = true;
                channel.config().setAutoRead(false);
            }
            lock.notifyAll();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            end(null);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        end(eof ? null : new IOException("stream reset or session closed"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        end(cause instanceof QuicStreamResetException reset
                ? new IOException(StreamError.describe(reset.applicationProtocolCode()), cause)
                : new IOException("stream failed: " + cause.getMessage(), cause));
        ctx.close();
    }

    /**
     * Refuses the stream before the application sees it: STOP_SENDING and RESET_STREAM with
     * {@code error}, then the channel closes (I/O thread).
     */
    void refuse(StreamError error) {
        channel.shutdown(error.code()).addListener(f -> channel.close());
    }

    private void end(IOException error) {
        synchronized (lock) {
            if (!eof) {
                eof = true;
                failure = error; // thrown once the bytes that did arrive have been read
            }
            while (!readers.isEmpty()) {
                CompletableFuture<ByteBuffer> r = readers.poll();
                if (failure != null) {
                    r.completeExceptionally(failure);
                } else {
                    r.complete(ByteBuffer.allocate(0));
                }
            }
            lock.notifyAll();
        }
    }

    // ---- application side ----

    /** Takes up to {@code max} bytes into {@code dst}; blocks for the first. -1 at end. Caller holds no lock. */
    private int take(byte[] dst, int off, int max) throws IOException {
        synchronized (lock) {
            while (received.isEmpty() && !eof) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while reading");
                }
            }
            if (received.isEmpty()) {
                if (failure != null) {
                    throw failure;
                }
                return -1;
            }
            int n = 0;
            while (n < max && !received.isEmpty()) {
                ByteBuf head = received.peek();
                int k = Math.min(max - n, head.readableBytes());
                head.readBytes(dst, off + n, k);
                n += k;
                if (!head.isReadable()) {
                    received.poll().release();
                }
            }
            queued -= n;
            resumeIfDrained();
            return n;
        }
    }

    private void resumeIfDrained() {
        if (paused && queued < LOW_WATER) {
            paused = false;
            channel.eventLoop().execute(() -> {
                channel.config().setAutoRead(true);
                channel.read();
            });
        }
    }

    @Override
    public CompletableFuture<ByteBuffer> read() {
        synchronized (lock) {
            if (!received.isEmpty()) {
                ByteBuf head = received.poll();
                ByteBuffer copy = ByteBuffer.allocate(head.readableBytes());
                head.readBytes(copy);
                head.release();
                queued -= copy.capacity();
                resumeIfDrained();
                return CompletableFuture.completedFuture(copy.flip());
            }
            if (eof) {
                return failure != null ? CompletableFuture.failedFuture(failure)
                        : CompletableFuture.completedFuture(ByteBuffer.allocate(0));
            }
            CompletableFuture<ByteBuffer> f = new CompletableFuture<>();
            readers.add(f);
            return f;
        }
    }

    @Override
    public CompletableFuture<Void> write(ByteBuffer data) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (!channel.isActive()) {
            done.completeExceptionally(new JunctionException("stream is closed"));
            return done;
        }
        // Direct, as the QUIC stream needs: a heap buffer would be copied once more.
        ByteBuf b = channel.alloc().directBuffer(data.remaining());
        b.writeBytes(data);
        ChannelFuture f = channel.writeAndFlush(b);
        f.addListener(x -> {
            if (x.isSuccess()) {
                done.complete(null);
            } else {
                done.completeExceptionally(new JunctionException("write failed: " + x.cause().getMessage(), x.cause()));
            }
        });
        return done;
    }

    private void writeBlocking(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = Math.min(len, MAX_CHUNK);
            synchronized (lock) {
                while (channel.isActive() && !channel.isWritable()) {
                    try {
                        lock.wait(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while writing");
                    }
                }
            }
            if (!channel.isActive() || finQueued) {
                throw new IOException("stream is closed");
            }
            channel.writeAndFlush(channel.alloc().directBuffer(n).writeBytes(b, off, n), channel.voidPromise());
            off += n;
            len -= n;
        }
    }

    @Override
    public InputStream input() {
        return in;
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public void shutdownOutput() {
        synchronized (lock) {
            if (finQueued || !channel.isActive()) {
                return;
            }
            finQueued = true;
        }
        // A FIN frame through the pipeline, behind every queued write. QuicStreamChannel.shutdownOutput()
        // would hand the FIN to quiche at once, ahead of writes still queued in the channel, and the
        // peer would read a truncated stream.
        channel.writeAndFlush(new DefaultQuicStreamFrame(Unpooled.EMPTY_BUFFER, true), channel.voidPromise());
    }

    @Override
    public void close() {
        shutdownOutput();
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return take(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            return take(b, off, len);
        }

        @Override
        public int available() {
            synchronized (lock) {
                return queued;
            }
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            writeBlocking(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            writeBlocking(b, off, len);
        }

        @Override
        public void close() {
            shutdownOutput();
        }
    }
}
