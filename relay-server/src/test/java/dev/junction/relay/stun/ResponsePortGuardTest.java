package dev.junction.relay.stun;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResponsePortGuardTest {
    private static final long MS = 1_000_000L;
    private static final InetSocketAddress ATTACKER = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress TARGET = new InetSocketAddress("127.0.0.1", 40001);

    private static int allowed(ResponsePortGuard guard, int tries, long nowNanos) {
        int n = 0;
        for (int i = 0; i < tries; i++) {
            if (guard.check(ATTACKER, TARGET, nowNanos) == ResponsePortGuard.Verdict.ALLOWED) {
                n++;
            }
        }
        return n;
    }

    @Test
    void aBurstAcrossASecondBoundaryGetsNoMoreThanTheBucketHolds() {
        long t0 = 5_000 * MS;
        ResponsePortGuard guard = new ResponsePortGuard(Duration.ofSeconds(60), 10, t0);
        guard.requested(TARGET, t0);
        assertThat(allowed(guard, 15, t0 + 950 * MS)).isEqualTo(10);
        // 100 ms later, across a whole-second boundary: one token refilled, not a fresh ten.
        assertThat(allowed(guard, 15, t0 + 1_050 * MS)).isEqualTo(1);
        assertThat(allowed(guard, 15, t0 + 1_350 * MS)).isEqualTo(3);
    }

    @Test
    void anIdleSourceIsFullAgainAfterItsBucketIsForgotten() {
        long t0 = 0;
        ResponsePortGuard guard = new ResponsePortGuard(Duration.ofSeconds(60), 10, t0);
        guard.requested(TARGET, t0);
        assertThat(allowed(guard, 15, t0)).isEqualTo(10);
        assertThat(allowed(guard, 15, t0 + 1_500 * MS)).isEqualTo(10);
        assertThat(allowed(guard, 15, t0 + 4_000 * MS)).isEqualTo(10);
    }

    @Test
    void onlyAPortThatAskedWithinTheWindowIsATarget() {
        long t0 = 0;
        ResponsePortGuard guard = new ResponsePortGuard(Duration.ofSeconds(60), 10, t0);
        assertThat(guard.check(ATTACKER, TARGET, t0)).isEqualTo(ResponsePortGuard.Verdict.NOT_A_REQUESTER);
        assertThat(guard.check(ATTACKER, new InetSocketAddress("127.0.0.1", 22), t0)).isEqualTo(ResponsePortGuard.Verdict.PRIVILEGED_PORT);
        guard.requested(TARGET, t0);
        assertThat(guard.check(ATTACKER, TARGET, t0 + 59_000 * MS)).isEqualTo(ResponsePortGuard.Verdict.ALLOWED);
        assertThat(guard.check(ATTACKER, TARGET, t0 + 61_000 * MS)).isEqualTo(ResponsePortGuard.Verdict.NOT_A_REQUESTER);
    }
}
