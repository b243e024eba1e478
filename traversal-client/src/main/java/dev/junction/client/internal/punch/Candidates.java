package dev.junction.client.internal.punch;

import dev.junction.wire.WireFormatException;
import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A peer's direct-path candidates (PROTOCOL.md section 6.5): where the other side's probes might
 * reach this session socket. Carried inside the encrypted session, never through the relay in
 * the clear.
 */
public final class Candidates {
    /** At most this many addresses are offered or accepted. */
    public static final int MAX = 12;

    private Candidates() {
    }

    /**
     * This socket's candidates: the address the relay saw (server-reflexive), then the host's own
     * addresses with the socket's port (link-local IPv6 left out).
     */
    public static List<InetSocketAddress> gather(InetSocketAddress local, InetSocketAddress reflexive) {
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        if (reflexive != null) {
            out.add(reflexive);
        }
        if (!local.getAddress().isAnyLocalAddress()) {
            out.add(local);
        } else {
            try {
                for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    if (!n.isUp()) {
                        continue;
                    }
                    for (InetAddress a : Collections.list(n.getInetAddresses())) {
                        if (!(a instanceof Inet6Address && a.isLinkLocalAddress())) {
                            out.add(new InetSocketAddress(a, local.getPort()));
                        }
                    }
                }
            } catch (SocketException e) {
                // no host candidates; the reflexive one may do
            }
        }
        List<InetSocketAddress> list = new ArrayList<>(out);
        return list.size() > MAX ? list.subList(0, MAX) : list;
    }

    /** The encoded size of {@code candidates} (at most {@link #MAX} of them). */
    public static int size(List<InetSocketAddress> candidates) {
        int n = 1;
        for (int i = 0; i < Math.min(MAX, candidates.size()); i++) {
            n += 1 + candidates.get(i).getAddress().getAddress().length + 2;
        }
        return n;
    }

    /** {@code n:u8} then per address {@code family:u8 (4|6), address (4|16), port:u16}. */
    public static void encode(List<InetSocketAddress> candidates, ByteBuf out) {
        int n = Math.min(MAX, candidates.size());
        out.writeByte(n);
        for (int i = 0; i < n; i++) {
            InetSocketAddress a = candidates.get(i);
            byte[] ip = a.getAddress().getAddress();
            out.writeByte(ip.length == 4 ? 4 : 6).writeBytes(ip).writeShort(a.getPort());
        }
    }

    public static List<InetSocketAddress> decode(ByteBuf in) {
        WireFormatException.check(in.isReadable(), "candidate count missing");
        int n = in.readUnsignedByte();
        WireFormatException.check(n <= MAX, "more than " + MAX + " candidates");
        List<InetSocketAddress> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            WireFormatException.check(in.isReadable(), "candidate truncated");
            int family = in.readUnsignedByte();
            WireFormatException.check(family == 4 || family == 6, "bad address family " + family);
            int len = family == 4 ? 4 : 16;
            WireFormatException.check(in.readableBytes() >= len + 2, "candidate truncated");
            byte[] ip = new byte[len];
            in.readBytes(ip);
            int port = in.readUnsignedShort();
            try {
                InetAddress a = InetAddress.getByAddress(ip);
                WireFormatException.check(port != 0 && (a instanceof Inet4Address || a instanceof Inet6Address), "bad candidate");
                out.add(new InetSocketAddress(a, port));
            } catch (UnknownHostException e) {
                throw new WireFormatException("bad candidate address");
            }
        }
        return out;
    }
}
