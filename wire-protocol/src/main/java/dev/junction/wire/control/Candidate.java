package dev.junction.wire.control;

import dev.junction.wire.WireFormatException;
import dev.junction.wire.codec.Fields;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;

/**
 * An address a peer may be reachable at for a direct path.
 * <pre>
 * Candidate = kind:u8 | transport:u8 (1 UDP, 2 TCP) | Address
 * </pre>
 */
public record Candidate(Kind kind, Transport transport, InetSocketAddress address) {

    /** Where the address came from; the relay adds {@link #RELAY_OBSERVED} ones. */
    public enum Kind {
        /** A local interface address of the session socket. */
        HOST(1),
        /** The mapped address STUN reported on the session socket. */
        SERVER_REFLEXIVE(2),
        /** The source address the relay saw the peer's packets come from. */
        RELAY_OBSERVED(3),
        /** A guessed port on a NAT with endpoint-dependent mapping. */
        PREDICTED(4);

        final int wire;

        Kind(int wire) {
            this.wire = wire;
        }

        static Kind valueOf(int wire) {
            for (Kind k : values()) {
                if (k.wire == wire) {
                    return k;
                }
            }
            throw new WireFormatException("unknown candidate kind " + wire);
        }
    }

    public enum Transport {
        UDP(1),
        TCP(2);

        final int wire;

        Transport(int wire) {
            this.wire = wire;
        }

        static Transport valueOf(int wire) {
            for (Transport t : values()) {
                if (t.wire == wire) {
                    return t;
                }
            }
            throw new WireFormatException("unknown candidate transport " + wire);
        }
    }

    void encode(ByteBuf out) {
        out.writeByte(kind.wire).writeByte(transport.wire);
        Fields.writeAddress(out, address);
    }

    static Candidate decode(ByteBuf in) {
        Kind kind = Kind.valueOf(Fields.readU8(in, "candidate kind"));
        Transport transport = Transport.valueOf(Fields.readU8(in, "candidate transport"));
        return new Candidate(kind, transport, Fields.readAddress(in));
    }
}
