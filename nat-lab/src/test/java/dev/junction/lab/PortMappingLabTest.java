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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Port mapping (issue 19) against a gateway in the lab's router namespace that speaks the real PCP
 * and NAT-PMP wire formats and installs real nftables rules ({@link PortMapGateway}; Debian's
 * miniupnpd refuses every mapping on the reserved addresses this lab must use). Two symmetric NATs
 * stay on the relay without it; with one router mapping the listener's port the pair goes direct,
 * the mapping is renewed while the session runs and deleted when the client closes. A gateway that
 * answers garbage or names an unusable address changes nothing: the relayed session carries the
 * bytes. Port mapping is only ever turned on here, inside the lab's own namespaces.
 */
class PortMappingLabTest {
    @TempDir
    Path dir;

    /** The gateway fixture in {@code site}'s router, on its LAN address; returns its log once it listens. */
    static Path gateway(Lab lab, Topology net, Site site, Path dir, String mode, int maxLifetimeSeconds, List<Process> processes)
            throws Exception {
        Path log = dir.resolve("gateway-" + site.name() + ".log");
        String lanIp = site.hostIp().substring(0, site.hostIp().lastIndexOf('.')) + ".1";
        processes.add(lab.startJava(net.routerOf(site), log, "dev.junction.lab.PortMapGateway", lanIp, site.publicIp(),
                String.valueOf(maxLifetimeSeconds), mode));
        Lab.awaitLine(log, "portmap gateway ready", 30);
        return log;
    }

    /** {@code junction listen --echo --port-mapping} at {@code site}; returns its process (its log is NAME.log). */
    static Process listen(Lab lab, Site site, Path dir, String name, String[] peer, String relay, List<Process> processes) throws Exception {
        return LabPeers.listen(lab, site, dir, name, peer, processes, "--port-mapping", "--relay", relay);
    }

    /** {@code junction connect} from {@code site} streaming {@code data}; returns its stderr (the JSON events) once done. */
    static String connect(Site site, Path data, Path back, Path events, String[] peer, String target, String relay, List<Process> processes)
            throws Exception {
        Process c = LabPeers.connect(site, data, back, events, peer, target, processes, "--relay", relay);
        assertThat(c.waitFor(120, TimeUnit.SECONDS)).as("connect finished").isTrue();
        return Files.readString(events);
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void twoSymmetricNatsGoDirectWhenOneRouterMapsTheListenersPortAndTheMappingIsRenewedThenDeleted() throws Exception {
        Path data = dir.resolve("data.bin");
        Lab.randomFile(data, 4, 21);
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site listenerSite = net.site("symm", Kind.SYM);
            Site connectorSite = net.site("symc", Kind.SYM);
            List<Process> processes = new ArrayList<>();
            try {
                // A 4 s lifetime: the client renews every 2 s, several times within the session.
                Path gatewayLog = gateway(lab, net, listenerSite, dir, "ok", 4, processes);
                LabRelay relay = LabRelay.start(lab, net, dir, processes);
                String[] bob = relay.peer("bob");
                String[] alice = relay.peer("alice");
                Process listener = listen(lab, listenerSite, dir, "bob", bob, relay.address(), processes);
                String mapped = Lab.awaitLine(gatewayLog, "mapped " + listenerSite.hostIp() + ":", 10);
                assertThat(mapped).as("asked by PCP first").endsWith("(pcp, 4 s)");
                String log = connect(connectorSite, data, dir.resolve("back.bin"), dir.resolve("alice.err"), alice, bob[2], relay.address(),
                        processes);
                assertThat(Lab.sha256(dir.resolve("back.bin"))).as("echoed bytes, " + log).isEqualTo(Lab.sha256(data));
                int relayed = log.indexOf("\"kind\":\"relay-");
                assertThat(relayed).as(log).isNotNegative();
                assertThat(log.indexOf("\"kind\":\"direct-udp\"")).as("sym x sym went direct through the mapped port: " + log)
                        .isGreaterThan(relayed);
                assertThat(log.lines().filter(l -> l.contains("\"kind\":\"direct-udp\"")).findFirst().orElseThrow())
                        .as("the path event says the path uses a mapped port").contains("\"mapped\":true");
                Lab.awaitLine(gatewayLog, "renewed " + listenerSite.hostIp() + ":", 10);

                long t0 = System.nanoTime();
                listener.destroy(); // SIGTERM: the client closes and deletes its mapping
                Lab.awaitLine(gatewayLog, "deleted " + listenerSite.hostIp() + ":", 5);
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertThat(lab.inNs(net.routerOf(listenerSite), "nft", "list", "table", "ip", "portmap")).as("the rules are gone")
                        .doesNotContain("dnat");
                assertThat(ms).as("deleted within a second of the client closing (JVM exit included)").isLessThan(3000);
                System.out.printf("port mapping: sym x sym direct through %s; deleted %d ms after SIGTERM%n", mapped, ms);
            } finally {
                LabRelay.stopAll(processes);
            }
        }
    }

