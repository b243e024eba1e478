package dev.junction.wire.session;

import dev.junction.wire.WireFormatException;
import io.netty.buffer.ByteBuf;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoding of a candidate list in OFFER and ANSWER (docs/PROTOCOL.md section 6.5): where the
 * other side's probes (or TCP connects) might reach the sender.
 * <pre>
 * candidates = n:u8 (at most 12) | n × ( family:u8 (4 or 6) | address (4 or 16 bytes) | port:u16 )
 * </pre>
 * Unlike the Address field of control frames, the port comes after the address. A 16-byte address
 * that is IPv4-mapped decodes as the IPv4 address it maps, so the candidate rules judge it as one.
 */
public final class Candidates {
    /** At most this many addresses are offered or accepted. */
    public static final int MAX = 12;

    private Candidates() {
    }

    /** The encoded size of {@code candidates} (at most {@link #MAX} of them). */
    public static int size(List<InetSocketAddress> candidates) {
        int n = 1;
        for (int i = 0; i < Math.min(MAX, candidates.size()); i++) {
            n += 1 + candidates.get(i).getAddress().getAddress().length + 2;
        }
        return n;
    }

    /** Writes the first {@link #MAX} of {@code candidates}. */
    public static void encode(List<InetSocketAddress> candidates, ByteBuf out) {
        int n = Math.min(MAX, candidates.size());
        out.writeByte(n);
        for (int i = 0; i < n; i++) {
            InetSocketAddress a = candidates.get(i);
            byte[] ip = a.getAddress().getAddress();
            out.writeByte(ip.length == 4 ? 4 : 6).writeBytes(ip).writeShort(a.getPort());
        }
    }

    /** Reads a candidate list; a count above {@link #MAX}, a bad family, port 0 or a short list is malformed. */
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
