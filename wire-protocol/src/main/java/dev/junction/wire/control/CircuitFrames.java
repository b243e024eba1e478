package dev.junction.wire.control;

import dev.junction.wire.Bytes;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.codec.Fields;
import dev.junction.wire.identity.PeerId;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Circuit frames. A (caller) reaches B (callee) through the relay:
 * <pre>
 * A → R  CONNECT       request, B's PeerId
 * R → B  INCOMING      circuit, A's PeerId, A's observed addresses
 * B → R  ACCEPT        circuit                     (or CIRCUIT_CLOSE with reason REJECTED)
 * R → A  CIRCUIT_OPEN  circuit, request, B's PeerId, B's observed addresses
 * R → B  CIRCUIT_OPEN  circuit, request 0, A's PeerId, A's observed addresses
 * A ↔ R ↔ B  DATA / UDP RELAY_DATA, then CIRCUIT_CLOSE from either side or the relay
 * </pre>
 */
public final class CircuitFrames {
    /** Bound on address lists: a peer has a TCP and a UDP address per family, and a few more. */
    public static final int MAX_ADDRESSES = 16;

    private CircuitFrames() {
    }

    static void writeAddresses(ByteBuf out, List<InetSocketAddress> addresses) {
        out.writeByte(addresses.size());
        addresses.forEach(a -> Fields.writeAddress(out, a));
    }

    static List<InetSocketAddress> readAddresses(ByteBuf in) {
        int n = Fields.readU8(in, "address count");
        WireFormatException.check(n <= MAX_ADDRESSES, "more than " + MAX_ADDRESSES + " addresses");
        List<InetSocketAddress> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(Fields.readAddress(in));
        }
        return List.copyOf(list);
    }

    static List<InetSocketAddress> checkAddresses(List<InetSocketAddress> addresses) {
        if (addresses.size() > MAX_ADDRESSES) {
            throw new IllegalArgumentException("more than " + MAX_ADDRESSES + " addresses");
        }
        return List.copyOf(addresses);
    }

    /** CONNECT: request:u32 | target:PeerId. */
    public record Connect(int request, PeerId target) implements ControlFrame {
        public ControlFrameType type() {
            return ControlFrameType.CONNECT;
        }

        public void encodePayload(ByteBuf out) {
            out.writeInt(request);
            Fields.writePeerId(out, target);
        }

        static Connect decode(ByteBuf in) {
            return new Connect((int) Fields.readU32(in, "request"), Fields.readPeerId(in));
        }
    }

    /** INCOMING: circuit:u32 | from:PeerId | count:u8 | count × Address. */
    public record Incoming(int circuit, PeerId from, List<InetSocketAddress> observed) implements ControlFrame {
        public Incoming {
            observed = checkAddresses(observed);
        }

        public ControlFrameType type() {
            return ControlFrameType.INCOMING;
        }

        public void encodePayload(ByteBuf out) {
            out.writeInt(circuit);
            Fields.writePeerId(out, from);
            writeAddresses(out, observed);
        }

        static Incoming decode(ByteBuf in) {
            return new Incoming((int) Fields.readU32(in, "circuit"), Fields.readPeerId(in), readAddresses(in));
        }
    }

    /** ACCEPT: circuit:u32. */
    public record Accept(int circuit) implements ControlFrame {
        public ControlFrameType type() {
            return ControlFrameType.ACCEPT;
        }

        public void encodePayload(ByteBuf out) {
            out.writeInt(circuit);
        }

        static Accept decode(ByteBuf in) {
            return new Accept((int) Fields.readU32(in, "circuit"));
        }
    }

    /** CIRCUIT_OPEN: circuit:u32 | request:u32 | peer:PeerId | count:u8 | count × Address. */
    public record CircuitOpen(int circuit, int request, PeerId peer, List<InetSocketAddress> observed)
            implements ControlFrame {
        public CircuitOpen {
            observed = checkAddresses(observed);
        }

        public ControlFrameType type() {
            return ControlFrameType.CIRCUIT_OPEN;
        }

        public void encodePayload(ByteBuf out) {
            out.writeInt(circuit).writeInt(request);
            Fields.writePeerId(out, peer);
            writeAddresses(out, observed);
        }

        static CircuitOpen decode(ByteBuf in) {
            return new CircuitOpen((int) Fields.readU32(in, "circuit"), (int) Fields.readU32(in, "request"),
                    Fields.readPeerId(in), readAddresses(in));
        }
    }

    /** CIRCUIT_CLOSE: circuit:u32 | reason:u16 | bytes:u64 relayed on the circuit so far (0 from clients). */
    public record CircuitClose(int circuit, CloseReason reason, long bytes) implements ControlFrame {
        public ControlFrameType type() {
            return ControlFrameType.CIRCUIT_CLOSE;
        }

        public void encodePayload(ByteBuf out) {
            out.writeInt(circuit).writeShort(reason.wireValue()).writeLong(bytes);
        }

        static CircuitClose decode(ByteBuf in) {
            return new CircuitClose((int) Fields.readU32(in, "circuit"),
                    CloseReason.valueOf(Fields.readU16(in, "reason")), Fields.readU64(in, "bytes"));
        }
    }

    /**
     * DATA: circuit:u32 | payload. An opaque session datagram (a QUIC packet) relayed over TLS.
     * The relay forwards it without decoding the record: see {@link ControlCodec#dataCircuit}.
     */
    public record Data(int circuit, Bytes payload) implements ControlFrame {
        /** The payload fits the frame's 16-bit length with the circuit ID. */
        public static final int MAX_PAYLOAD = ControlCodec.MAX_PAYLOAD - 4;

        public Data {
            if (payload.length() > MAX_PAYLOAD) {
                throw new IllegalArgumentException("DATA payload longer than " + MAX_PAYLOAD);
            }
        }

        public ControlFrameType type() {
            return ControlFrameType.DATA;
        }

        public void encodePayload(ByteBuf out) {
            out.writeInt(circuit).writeBytes(payload.toArray());
        }

        static Data decode(ByteBuf in) {
            return new Data((int) Fields.readU32(in, "circuit"), Fields.readRest(in));
        }
    }
}
