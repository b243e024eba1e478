package dev.junction.relay.control;

import dev.junction.relay.metrics.ConnectionCloseReason;
import dev.junction.relay.metrics.DropReason;
import dev.junction.relay.metrics.RelayMetrics;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one bounded send queue of a control connection: every frame the relay writes to a client
 * (answers, INCOMING, CIRCUIT_OPEN, CIRCUIT_CLOSE, relayed DATA) goes through {@link #offer}. It
 * holds at most {@code maxFrames} frames that the kernel has not yet taken, and at most the
 * channel's high water mark in bytes ({@code limits.send-queue-bytes}); beyond either, the frame
 * is dropped (reason {@code queue_full}) instead of queued, so what a client sends or fails to
 * read can never grow the relay's memory past these bounds.
 *
 * <p>Relayed DATA may fill the queue only up to those bounds; control frames have
 * {@link #CONTROL_RESERVE} more frames on top (and ignore the byte mark), so a busy relayed session
 * never crowds out its own INCOMING, CIRCUIT_CLOSE or answers.
 *
 * <p>A client that takes nothing for {@code stallTimeout} while frames wait is closed and counted
 * ({@code junction_connections_closed_total{reason="slow_consumer"}}). Thread-safe: the forwarding
 * path offers from other event loops.
 */
final class ControlOutbox {
    /** Frames beyond the queue's bound kept for control frames; they are small and their senders rate-limited. */
    static final int CONTROL_RESERVE = 64;

    private final Channel channel;
    private final int maxFrames;
    private final long stallNanos;
    private final RelayMetrics metrics;
    /** Frames handed to Netty whose bytes the kernel has not yet taken. */
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean checkScheduled = new AtomicBoolean();
    /**
     * The pending stall check, cancelled when the connection closes: a check left waiting would keep
     * the closed channel and its pipeline reachable for up to the stall timeout (the soak test saw
     * every connection closed in the last 10 s held this way, ~1.5 KiB each).
     */
    private volatile ScheduledFuture<?> stallCheck;
    /** When the queue last moved: a frame was taken by the kernel, or the queue became non-empty. */
    private volatile long lastProgress = System.nanoTime();
    private final ChannelFutureListener taken = f -> {
        lastProgress = System.nanoTime();
        queued.decrementAndGet();
    };

    ControlOutbox(Channel channel, int maxFrames, Duration stallTimeout, RelayMetrics metrics) {
        this.channel = channel;
        this.maxFrames = maxFrames;
        this.stallNanos = stallTimeout.toNanos();
        this.metrics = metrics;
        channel.closeFuture().addListener(f -> {
            ScheduledFuture<?> pending = stallCheck;
            if (pending != null) {
                pending.cancel(false);
            }
        });
    }

    /**
     * Queues {@code msg} (a control frame, or relayed DATA as an encoded frame buffer, released here
     * if dropped) and flushes it; {@code beforeWrite} (may be null) runs once the frame is accepted, before it is
     * written. False when the queue was full and the frame was dropped.
     */
    boolean offer(Object msg, boolean control, Runnable beforeWrite) {
        boolean full = control ? queued.get() >= maxFrames + CONTROL_RESERVE : queued.get() >= maxFrames || !channel.isWritable();
        if (!channel.isActive() || full) {
            ReferenceCountUtil.release(msg);
            if (channel.isActive()) {
                metrics.drop(DropReason.QUEUE_FULL);
            }
            return false;
        }
        if (queued.getAndIncrement() == 0) {
            lastProgress = System.nanoTime();
        }
        if (beforeWrite != null) {
            beforeWrite.run();
        }
        channel.writeAndFlush(msg).addListener(taken);
        if (checkScheduled.compareAndSet(false, true)) {
            stallCheck = channel.eventLoop().schedule(this::checkStall, stallNanos, TimeUnit.NANOSECONDS);
        }
        return true;
    }

    /** Runs on the event loop while frames may wait: closes a client that has taken nothing for the stall timeout. */
    private void checkStall() {
        if (queued.get() <= 0 || !channel.isActive()) {
            checkScheduled.set(false);
            if (queued.get() > 0 && channel.isActive() && checkScheduled.compareAndSet(false, true)) {
                stallCheck = channel.eventLoop().schedule(this::checkStall, stallNanos, TimeUnit.NANOSECONDS);
            }
            return;
        }
        long waited = System.nanoTime() - lastProgress;
        if (waited >= stallNanos) {
            metrics.connectionClosed(ConnectionCloseReason.SLOW_CONSUMER);
            channel.close();
            return;
        }
        stallCheck = channel.eventLoop().schedule(this::checkStall, stallNanos - waited, TimeUnit.NANOSECONDS);
    }

    /** True while a stall check waits to run (for tests). */
    boolean stallCheckPending() {
        ScheduledFuture<?> pending = stallCheck;
        return pending != null && !pending.isDone();
    }

    /** Frames waiting for the kernel now (for tests and the soak). */
    int queued() {
        return queued.get();
    }
}
