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

    /**
     * With a dual-stack relay's two addresses, nat-check also checks IPv6 (issue #19): from a site
     * with a routed /64 behind a stateful firewall it is reachable, not NATed, and filtered inbound;
     * from an IPv6-only site the same with no IPv4 at all; from an IPv4-only site the IPv6 address
     * does not answer, and the IPv4 report is as before.
     */
    @Test
    void natCheckReportsIpv6ReachabilityAndTheFirewall() throws Exception {
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site dual = net.dualStack("sym6", Kind.SYM);
            Site only6 = net.ipv6Only("only6");
            Site only4 = net.site("eim4", Kind.EIM);
            List<Process> processes = new ArrayList<>();
            try {
                LabRelay relay = LabRelay.start(lab, net, dir, processes);
                String[] check = {"nat-check", "--json", "--relay", relay.address(), "--relay", relay.address6()};
                String json = lab.inNs(dual.host(), Lab.javaCommand("dev.junction.cli.Main", check));
                assertThat(json).as(json).contains("\"mapping\":\"address-and-port-dependent\"", "\"ipv6\":{\"addresses\":[\"" + dual.hostIp6() + "\"]",
                        "\"reachable\":true", "\"mapped\":\"[" + dual.hostIp6() + "]:", "\"nat\":false", "\"firewall\":\"filtering\"");
                assertThat(Long.parseLong(json.replaceAll(".*\"elapsed_ms\":(\\d+).*", "$1").strip())).as(json).isLessThan(5000);
                String v6only = lab.inNs(only6.host(), Lab.javaCommand("dev.junction.cli.Main", "nat-check", "--json", "--relay", relay.address6()));
                assertThat(v6only).as(v6only).contains("\"udp\":true", "\"behind_nat\":false", "\"reachable\":true",
                        "\"firewall\":\"filtering\"", "\"relay\":\"[" + Topology.RELAY_IP6 + "]:3478\"");
                String v4only = lab.inNs(only4.host(), Lab.javaCommand("dev.junction.cli.Main", check));
                assertThat(v4only).as(v4only).contains("\"verdict\":\"easy\"", "\"ipv6\":{\"addresses\":[],", "\"reachable\":false");
                String human = lab.inNs(dual.host(), Lab.javaCommand("dev.junction.cli.Main", "nat-check", "--relay", relay.address(),
                        "--relay", relay.address6()));
                assertThat(human).as(human).contains("IPv6:", "reachable, seen as [" + dual.hostIp6() + "]:", "a firewall filters inbound");
                System.out.println("nat-check IPv6 behind a stateful firewall: " + json.replaceAll(".*(\"ipv6\":\\{[^}]*}).*", "$1"));
            } finally {
                LabRelay.stopAll(processes);
            }
        }
    }
}
