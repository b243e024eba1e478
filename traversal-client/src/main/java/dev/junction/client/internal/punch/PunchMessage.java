package dev.junction.client.internal.punch;

import dev.junction.wire.WireFormatException;
import dev.junction.wire.control.AddressAttestation;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * What OFFER and ANSWER carry after the type byte (and OFFER's key), PROTOCOL.md section 6.5:
 * <pre>
 * candidates | hint | tcp_candidates | statements
 * statements = n:u8 (at most 4) | n × Attestation
 * </pre>
 * A receiver reads a message that ends early as "no hint / no TCP candidates / no statements".
 *
 * @param candidates where the sender's session socket may be reached
 * @param hint the sender's NAT mapping behaviour
 * @param tcp where TCP simultaneous open should aim
 * @param statements the relay's statements of the sender's own addresses
 */
record PunchMessage(List<InetSocketAddress> candidates, NatHint hint, List<InetSocketAddress> tcp,
                    List<AddressAttestation> statements) {
    /** Relay statements of the sender's addresses, at most: TCP and UDP, per address family. */
    static final int STATEMENTS_MAX = 4;
    /** OFFER and ANSWER stay this small so they fit one QUIC DATAGRAM frame in a 1200-byte packet. */
    static final int CONTROL_MAX = 1100;

    /** Writes this message after what {@code b} holds, leaving out trailing candidates so the whole stays within {@link #CONTROL_MAX}. */
    void write(ByteBuf b) {
        List<AddressAttestation> st = statements.subList(0, Math.min(STATEMENTS_MAX, statements.size()));
        ByteBuf sb = Unpooled.buffer(STATEMENTS_MAX * 200);
        try {
            sb.writeByte(st.size());
            st.forEach(a -> a.encode(sb));
            int room = CONTROL_MAX - b.writerIndex() - NatHint.LENGTH - sb.readableBytes();
            List<InetSocketAddress> udp = fit(candidates, room - 1); // keep a byte for an empty TCP list
            List<InetSocketAddress> tcpFit = fit(tcp, room - Candidates.size(udp));
            Candidates.encode(udp, b);
            hint.encode(b);
            Candidates.encode(tcpFit, b);
            b.writeBytes(sb);
        } finally {
            sb.release();
        }
    }

    /** The longest prefix of {@code list} whose encoding takes at most {@code room} bytes. */
    private static List<InetSocketAddress> fit(List<InetSocketAddress> list, int room) {
        int n = 0;
        while (n < list.size() && Candidates.size(list.subList(0, n + 1)) <= room) {
            n++;
        }
        return list.subList(0, n);
    }

    static PunchMessage read(ByteBuf in) {
        List<InetSocketAddress> cands = Candidates.decode(in);
        NatHint hint = NatHint.decode(in);
        List<InetSocketAddress> tcp = in.isReadable() ? Candidates.decode(in) : List.of();
        return new PunchMessage(cands, hint, tcp, readStatements(in));
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
