package dev.junction.wire.control;

import dev.junction.wire.Bytes;
import dev.junction.wire.codec.Fields;
import dev.junction.wire.identity.PeerId;
import io.netty.buffer.ByteBuf;

/**
 * Circuit frames. A (caller) reaches B (callee) through the relay:
 * <pre>
 * A → R  CONNECT       request, B's PeerId
 * R → B  INCOMING      circuit, A's PeerId
 * B → R  ACCEPT        circuit                     (or CIRCUIT_CLOSE with reason REJECTED)
 * R → A  CIRCUIT_OPEN  circuit, request, B's PeerId
 * R → B  CIRCUIT_OPEN  circuit, request 0, A's PeerId
 * A ↔ R ↔ B  DATA / UDP RELAY_DATA, then CIRCUIT_CLOSE from either side or the relay
 * </pre>
 * Set-up frames carry no address of either side (since protocol version 2): anyone may CONNECT to
 * a listening peer, so its addresses travel only inside the authenticated session, attested by
 * the relay ({@link AddressAttestation}).
 */
public final class CircuitFrames {
    private CircuitFrames() {
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

    /** INCOMING: circuit:u32 | from:PeerId. */
    public record Incoming(int circuit, PeerId from) implements ControlFrame {
        public ControlFrameType type() {
            return ControlFrameType.INCOMING;
        }

        public void encodePayload(ByteBuf out) {
            out.writeInt(circuit);
            Fields.writePeerId(out, from);
        }

        static Incoming decode(ByteBuf in) {
            return new Incoming((int) Fields.readU32(in, "circuit"), Fields.readPeerId(in));
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

    /** CIRCUIT_OPEN: circuit:u32 | request:u32 | peer:PeerId. */
    public record CircuitOpen(int circuit, int request, PeerId peer) implements ControlFrame {
        public ControlFrameType type() {
            return ControlFrameType.CIRCUIT_OPEN;
        }

        public void encodePayload(ByteBuf out) {
            out.writeInt(circuit).writeInt(request);
            Fields.writePeerId(out, peer);
        }

        static CircuitOpen decode(ByteBuf in) {
            return new CircuitOpen((int) Fields.readU32(in, "circuit"), (int) Fields.readU32(in, "request"),
                    Fields.readPeerId(in));
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

    /** MESH_CONNECT (relay to relay): circuit:u32 | caller:PeerId | target:PeerId. */
    public record MeshConnect(int circuit, PeerId caller, PeerId target) implements ControlFrame {
        public ControlFrameType type() {
            return ControlFrameType.MESH_CONNECT;
        }

        public void encodePayload(ByteBuf out) {
            out.writeInt(circuit);
            Fields.writePeerId(out, caller);
            Fields.writePeerId(out, target);
        }

        static MeshConnect decode(ByteBuf in) {
            return new MeshConnect((int) Fields.readU32(in, "circuit"), Fields.readPeerId(in), Fields.readPeerId(in));
        }
    }
}
