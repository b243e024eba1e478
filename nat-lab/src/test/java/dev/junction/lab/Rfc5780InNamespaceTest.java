package dev.junction.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `junction relay --bind 203.0.113.10 --alt-ip 203.0.113.11` in its own network namespace serves
 * RFC 5780 to a client in another namespace: each CHANGE-REQUEST is answered from the right address.
 */
class Rfc5780InNamespaceTest {
    @TempDir
    Path dir;

    @Test
    void relayWithTwoPublicAddressesAnswersEveryChangeRequestFromTheRightOne() throws Exception {
        try (Lab lab = Lab.open()) {
            String relayNs = lab.namespace("relay");
            String clientNs = lab.namespace("cli");
            lab.link(relayNs, "eth0", clientNs, "eth0");
            lab.inNs(relayNs, "ip", "addr", "add", "203.0.113.10/24", "dev", "eth0");
            lab.inNs(relayNs, "ip", "addr", "add", "203.0.113.11/24", "dev", "eth0");
            lab.inNs(clientNs, "ip", "addr", "add", "203.0.113.20/24", "dev", "eth0");
            lab.up(relayNs, "eth0");
            lab.up(clientNs, "eth0");

            Path conf = dir.resolve("relay.conf");
            Files.writeString(conf, "junction.relay { admin.port = 0, data-dir = \"" + dir.resolve("data") + "\" }\n");
            Path log = dir.resolve("relay.log");
            Process relay = lab.startJava(relayNs, log, "dev.junction.cli.Main", "relay", "--config", conf.toString(),
                    "--bind", "203.0.113.10", "--alt-ip", "203.0.113.11");
            try {
                Lab.awaitLine(log, "relay address: ", 30);
                String out = lab.inNs(clientNs, Lab.javaCommand("dev.junction.lab.StunProbe", "203.0.113.10", "3478"));
                List<String> lines = out.lines().toList();
                assertThat(lines).contains(
                        "plain from=203.0.113.10:3478 origin=203.0.113.10:3478 mapped=203.0.113.20:" + port(lines.get(0))
                                + " other=203.0.113.11:3479",
                        "change-ip-port from=203.0.113.11:3479 origin=203.0.113.11:3479 mapped=203.0.113.20:" + port(lines.get(0))
                                + " other=203.0.113.11:3479",
                        "change-port from=203.0.113.10:3479 origin=203.0.113.10:3479 mapped=203.0.113.20:" + port(lines.get(0))
                                + " other=203.0.113.11:3479",
                        "change-ip from=203.0.113.11:3478 origin=203.0.113.11:3478 mapped=203.0.113.20:" + port(lines.get(0))
                                + " other=203.0.113.11:3479");
            } finally {
                relay.destroy();
                relay.waitFor(10, TimeUnit.SECONDS);
                relay.destroyForcibly();
            }
        }
    }

    private static String port(String plainLine) {
        return plainLine.replaceAll(".* mapped=203\\.0\\.113\\.20:(\\d+) .*", "$1");
    }
}
