package dev.junction.relay.stun;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.TestRelay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The amplification and RESPONSE-PORT limits must not break standard RFC 5780 clients: coturn's
 * {@code turnutils_natdiscovery} runs its mapping, filtering, hairpinning and mapping-lifetime
 * tests against the relay (two loopback IPs, two ports). {@code .ci/run} installs coturn; under
 * CI=true a missing tool fails this test instead of skipping it.
 */
class NatDiscoveryCompatTest {
    static final int PORT = 34811;
    static final int ALT_PORT = 34812;
    static final Path TOOL = Path.of("/usr/bin/turnutils_natdiscovery");

    @TempDir
    Path dir;

    static void requireTool() {
        dev.junction.relay.Tools.require(TOOL, "coturn");
    }

    static String run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(TOOL.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("turnutils_natdiscovery " + String.join(" ", args) + " did not finish within 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        System.out.println("$ turnutils_natdiscovery " + String.join(" ", args) + "\n" + out);
        assertThat(p.exitValue()).as("exit code of turnutils_natdiscovery %s\n%s", String.join(" ", args), out).isZero();
        return out;
    }

    @Test
    void coturnsNatDiscoveryRunsEveryTestAgainstTheRelay() throws Exception {
        requireTool();
        try (TestRelay relay = TestRelay.start(dir, Map.of("bind", "127.0.0.1", "alt-ip", "127.0.0.2", "stun-port", PORT,
                "stun-alt-port", ALT_PORT))) {
            String discovery = run("-m", "-f", "-H", "-p", Integer.toString(PORT), "127.0.0.1");
            assertThat(discovery.toLowerCase()).contains("mapping").contains("filtering").doesNotContain("error");
            assertThat(discovery).containsIgnoringCase("independent");
            String lifetime = run("-t", "-T", "5", "-p", Integer.toString(PORT), "127.0.0.1");
            assertThat(lifetime.toLowerCase()).contains("lifetime").doesNotContain("error");
        }
    }
}
