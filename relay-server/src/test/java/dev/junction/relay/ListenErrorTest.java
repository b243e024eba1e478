package dev.junction.relay;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second relay on a port the first holds fails at start-up with an error that names the listener
 * (as the start-up lines do), its address, and the setting that moves it (issue #14: a new user got
 * only "bind(..) failed with error(-98): Address already in use").
 */
class ListenErrorTest {
    @TempDir
    Path dir;

    @Test
    void aTakenPortIsNamedWithTheSettingThatMovesIt() throws Exception {
        try (TestRelay first = TestRelay.start(dir.resolve("a"))) {
            int control = first.server.controlAddress().getPort();
            assertThatThrownBy(() -> TestRelay.start(dir.resolve("b"), Map.of("control-port", control)).close())
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("control: tls on 127.0.0.1:" + control)
                    .hasMessageContaining("junction.relay.control-port")
                    .hasMessageNotContaining("error(-98)");
            int admin = first.server.adminAddress().getPort();
            assertThatThrownBy(() -> TestRelay.start(dir.resolve("c"), Map.of("admin.port", admin)).close())
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("metrics on 127.0.0.1:" + admin)
                    .hasMessageContaining("junction.relay.admin.port");
            int stun = first.server.stunAddress().getPort();
            assertThatThrownBy(() -> TestRelay.start(dir.resolve("d"), Map.of("stun-port", stun)).close())
                    .isInstanceOf(BindException.class)
                    .hasMessageContaining("stun: udp on 127.0.0.1:" + stun)
                    .hasMessageContaining("junction.relay.stun-port");
        }
    }
}
