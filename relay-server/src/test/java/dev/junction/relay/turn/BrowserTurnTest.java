package dev.junction.relay.turn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.TestRelay;
import dev.junction.relay.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser uses the relay as its TURN server: headless Chromium opens a page with two
 * RTCPeerConnections that may use relayed candidates only, with Junction as the only ICE server and
 * credentials minted from its TURN secret as an app server would. The data channel must open and
 * echo, over a candidate pair whose local side is a relayed address of Junction's. With a wrong
 * password nothing connects. The two allocations reach each other at their relayed addresses, which
 * the peer policy allows although they are on loopback (nothing else on loopback is allowed here).
 * {@code .ci/run} installs chromium and chromium-driver; under CI=true a missing one fails the test.
 */
class BrowserTurnTest {
    @TempDir
    Path dir;

    @AutoClose
    TestRelay relay;

    @BeforeEach
    void start() throws Exception {
        Tools.require(WebDriverSession.CHROMIUM, "chromium");
        Tools.require(WebDriverSession.CHROMEDRIVER, "chromium-driver");
        relay = TestRelay.start(dir, Map.of());
    }

    /** Loads the page with this ICE server and polls it until the channel echoed, failed, or 30 s passed; returns window.result. */
    private String runPage(String username, String password, Duration within) throws Exception {
        Path page = dir.resolve("datachannel.html");
        try (var in = Objects.requireNonNull(getClass().getResourceAsStream("/turn/datachannel.html"))) {
            Files.write(page, in.readAllBytes());
        }
        String server = "{\"urls\":\"turn:127.0.0.1:" + relay.server.stunAddress().getPort() + "?transport=udp\",\"username\":"
                + WebDriverSession.quote(username) + ",\"credential\":" + WebDriverSession.quote(password) + "}";
        try (WebDriverSession browser = WebDriverSession.start(dir.resolve("chromium-profile"))) {
            browser.open(page.toUri() + "#" + java.net.URLEncoder.encode(server, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
            long until = System.currentTimeMillis() + within.toMillis();
            String result = browser.evaluate("return JSON.stringify(window.result);");
            while (System.currentTimeMillis() < until && !result.contains("\"state\":\"done\"") && !result.contains("\"state\":\"error\"")) {
                Thread.sleep(200);
                result = browser.evaluate("return JSON.stringify(window.result);");
            }
            System.out.println("page result: " + result);
            return result;
        }
    }

    private TurnCredentials.Minted mint() throws Exception {
        return TurnCredentials.mint(TurnSecrets.current(relay.server.config().turn().orElseThrow().secretFile()), "browser",
                Duration.ofMinutes(10), Instant.now());
    }

    @Test
    void aDataChannelOpensAndEchoesThroughJunctionAsTheOnlyTurnServer() throws Exception {
        TurnCredentials.Minted c = mint();
        String result = runPage(c.username(), c.password(), Duration.ofSeconds(30));
        assertThat(result).as("the data channel echoed").contains("\"echoed\":\"echo:hello through Junction\"");
        assertThat(result).as("the pair's local candidate is relayed, at Junction's address")
                .containsPattern("\"pair\":\\{\"type\":\"relay\",\"address\":\"127\\.0\\.0\\.1\",\"port\":(49[1-9]\\d\\d|5\\d{4}|6[0-5]\\d{3})}");
        assertThat(result).as("only relayed candidates were offered").doesNotContain("typ host").doesNotContain("typ srflx");
        String metrics = relay.server.metrics().scrape();
        assertThat(metrics).containsPattern("junction_turn_allocations_made_total [2-9]")
                .containsPattern("junction_turn_relayed_packets_total\\{direction=\"from_peer\",transport=\"udp\"} [1-9]")
                .contains("junction_turn_auth_total{outcome=\"ok\"}");
    }

    @Test
    void aWrongPasswordConnectsNothing() throws Exception {
        TurnCredentials.Minted c = mint();
        String result = runPage(c.username(), c.password().substring(1) + "x", Duration.ofSeconds(10));
        assertThat(result).doesNotContain("\"echoed\":\"echo").doesNotContain("typ relay");
        assertThat(relay.server.turn().allocationCount()).isZero();
        assertThat(relay.server.metrics().scrape()).containsPattern("junction_turn_auth_total\\{outcome=\"refused\"} [1-9]");
    }
}
