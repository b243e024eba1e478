package dev.junction.client.internal.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HandlerPoolTest {
    @Test
    void queuesWorkWhenEveryThreadIsBusyInsteadOfRefusingIt() throws Exception {
        ExecutorService pool = HandlerPool.create(2);
        try {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch done = new CountDownLatch(5);
            Set<String> threads = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 5; i++) {
                pool.execute(() -> {
                    threads.add(Thread.currentThread().getName());
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    done.countDown();
                });
            }
            assertThat(done.getCount()).isEqualTo(5);
            release.countDown();
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(threads).hasSize(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anIdleThreadIsReusedRatherThanANewOneStarted() throws Exception {
        ExecutorService pool = HandlerPool.create(8);
        try {
            Set<String> threads = ConcurrentHashMap.newKeySet();
            for (int i = 0; i < 20; i++) {
                pool.submit(() -> threads.add(Thread.currentThread().getName())).get(5, TimeUnit.SECONDS);
                Thread.sleep(5); // the thread is back waiting for work
            }
            assertThat(threads).hasSizeLessThanOrEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void refusesOnlyOnceShutDown() {
        ExecutorService pool = HandlerPool.create(1);
        pool.shutdown();
        assertThatThrownBy(() -> pool.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
    }
}
