package dev.junction.client.internal.session;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run application callbacks that may block: accept handlers and stream handlers
 * (junction.client.incoming-streams.handler-threads). A task goes to an idle thread if there is
 * one, else to a new thread while there are fewer than the maximum, else it waits in the queue
 * for the next thread that frees up; it is refused only once the client is closing.
 *
 * <p>The queue needs no bound of its own: each stream handler in it holds a place among its peer's
 * {@link PeerStreams}, each accept handler a session (a circuit, which the relay bounds).
 */
public final class HandlerPool {
    /** How long an idle thread lingers before it ends: a burst of streams reuses threads. */
    static final long LINGER_SECONDS = 30;

    private HandlerPool() {
    }

    public static ExecutorService create(int threads) {
        AtomicInteger n = new AtomicInteger();
        Handoff queue = new Handoff();
        return new ThreadPoolExecutor(0, threads, LINGER_SECONDS, TimeUnit.SECONDS, queue, r -> {
            Thread t = new Thread(r, "junction-app-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, (task, pool) -> {
            // All threads busy (each of them will poll the queue when it finishes), or shut down.
            if (pool.isShutdown()) {
                throw new RejectedExecutionException("the client is closed");
            }
            queue.enqueue(task);
        });
    }

    /**
     * A queue whose offer succeeds only when an idle thread takes the task at once, so that the
     * pool starts a new thread (up to its maximum) rather than queueing while threads remain.
     */
    private static final class Handoff extends LinkedTransferQueue<Runnable> {
        @Override
        public boolean offer(Runnable task) {
            return tryTransfer(task);
        }

        void enqueue(Runnable task) {
            super.offer(task);
        }
    }
}
