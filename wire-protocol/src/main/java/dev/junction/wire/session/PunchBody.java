package dev.junction.wire.session;

import dev.junction.wire.WireFormatException;
import dev.junction.wire.control.AddressAttestation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What OFFER and ANSWER carry after the type byte (and OFFER's key), docs/PROTOCOL.md section 6.5:
 * <pre>
 * +------------+----------+----------------+------------+-------------+
 * | candidates | hint:3   | tcp_candidates | statements | [mapped:u16] |
 * +------------+----------+----------------+------------+-------------+
 * candidates, tcp_candidates: see {@link Candidates}
 * hint:       see {@link NatHint}
 * statements = n:u8 (at most 4) | n × Attestation (docs/PROTOCOL.md section 3.7)
 * mapped:     bit i set: candidates[i] is a port mapping the sender's gateway made (PCP, NAT-PMP,
 *             UPnP-IGD); sent only when a bit is set
 * </pre>
 * A receiver reads a body that ends early as "no hint / no TCP candidates / no statements / nothing
 * mapped", ignores mapped bits past the candidates, and ignores bytes after the last field it knows
 * (a later version may append fields).
 *
 * @param candidates where the sender's session socket may be reached (at most {@value Candidates#MAX})
 * @param hint the sender's NAT mapping behaviour
 * @param tcp where TCP simultaneous open should aim (at most {@value Candidates#MAX})
 * @param statements the relay's statements of the sender's own addresses (at most {@value #STATEMENTS_MAX})
 * @param mapped which candidates are gateway port mappings, bit i for candidates[i]
 */
public record PunchBody(List<InetSocketAddress> candidates, NatHint hint, List<InetSocketAddress> tcp,
                        List<AddressAttestation> statements, int mapped) {
    /** Relay statements of the sender's addresses, at most: TCP and UDP, per address family. */
    public static final int STATEMENTS_MAX = 4;
    /** OFFER and ANSWER stay this small (type byte included) so they fit one QUIC DATAGRAM frame in a 1200-byte packet. */
    public static final int CONTROL_MAX = 1100;

    public PunchBody {
        candidates = List.copyOf(candidates);
        tcp = List.copyOf(tcp);
        statements = List.copyOf(statements);
        if (hint == null) {
            throw new NullPointerException("hint");
        }
        if (candidates.size() > Candidates.MAX || tcp.size() > Candidates.MAX) {
            throw new IllegalArgumentException("more than " + Candidates.MAX + " candidates");
        }
        if (statements.size() > STATEMENTS_MAX) {
            throw new IllegalArgumentException("more than " + STATEMENTS_MAX + " statements");
        }
        mapped &= (1 << candidates.size()) - 1;
    }

    /** A body with no mapped candidate. */
    public PunchBody(List<InetSocketAddress> candidates, NatHint hint, List<InetSocketAddress> tcp, List<AddressAttestation> statements) {
        this(candidates, hint, tcp, statements, 0);
    }

    /** True when candidate {@code a} is one the sender's gateway mapped. */
    public boolean isMapped(InetSocketAddress a) {
        int i = candidates.indexOf(a);
        return i >= 0 && (mapped & (1 << i)) != 0;
    }

    /**
     * The body a sender offers, trimmed so that with the {@code before} bytes in front of it
     * (type byte, OFFER's key) the message stays within {@link #CONTROL_MAX}: only the first
     * {@value #STATEMENTS_MAX} statements, then as many leading UDP candidates as fit with a byte
     * kept for an empty TCP list, then as many leading TCP candidates as fit. {@code mapped}, if
     * not null and among the candidates kept, is marked as the gateway's mapping.
     */
    static PunchBody fitting(int before, List<InetSocketAddress> candidates, NatHint hint, List<InetSocketAddress> tcp,
                             List<AddressAttestation> statements, InetSocketAddress mapped) {
        List<AddressAttestation> st = statements.subList(0, Math.min(STATEMENTS_MAX, statements.size()));
        int room = CONTROL_MAX - before - NatHint.LENGTH - statementsSize(st) - (mapped == null ? 0 : 2);
        List<InetSocketAddress> udp = fit(candidates, room - 1); // keep a byte for an empty TCP list
        int i = mapped == null ? -1 : udp.indexOf(mapped);
        return new PunchBody(udp, hint, fit(tcp, room - Candidates.size(udp)), st, i < 0 ? 0 : 1 << i);
    }

    /** The longest prefix of {@code list} (at most {@value Candidates#MAX}) whose encoding takes at most {@code room} bytes. */
    private static List<InetSocketAddress> fit(List<InetSocketAddress> list, int room) {
        int n = 0;
        while (n < Math.min(Candidates.MAX, list.size()) && Candidates.size(list.subList(0, n + 1)) <= room) {
            n++;
        }
        return list.subList(0, n);
    }

    private static int statementsSize(List<AddressAttestation> st) {
        ByteBuf b = Unpooled.buffer(STATEMENTS_MAX * 200);
        try {
            st.forEach(a -> a.encode(b));
            return 1 + b.readableBytes();
        } finally {
            b.release();
        }
    }

    public void encode(ByteBuf out) {
        Candidates.encode(candidates, out);
        hint.encode(out);
        Candidates.encode(tcp, out);
        out.writeByte(statements.size());
        statements.forEach(a -> a.encode(out));
        if (mapped != 0) {
            out.writeShort(mapped);
        }
    }

    public static PunchBody decode(ByteBuf in) {
        List<InetSocketAddress> cands = Candidates.decode(in);
        NatHint hint = NatHint.decode(in);
        List<InetSocketAddress> tcp = in.isReadable() ? Candidates.decode(in) : List.of();
        List<AddressAttestation> statements = readStatements(in);
        return new PunchBody(cands, hint, tcp, statements, in.readableBytes() >= 2 ? in.readUnsignedShort() : 0);
    }

    private static List<AddressAttestation> readStatements(ByteBuf in) {
        if (!in.isReadable()) {
            return List.of();
        }
        int n = in.readUnsignedByte();
        WireFormatException.check(n <= STATEMENTS_MAX, "more than " + STATEMENTS_MAX + " address statements");
        List<AddressAttestation> out = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                out.add(AddressAttestation.decode(in));
            }
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("bad address statement: " + e.getMessage(), e);
        }
        return out;
    }
}
