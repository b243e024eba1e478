package dev.junction.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.lab.Topology.Kind;
import dev.junction.lab.Topology.Site;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `junction nat-check` behind each kind of NAT the lab builds, against a relay with two public
 * addresses: the classification must name what nftables actually does.
 */
class NatCheckBehindNatsTest {
    @TempDir
    Path dir;

    @Test
    void natCheckClassifiesEveryKindOfNat() throws Exception {
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            List<Site> sites = new ArrayList<>();
            for (Kind k : Kind.values()) {
                sites.add(net.site(k.label().substring(0, 3) + k.ordinal(), k));
            }
            Path conf = dir.resolve("relay.conf");
            Files.writeString(conf, "junction.relay { admin.port = 0, data-dir = \"" + dir.resolve("data") + "\" }\n");
            Path log = dir.resolve("relay.log");
            Process relay = lab.startJava(net.relayNs(), log, "dev.junction.cli.Main", "relay", "--config", conf.toString(),
                    "--bind", Topology.RELAY_IP, "--alt-ip", Topology.RELAY_ALT_IP);
            try {
                String address = Lab.awaitLine(log, "relay address: ", 30).substring("relay address: ".length());
                for (Site s : sites) {
                    String json = lab.inNs(s.host(), Lab.javaCommand("dev.junction.cli.Main", "nat-check", "--json", "--relay", address));
                    String why = s.kind() + ": " + json;
                    switch (s.kind()) {
                        case PUBLIC -> assertThat(json).as(why).contains("\"udp\":true", "\"behind_nat\":false", "\"mapping\":\"none\"",
                                "\"filtering\":\"none\"", "\"verdict\":\"open\"");
                        case EIM -> assertThat(json).as(why).contains("\"udp\":true", "\"behind_nat\":true",
                                "\"mapping\":\"endpoint-independent\"", "\"filtering\":\"address-and-port-dependent\"",
                                "\"mapped_udp\":\"" + s.publicIp() + ":", "\"verdict\":\"easy\"");
                        case CGNAT -> assertThat(json).as(why).contains("\"udp\":true", "\"behind_nat\":true",
                                "\"mapping\":\"endpoint-independent\"", "\"filtering\":\"address-and-port-dependent\"",
                                "\"mapped_udp\":\"" + s.publicIp() + ":", "\"verdict\":\"easy\"");
                        case SYM -> assertThat(json).as(why).contains("\"behind_nat\":true",
                                "\"mapping\":\"address-and-port-dependent\"", "\"verdict\":\"hard\"");
                        case FULLCONE -> assertThat(json).as(why).contains("\"behind_nat\":true",
                                "\"mapping\":\"endpoint-independent\"", "\"filtering\":\"endpoint-independent\"", "\"verdict\":\"easy\"");
                        case UDPBLOCK -> assertThat(json).as(why).contains("\"udp\":false", "\"verdict\":\"udp-blocked\"",
                                "\"mapped_tcp\":\"" + s.publicIp() + ":");
                    }
                    assertThat(Long.parseLong(json.replaceAll(".*\"elapsed_ms\":(\\d+).*", "$1").strip())).as(why).isLessThan(5000);
                }
            } finally {
                relay.destroy();
                relay.waitFor(10, TimeUnit.SECONDS);
                relay.destroyForcibly();
            }
        }
    }
}
