package dev.junction.relay.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.Closer;
import dev.junction.relay.TestClient;
import dev.junction.relay.TestRelay;
import dev.junction.wire.Bytes;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.identity.Identity;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bounds on what one control connection can make the relay do: request rate, send queue, stalls. */
class ControlLimitsTest {
    @TempDir
    Path dir;
    @AutoClose
    TestRelay relay;
    @AutoClose
    final Closer open = new Closer();

    TestClient loggedIn(Identity id) throws Exception {
        TestClient c = relay.client();
        open.keep(c);
        c.loginOk(id, relay.token(id.peerId()));
        return c;
    }

    static double value(String scrape, String series) {
        return scrape.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no series " + series));
    }

    @Test
    void connectsAboveTheRequestRateAreAnsweredRateLimitedAndCounted() throws Exception {
        relay = TestRelay.start(dir, Map.of("limits.control-requests-per-second", 5));
        TestClient c = loggedIn(Identity.generate());
        int rateLimited = 0;
        int answered = 0;
        long start = System.nanoTime();
        for (int i = 1; i <= 30; i++) {
            c.send(new CircuitFrames.Connect(i, Identity.generate().peerId()));
        }
        // The burst (2 s worth = 10) gets PEER_NOT_FOUND; the rest RATE_LIMITED.
        for (int i = 0; i < 30; i++) {
            ControlFrame f = c.next();
            assertThat(f).isInstanceOf(LinkFrames.Error.class);
            ErrorCode code = ((LinkFrames.Error) f).code();
            if (code == ErrorCode.RATE_LIMITED) {
                rateLimited++;
            } else {
                assertThat(code).isEqualTo(ErrorCode.PEER_NOT_FOUND);
                answered++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        // The burst (2 s worth) plus what refilled while the test ran; never all 30.
        assertThat(answered).isGreaterThanOrEqualTo(10).isLessThanOrEqualTo(10 + (int) Math.ceil(seconds * 5) + 1).isLessThan(30);
        assertThat(rateLimited).isEqualTo(30 - answered);
        assertThat(relay.server.metrics().scrape()).contains("junction_drops_total{reason=\"rate_limited\"} " + rateLimited + ".0");
    }

    @Test
    void aReceiverThatTakesNothingIsClosedAfterTheWriteTimeoutAndCounted() throws Exception {
        relay = TestRelay.start(dir, Map.of("limits.write-timeout", "1s", "limits.send-queue-frames", 64,
                "limits.circuit-packets-per-second", 0));
        Identity a = Identity.generate();
        Identity b = Identity.generate();
        TestClient caller = loggedIn(a);
        TestClient stalled = loggedIn(b);
        caller.send(new CircuitFrames.Connect(1, b.peerId()));
        int id = stalled.expect(CircuitFrames.Incoming.class).circuit();
        stalled.send(new CircuitFrames.Accept(id));
        caller.expect(CircuitFrames.CircuitOpen.class);
        stalled.expect(CircuitFrames.CircuitOpen.class);
        stalled.pauseReading();
        Bytes payload = Bytes.of(new byte[16_000]);
        long start = System.nanoTime();
        // Enough to fill the kernel's buffers both ways and the relay's queue; bounded in count and time.
        long offered = 0;
        for (int i = 0; i < 4000 && stalled.isOpen() && System.nanoTime() - start < 20_000_000_000L; i++) {
            caller.send(new CircuitFrames.Data(id, payload));
            offered += payload.length();
        }
        String closed = "junction_connections_closed_total{reason=\"slow_consumer\"} 1.0";
        for (int i = 0; i < 150 && !relay.server.metrics().scrape().contains(closed); i++) {
            Thread.sleep(100);
        }
        String metrics = relay.server.metrics().scrape();
        assertThat(metrics).as("the relay closed the stalled receiver and counted it").contains(closed);
        stalled.resumeReading();
        assertThat(stalled.closedWithin(10)).as("the stalled receiver's connection is gone").isTrue();
        assertThat(metrics).doesNotContain("junction_drops_total{reason=\"queue_full\"} 0.0");
        // Dropped frames are not counted as relayed: what came in over TLS and counts is what went out.
        double in = value(metrics, "junction_relayed_bytes_total{direction=\"in\",transport=\"tcp\"}");
        double out = value(metrics, "junction_relayed_bytes_total{direction=\"out\",transport=\"tcp\"}");
        assertThat(in).isEqualTo(out).isPositive().isLessThan(offered);
        // The sender was never held up: it is still logged in and served.
        CircuitFrames.CircuitClose end = caller.expect(CircuitFrames.CircuitClose.class);
        assertThat(end.circuit()).isEqualTo(id);
        assertThat(end.reason()).as("the caller hears its circuit end with the stalled peer gone")
                .isEqualTo(dev.junction.wire.control.CloseReason.PEER_GONE);
        caller.send(new LinkFrames.Ping(9));
        assertThat(caller.expect(LinkFrames.Pong.class).nonce()).isEqualTo(9);
    }
}
