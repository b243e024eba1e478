package dev.junction.lab;

import dev.junction.wire.WireFormatException;
import dev.junction.wire.portmap.NatPmp;
import dev.junction.wire.portmap.Pcp;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A home router's port mapping service for the lab: PCP MAP (RFC 6887) and NAT-PMP (RFC 6886) on
 * UDP port 5351 of the router's LAN address, each mapping installed as real nftables rules in the
 * router's namespace (DNAT of the public port to the host, and SNAT of the host's port to it, as a
 * router's mapping is endpoint-independent), removed when deleted or expired. Run inside the router
 * namespace: {@code PortMapGateway LAN_IP PUBLIC_IP MAX_LIFETIME_S MODE}, MODE one of {@code ok}
 * (both protocols), {@code natpmp} (NAT-PMP only: PCP requests get a version 0 answer),
 * {@code garbage} (answers random bytes), {@code lie} (grants mappings on 0.0.0.0, its external
 * address by both protocols). Exits after
 * an hour at most. Prints one line per event, which the tests read:
 * {@code mapped HOST:PORT -> PUBLIC:PORT (PROTOCOL, N s)}, {@code deleted ...}, {@code expired ...}.
 */
public final class PortMapGateway {
    private record Mapping(InetSocketAddress internal, int external, long expiresNanos, String protocol) {
    }

    private final InetAddress publicIp;
    private final long maxLifetime;
    private final String mode;
    private final long epochStart = System.nanoTime();
    private final Map<InetSocketAddress, Mapping> mappings = new LinkedHashMap<>();

    private PortMapGateway(InetAddress publicIp, long maxLifetime, String mode) {
        this.publicIp = publicIp;
        this.maxLifetime = maxLifetime;
        this.mode = mode;
    }