    /**
     * A router that speaks UPnP-IGD only (SSDP on its LAN, a WANIPConnection:1 control URL): PCP and
     * NAT-PMP go unanswered, the client finds the gateway by SSDP, maps the listener's port with
     * AddPortMapping, the sym x sym pair goes direct through it, and the mapping is deleted
     * (DeletePortMapping) when the listener closes.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aRouterThatSpeaksOnlyUpnpMapsThePortAndTheMappingIsDeleted() throws Exception {
        Path data = dir.resolve("data.bin");
        Lab.randomFile(data, 2, 24);
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site listenerSite = net.site("symp", Kind.SYM);
            Site connectorSite = net.site("symq", Kind.SYM);
            List<Process> processes = new ArrayList<>();
            try {
                Path gatewayLog = gateway(lab, net, listenerSite, dir, "upnp", 3600, processes);
                LabRelay relay = LabRelay.start(lab, net, dir, processes);
                String[] bob = relay.peer("bobp");
                String[] alice = relay.peer("alicep");
                Process listener = listen(lab, listenerSite, dir, "bobp", bob, relay.address(), processes);
                String mapped = Lab.awaitLine(gatewayLog, "mapped " + listenerSite.hostIp() + ":", 15);
                assertThat(mapped).as("by UPnP, after PCP and NAT-PMP went unanswered").contains("(upnp, ");
                String log = connect(connectorSite, data, dir.resolve("back.bin"), dir.resolve("alicep.err"), alice, bob[2], relay.address(),
                        processes);
                assertThat(Lab.sha256(dir.resolve("back.bin"))).as("echoed bytes, " + log).isEqualTo(Lab.sha256(data));
                assertThat(log.lines().filter(l -> l.contains("\"kind\":\"direct-udp\"")).findFirst())
                        .as("sym x sym went direct through the UPnP mapping: " + log).hasValueSatisfying(l -> assertThat(l).contains("\"mapped\":true"));
                listener.destroy();
                Lab.awaitLine(gatewayLog, "deleted " + listenerSite.hostIp() + ":", 5);
                assertThat(lab.inNs(net.routerOf(listenerSite), "nft", "list", "table", "ip", "portmap")).as("the rules are gone")
                        .doesNotContain("dnat");
                System.out.printf("port mapping: UPnP-IGD only, sym x sym direct through %s%n", mapped);
            } finally {
                LabRelay.stopAll(processes);
            }
        }
    }

    /**
     * Debian's miniupnpd (UPnP-IGD, NAT-PMP and PCP) in a router namespace: found by nat-check, but it
     * refuses every mapping on the reserved addresses the lab must use, so the client says so once
     * and its relayed session carries the bytes as before.
     */
    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void miniupnpdIsFoundAndItsRefusalChangesNothing() throws Exception {
        if (!Files.isExecutable(Path.of("/usr/sbin/miniupnpd"))) {
            throw new AssertionError("miniupnpd is missing: apt-get install miniupnpd-nftables (.ci/run installs it)");
        }
        Path data = dir.resolve("data.bin");
        Lab.randomFile(data, 1, 23);
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site site = net.site("symu", Kind.SYM);
            Site connectorSite = net.site("eimu", Kind.EIM);
            List<Process> processes = new ArrayList<>();
            try {
                String router = net.routerOf(site);
                Path conf = dir.resolve("miniupnpd.conf");
                Files.writeString(conf, String.join("\n", "ext_ifname=wan", "listening_ip=lan", "port=0", "enable_natpmp=yes",
                        "enable_upnp=yes", "secure_mode=no", "system_uptime=yes", "uuid=3d3cec3a-8cf0-11e0-98ee-001a6bd2d07b",
                        "lease_file=" + dir.resolve("upnp.leases"), "allow 1024-65535 100.64.0.0/10 1024-65535",
                        "deny 0-65535 0.0.0.0/0 0-65535", ""));
                Path log = dir.resolve("miniupnpd.log");
                Process upnpd = new ProcessBuilder("ip", "netns", "exec", router, "/usr/sbin/miniupnpd", "-d", "-f", conf.toString(),
                        "-P", dir.resolve("miniupnpd.pid").toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                processes.add(upnpd);
                LabRelay relay = LabRelay.start(lab, net, dir, processes);
                String json = "";
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!json.contains("\"upnp\":true") && System.nanoTime() < deadline && upnpd.isAlive()) {
                    json = lab.inNs(site.host(), Lab.javaCommand("dev.junction.cli.Main", "nat-check", "--json", "--port-mapping",
                            "--relay", relay.address()));
                }
                assertThat(json).as("miniupnpd found: " + json + "; its log: " + Files.readString(log)).contains("\"upnp\":true")
                        .contains("\"nat_pmp\":true");
                String[] bob = relay.peer("bobu");
                String[] alice = relay.peer("aliceu");
                listen(lab, site, dir, "bobu", bob, relay.address(), processes);
                String events = connect(connectorSite, data, dir.resolve("back.bin"), dir.resolve("alice.err"), alice, bob[2],
                        relay.address(), processes);
                assertThat(Lab.sha256(dir.resolve("back.bin"))).as(events).isEqualTo(Lab.sha256(data));
                String bobLog = Files.readString(dir.resolve("bobu.log"));
                assertThat(bobLog.split("no usable port mapping", -1).length - 1).as("refused, said once: " + bobLog).isEqualTo(1);
                System.out.printf("port mapping: miniupnpd %s; the client: %s%n", json.replaceAll(".*\"port_mapping\":", ""),
                        bobLog.lines().filter(l -> l.contains("no usable port mapping")).findFirst().orElse(""));
            } finally {
                LabRelay.stopAll(processes);
            }
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aGatewayThatAnswersGarbageOrLiesLeavesTheRelayedSessionAsItWas() throws Exception {
        Path data = dir.resolve("data.bin");
        Lab.randomFile(data, 1, 22);
        try (Lab lab = Lab.open()) {
            Topology net = Topology.create(lab);
            Site connectorSite = net.site("eimg", Kind.EIM);
            List<Process> processes = new ArrayList<>();
            try {
                LabRelay relay = LabRelay.start(lab, net, dir, processes);
                String[] alice = relay.peer("alice");
                // A gateway that speaks NAT-PMP only: PCP's version 0 answer sends the client there, and it maps.
                Site natPmpSite = net.site("syn", Kind.SYM);
                Path natPmpGateway = gateway(lab, net, natPmpSite, dir, "natpmp", 60, processes);
                listen(lab, natPmpSite, dir, "bobn", relay.peer("bobn"), relay.address(), processes);
                assertThat(Lab.awaitLine(natPmpGateway, "mapped " + natPmpSite.hostIp() + ":", 10)).endsWith("(nat-pmp, 60 s)");
                String pm = lab.inNs(natPmpSite.host(), Lab.javaCommand("dev.junction.cli.Main", "nat-check", "--json", "--port-mapping",
                        "--relay", relay.address()));
                assertThat(pm).as("nat-check names what the gateway speaks")
                        .contains("\"port_mapping\":{\"pcp\":false,\"nat_pmp\":true,\"upnp\":false,\"gateway\":\"");
                assertThat(lab.inNs(connectorSite.host(), Lab.javaCommand("dev.junction.cli.Main", "nat-check", "--json", "--relay",
                        relay.address()))).as("and says nothing of port mapping unless asked").contains("\"port_mapping\":null");
                for (String mode : new String[] {"garbage", "lie"}) {
                    Site site = net.site("sy" + mode.charAt(0), Kind.SYM);
                    gateway(lab, net, site, dir, mode, 60, processes);
                    String[] bob = relay.peer("bob" + mode);
                    listen(lab, site, dir, "bob" + mode, bob, relay.address(), processes);
                    String log = connect(connectorSite, data, dir.resolve("back-" + mode + ".bin"), dir.resolve("alice-" + mode + ".err"),
                            alice, bob[2], relay.address(), processes);
                    assertThat(Lab.sha256(dir.resolve("back-" + mode + ".bin"))).as(mode + ": " + log).isEqualTo(Lab.sha256(data));
                    String bobLog = Files.readString(dir.resolve("bob" + mode + ".log"));
                    assertThat(bobLog.split("no usable port mapping", -1).length - 1).as("said once, not retried: " + bobLog).isEqualTo(1);
                }
            } finally {
                LabRelay.stopAll(processes);
            }
        }
    }
}
