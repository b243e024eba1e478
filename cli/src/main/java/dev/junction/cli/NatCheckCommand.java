package dev.junction.cli;

import dev.junction.client.JunctionException;
import dev.junction.client.NatCheck;
import dev.junction.client.PortMappingSupport;
import dev.junction.client.NatReport;
import dev.junction.wire.address.RelayAddress;
import java.net.Inet6Address;
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
            description = "Relay address as the relay prints it (/ip4/IP/tcp/PORT/tls/p2p/PEERID). Give a dual-stack relay's "
                    + "/ip6/ address too (--relay twice) to check IPv6: reachability, and whether a firewall filters inbound.")
    java.util.List<RelayAddress> relays;

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
        InetSocketAddress server = stunOf(relays.get(0));
        // IPv6 is checked against the first IPv6 relay address given, from a socket of its own, beside the main check.
        InetSocketAddress server6 = relays.stream().map(this::stunOf).filter(a -> a.getAddress() instanceof Inet6Address)
                .findFirst().orElse(null);
        java.util.concurrent.CompletableFuture<NatReport> v6 = new java.util.concurrent.CompletableFuture<>();
        if (server6 != null && !server6.equals(server)) {
            Thread t = new Thread(() -> {
                try {
                    v6.complete(NatCheck.run(server6, new InetSocketAddress(ANY6, 0)));
                } catch (RuntimeException e) {
                    v6.completeExceptionally(e);
                }
            }, "nat-check-ipv6");
            t.setDaemon(true);
            t.start();
        }
        NatReport r;
        NatReport r6;
        try {
            r = NatCheck.run(server, bindAddress());
            r6 = server6 == null ? null : server6.equals(server) ? r : v6.join();
        } catch (JunctionException e) {
            throw new CliException(e.getMessage(), e);
        } catch (java.util.concurrent.CompletionException e) {
            throw new CliException(e.getCause().getMessage(), e.getCause());
        }
        PortMappingSupport pm = portMapping ? NatCheck.portMapping() : null;
        System.out.println(json ? json(r, pm, r6) : human(r, pm, r6));
        return 0;
    }

    private static final InetAddress ANY6 = any6();

    private static InetAddress any6() {
        try {
            return InetAddress.getByName("::");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private InetSocketAddress stunOf(RelayAddress relay) {
        try {
            return new InetSocketAddress(InetAddress.getByName(relay.host()), stunPort);
        } catch (UnknownHostException e) {
            throw new CliException("cannot resolve relay host " + relay.host() + "; check the relay address");
        }
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
        return json(r, null, null);
    }

    /**
     * The report as JSON; "port_mapping" is null unless {@code pm} (--port-mapping) is given;
     * "ipv6" has the check against the relay's IPv6 address {@code r6} (null: none was given).
     */
    static String json(NatReport r, PortMappingSupport pm, NatReport r6) {
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
        o.put("ipv6", ipv6Json(r, r6));
        return Json.object(o);
    }

    /**
     * IPv6 as the host has it and the relay's IPv6 address saw it: the host's global IPv6 addresses;
     * and, when an IPv6 relay address was given, whether STUN over IPv6 answered, the address it
     * saw, whether that is a NAT's (NAT66, NPTv6), and whether a firewall filters inbound ("filtering":
     * the relay's answers from its second address and port were dropped; "open": they came in;
     * "unknown": the relay has no second IPv6 address).
     */
    private static Map<String, Object> ipv6Json(NatReport r, NatReport r6) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("addresses", globalIpv6(r).stream().map(a -> io.netty.util.NetUtil.toAddressString(a)).toList());
        o.put("relay", r6 == null ? null : hp(r6.relay()));
        o.put("reachable", r6 == null ? null : r6.udp());
        o.put("mapped", r6 == null ? null : hp(r6.mapped()));
        o.put("nat", r6 == null || !r6.udp() ? null : r6.behindNat());
        o.put("firewall", r6 == null || !r6.udp() ? null : firewall(r6));
        return o;
    }

    /** "filtering", "open" or "unknown" from an IPv6 check's RFC 5780 filtering test. */
    static String firewall(NatReport r6) {
        return switch (r6.filtering()) {
            case ADDRESS_DEPENDENT, ADDRESS_AND_PORT_DEPENDENT -> "filtering";
            case ENDPOINT_INDEPENDENT, NONE -> "open";
            case UNKNOWN -> "unknown";
        };
    }

    /** The host's global (and unique local) IPv6 addresses among the report's interfaces. */
    static java.util.List<InetAddress> globalIpv6(NatReport r) {
        return r.interfaces().stream().filter(a -> a instanceof Inet6Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()).toList();
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
        return human(r, null, null);
    }

    static String human(NatReport r, PortMappingSupport pm, NatReport r6) {
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
        java.util.List<InetAddress> v6 = globalIpv6(r);
        String addresses = v6.isEmpty() ? "no global IPv6 address" : "addresses " + String.join(", ",
                v6.stream().map(a -> io.netty.util.NetUtil.toAddressString(a)).toList());
        if (r6 == null) {
            line(sb, "IPv6", addresses + "; not checked (give the relay's /ip6/ address too: --relay twice)");
        } else if (!r6.udp()) {
            line(sb, "IPv6", addresses + "; the relay's IPv6 address " + hp(r6.relay()) + " did not answer");
        } else {
            line(sb, "IPv6", addresses + "; reachable, seen as " + hp(r6.mapped()) + (r6.behindNat() ? " (behind a NAT66)" : "")
                    + switch (firewall(r6)) {
                        case "filtering" -> "; a firewall filters inbound (direct IPv6 paths need both sides to send first)";
                        case "open" -> "; inbound not filtered";
                        default -> "; filtering not tested (the relay has no second IPv6 address)";
                    });
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