    public static void main(String[] args) throws Exception {
        PortMapGateway g = new PortMapGateway(InetAddress.getByName(args[1]), Long.parseLong(args[2]), args[3]);
        g.nft("add table ip portmap; add chain ip portmap pre { type nat hook prerouting priority dstnat - 10; };"
                + " add chain ip portmap post { type nat hook postrouting priority srcnat - 10; }");
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(args[0]), NatPmp.PORT))) {
            s.setSoTimeout(200);
            System.out.println("portmap gateway ready on " + args[0] + ":" + NatPmp.PORT + " (" + args[3] + ")");
            long end = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
            byte[] buf = new byte[1100];
            while (System.nanoTime() < end) {
                g.expire();
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                byte[] answer = g.answer(buf, p.getLength(), (InetSocketAddress) p.getSocketAddress());
                if (answer != null) {
                    s.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                }
            }
        }
    }

    private long epoch() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - epochStart);
    }

    private byte[] answer(byte[] b, int length, InetSocketAddress from) throws IOException, InterruptedException {
        if (mode.equals("garbage")) {
            byte[] junk = new byte[1 + ThreadLocalRandom.current().nextInt(80)];
            ThreadLocalRandom.current().nextBytes(junk);
            return junk;
        }
        try {
            if (length > 0 && b[0] == Pcp.VERSION) {
                if (mode.equals("natpmp")) {
                    return NatPmp.errorResponse(b.length > 1 ? b[1] & 0x7f : 0, NatPmp.UNSUPPORTED_VERSION, epoch());
                }
                return pcp(Pcp.decode(b, length), from);
            }
            NatPmp.MapRequest r = NatPmp.decodeRequest(b, length);
            if (r == null) {
                Inet4Address named = (Inet4Address) (mode.equals("lie") ? InetAddress.getByAddress(new byte[4]) : publicIp);
                return NatPmp.externalAddressResponse(NatPmp.SUCCESS, epoch(), named);
            }
            InetSocketAddress internal = new InetSocketAddress(from.getAddress(), r.internalPort());
            if (r.lifetimeSeconds() == 0) {
                delete(internal);
                return NatPmp.mapResponse(r.opcode(), NatPmp.SUCCESS, epoch(), r.internalPort(), 0, 0);
            }
            Mapping m = map(internal, r.suggestedExternalPort(), r.lifetimeSeconds(), "nat-pmp");
            return NatPmp.mapResponse(r.opcode(), NatPmp.SUCCESS, epoch(), r.internalPort(), m.external(), granted(r.lifetimeSeconds()));
        } catch (WireFormatException e) {
            System.out.println("malformed request from " + from + ": " + e.getMessage());
            return null;
        }
    }

    private byte[] pcp(Pcp.Map r, InetSocketAddress from) throws IOException, InterruptedException {
        if (r.response()) {
            return null;
        }
        if (!r.client().equals(from.getAddress())) {
            return Pcp.mapResponse(12, 0, epoch(), r.nonce(), r.protocol(), r.internalPort(), 0, r.externalIp()); // ADDRESS_MISMATCH
        }
        InetSocketAddress internal = new InetSocketAddress(from.getAddress(), r.internalPort());
        if (r.lifetimeSeconds() == 0) {
            delete(internal);
            return Pcp.mapResponse(Pcp.SUCCESS, 0, epoch(), r.nonce(), r.protocol(), r.internalPort(), 0, publicIp);
        }
        Mapping m = map(internal, r.externalPort(), r.lifetimeSeconds(), "pcp");
        InetAddress named = mode.equals("lie") ? InetAddress.getByAddress(new byte[4]) : publicIp;
        return Pcp.mapResponse(Pcp.SUCCESS, granted(r.lifetimeSeconds()), epoch(), r.nonce(), r.protocol(), r.internalPort(), m.external(),
                named);
    }

    private long granted(long requested) {
        return Math.min(requested, maxLifetime);
    }

    /** Maps (or renews) {@code internal}, on its suggested port when that is free. */
    private Mapping map(InetSocketAddress internal, int suggested, long lifetime, String protocol) throws IOException, InterruptedException {
        Mapping old = mappings.get(internal);
        int port = old != null ? old.external() : suggested;
        if (old == null && (port < 1024 || mappings.values().stream().anyMatch(m -> m.external() == suggested))) {
            port = 20000 + ThreadLocalRandom.current().nextInt(20000);
        }
        Mapping m = new Mapping(internal, port, System.nanoTime() + TimeUnit.SECONDS.toNanos(granted(lifetime)), protocol);
        mappings.put(internal, m);
        if (old == null) {
            install();
            System.out.println("mapped " + hostPort(internal) + " -> " + publicIp.getHostAddress() + ":" + port + " (" + protocol + ", "
                    + granted(lifetime) + " s)");
        } else {
            System.out.println("renewed " + hostPort(internal) + " -> " + publicIp.getHostAddress() + ":" + port + " (" + protocol + ", "
                    + granted(lifetime) + " s)");
        }
        return m;
    }

    private void delete(InetSocketAddress internal) throws IOException, InterruptedException {
        Mapping m = mappings.remove(internal);
        if (m != null) {
            install();
            System.out.println("deleted " + hostPort(internal) + " -> " + publicIp.getHostAddress() + ":" + m.external());
        }
    }

    private void expire() throws IOException, InterruptedException {
        long now = System.nanoTime();
        List<Mapping> gone = new ArrayList<>();
        mappings.values().removeIf(m -> now - m.expiresNanos() > 0 && gone.add(m));
        if (!gone.isEmpty()) {
            install();
            gone.forEach(m -> System.out.println("expired " + hostPort(m.internal()) + " -> " + publicIp.getHostAddress() + ":" + m.external()));
        }
    }

    /** Rewrites the router's mapping rules from the mappings held now. */
    private void install() throws IOException, InterruptedException {
        StringBuilder rules = new StringBuilder("flush chain ip portmap pre; flush chain ip portmap post;");
        for (Mapping m : mappings.values()) {
            String host = m.internal().getAddress().getHostAddress();
            int in = m.internal().getPort();
            rules.append(" add rule ip portmap pre iifname \"wan\" udp dport ").append(m.external()).append(" dnat to ").append(host)
                    .append(':').append(in).append(';');
            rules.append(" add rule ip portmap post oifname \"wan\" ip saddr ").append(host).append(" udp sport ").append(in)
                    .append(" snat to ").append(publicIp.getHostAddress()).append(':').append(m.external()).append(';');
        }
        nft(rules.toString());
    }

    private void nft(String rules) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("nft", rules).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("nft failed: " + out);
        }
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
