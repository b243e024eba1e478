package dev.junction.cli;

import dev.junction.client.JunctionException;
import dev.junction.client.NatCheck;
import dev.junction.client.PortMappingSupport;
import dev.junction.client.NatReport;
import dev.junction.wire.address.RelayAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "nat-check", mixinStandardHelpOptions = true,
        description = "Discover this host's public mappings and NAT behaviour against a relay (RFC 5780 when the "
                + "relay runs with --alt-ip). Needs no token; ends within 5 s.")
final class NatCheckCommand implements Callable<Integer> {
    @Option(names = "--relay", paramLabel = "ADDR", required = true, converter = Converters.RelayAddressConverter.class,
            description = "Relay address as the relay prints it (/ip4/IP/tcp/PORT/tls/p2p/PEERID).")
    RelayAddress relay;

    @Option(names = "--stun-port", paramLabel = "PORT", defaultValue = "3478",
            description = "The relay's STUN port (default: ${DEFAULT-VALUE}).")
    int stunPort;

    @Option(names = "--bind", paramLabel = "IP:PORT", description = "Local address of the UDP socket (default: any, a free port).")
    String bind;

    @Option(names = "--json", description = "Print a machine-readable report.")
    boolean json;

    @Option(names = "--port-mapping", description = "Also ask the default gateway which port mapping protocols it speaks (PCP, NAT-PMP, "
            + "UPnP-IGD; it talks to your router and searches the LAN by SSDP, so off unless given).")
    boolean portMapping;

    @Override
    public Integer call() {
        InetSocketAddress server;
        try {
            server = new InetSocketAddress(InetAddress.getByName(relay.host()), stunPort);
        } catch (UnknownHostException e) {
            throw new CliException("cannot resolve relay host " + relay.host() + "; check the relay address");
        }
        NatReport r;
        try {
            r = NatCheck.run(server, bindAddress());
        } catch (JunctionException e) {
            throw new CliException(e.getMessage(), e);
        }
        PortMappingSupport pm = portMapping ? NatCheck.portMapping() : null;
        System.out.println(json ? json(r, pm) : human(r, pm));
        return 0;
    }

    private InetSocketAddress bindAddress() {
        if (bind == null) {
            return new InetSocketAddress(0);
        }
        int colon = bind.lastIndexOf(':');
        if (colon < 0) {
            throw new CliException("--bind wants IP:PORT, got '" + bind + "'");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(bind.substring(0, colon).replaceAll("[\\[\\]]", "")),
                    Integer.parseInt(bind.substring(colon + 1)));
        } catch (UnknownHostException | NumberFormatException e) {
            throw new CliException("--bind wants IP:PORT, got '" + bind + "'");
        }
    }

    static String json(NatReport r) {
        return json(r, null);
    }

    /** The report as JSON; "port_mapping" is null unless {@code pm} (--port-mapping) is given. */
    static String json(NatReport r, PortMappingSupport pm) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("relay", hp(r.relay()));
        o.put("udp", r.udp());
        o.put("rtt_ms", r.udp() ? r.rttMillis() : null);
        o.put("local", hp(r.local()));
        o.put("mapped_udp", hp(r.mapped()));
        o.put("mapped_tcp", hp(r.tcpMapped()));
        o.put("behind_nat", r.behindNat());
        o.put("mapping", r.mapping().label());
        o.put("filtering", r.filtering().label());
        o.put("port_preserved", r.portPreserved());
        o.put("hairpinning", r.hairpinning());
        o.put("rfc5780", r.rfc5780());
        o.put("verdict", r.verdict());
        o.put("interfaces", r.interfaces().stream().map(InetAddress::getHostAddress).toList());
        o.put("elapsed_ms", r.elapsedMillis());
        o.put("port_mapping", pm == null ? null : portMappingJson(pm));
        return Json.object(o);
    }

    private static Map<String, Object> portMappingJson(PortMappingSupport pm) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("pcp", pm.pcp());
        o.put("nat_pmp", pm.natPmp());
        o.put("upnp", pm.upnp());
        o.put("gateway", pm.gateway());
        return o;
    }

    static String human(NatReport r) {
        return human(r, null);
    }

    static String human(NatReport r, PortMappingSupport pm) {
        StringBuilder sb = new StringBuilder("NAT check against " + hp(r.relay()) + "\n");
        line(sb, "UDP", r.udp() ? "yes, round trip " + r.rttMillis() + " ms" : "blocked (sessions will use the TLS relay path)");
        line(sb, "public UDP address", r.mapped() == null ? "-" : hp(r.mapped())
                + (r.portPreserved() ? " (port preserved)" : " (port changed from " + r.local().getPort() + ")"));
        line(sb, "public TCP address", r.tcpMapped() == null ? "-" : hp(r.tcpMapped()));
        line(sb, "NAT", r.behindNat() ? "yes" : r.udp() ? "no" : "unknown");
        line(sb, "mapping", r.mapping().label());
        line(sb, "filtering", r.filtering().label()
                + (r.rfc5780() ? "" : " (the relay has no second address; run it with --alt-ip to test)"));
        line(sb, "hairpinning", r.hairpinning() == null ? "not tested" : r.hairpinning() ? "yes" : "no");
        line(sb, "verdict", r.verdict());
        line(sb, "interfaces", String.join(", ", r.interfaces().stream().map(InetAddress::getHostAddress).toList()));
        if (pm != null) {
            line(sb, "port mapping", pm.gateway() == null ? "no default gateway found"
                    : "gateway " + pm.gateway() + ": PCP " + (pm.pcp() ? "yes" : "no") + ", NAT-PMP " + (pm.natPmp() ? "yes" : "no")
                    + ", UPnP " + (pm.upnp() ? "yes" : "no"));
        }
        line(sb, "took", r.elapsedMillis() + " ms");
        return sb.toString().stripTrailing();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(String.format("  %-20s %s%n", key + ":", value));
    }

    private static String hp(InetSocketAddress a) {
        return a == null ? null : RelayCommand.hostPort(a);
    }
}
