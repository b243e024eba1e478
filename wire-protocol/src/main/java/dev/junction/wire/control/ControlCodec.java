package dev.junction.wire.control;

import dev.junction.wire.WireFormatException;
import io.netty.buffer.ByteBuf;

/**
 * Encodes and decodes control frames: {@code type:u8 | length:u16 | payload}. Stateless. Decoding a
 * frame whose payload does not exactly fill its length fails, so a peer cannot hide bytes.
 */
public final class ControlCodec {
    public static final int HEADER_LENGTH = 3;
    /** The 16-bit length field bounds every payload; a frame is at most 65538 bytes. */
    public static final int MAX_PAYLOAD = 0xFFFF;

    private ControlCodec() {
    }

    /** Appends the whole frame (header and payload) to {@code out}. */
    public static void encode(ControlFrame frame, ByteBuf out) {
        int start = out.writerIndex();
        out.writeByte(frame.type().byteValue()).writeShort(0);
        frame.encodePayload(out);
        int length = out.writerIndex() - start - HEADER_LENGTH;
        if (length > MAX_PAYLOAD) {
            out.writerIndex(start);
            throw new IllegalArgumentException(frame.type() + " payload of " + length + " bytes exceeds " + MAX_PAYLOAD);
        }
        out.setShort(start + 1, length);
    }

    /**
     * Decodes the readable bytes of {@code frame}, which must be exactly one frame, header included
     * (as a length-field frame decoder with offset 1, length 2 delivers it). Indexes are untouched.
     */
    public static ControlFrame decode(ByteBuf frame) {
        ByteBuf in = frame.duplicate();
        WireFormatException.check(in.readableBytes() >= HEADER_LENGTH, "control frame shorter than its header");
        ControlFrameType type = ControlFrameType.valueOf(in.readByte());
        int length = in.readUnsignedShort();
        WireFormatException.check(in.readableBytes() == length,
                type + " says " + length + " payload bytes but " + in.readableBytes() + " follow");
        ControlFrame decoded;
        try {
            decoded = switch (type) {
                case HELLO -> LoginFrames.Hello.decode(in);
                case CHALLENGE -> LoginFrames.Challenge.decode(in);
                case AUTH -> LoginFrames.Auth.decode(in);
                case LOGIN_OK -> LoginFrames.LoginOk.decode(in);
                case REFRESH -> LoginFrames.Refresh.decode(in);
                case REFRESH_OK -> LoginFrames.RefreshOk.decode(in);
                case CONNECT -> CircuitFrames.Connect.decode(in);
                case INCOMING -> CircuitFrames.Incoming.decode(in);
                case ACCEPT -> CircuitFrames.Accept.decode(in);
                case CIRCUIT_OPEN -> CircuitFrames.CircuitOpen.decode(in);
                case CIRCUIT_CLOSE -> CircuitFrames.CircuitClose.decode(in);
                case DATA -> CircuitFrames.Data.decode(in);
                case MESH_CONNECT -> CircuitFrames.MeshConnect.decode(in);
                case PING -> LinkFrames.Ping.decode(in);
                case PONG -> LinkFrames.Pong.decode(in);
                case GOING_AWAY -> LinkFrames.GoingAway.decode(in);
                case RELAY_MAP -> LinkFrames.RelayMap.decode(in);
                case ERROR -> LinkFrames.Error.decode(in);
            };
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(type + ": " + e.getMessage(), e);
        }
        WireFormatException.check(!in.isReadable(), type + " has " + in.readableBytes() + " trailing bytes");
        return decoded;
    }

    /**
     * The circuit ID of a DATA frame without decoding it, for the relay's forwarding path; -1 when
     * the frame is not a well-formed DATA frame. The payload starts at reader index + {@value DataHeader#LENGTH}.
     */
    public static long dataCircuit(ByteBuf frame) {
        int i = frame.readerIndex();
        if (frame.readableBytes() < DataHeader.LENGTH || frame.getByte(i) != ControlFrameType.DATA.byteValue()
                || frame.getUnsignedShort(i + 1) != frame.readableBytes() - HEADER_LENGTH) {
            return -1;
        }
        return frame.getUnsignedInt(i + HEADER_LENGTH);
    }
}
