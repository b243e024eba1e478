package dev.junction.wire.session;

import dev.junction.wire.WireFormatException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Encodes and decodes session datagrams ({@link SessionMessage}). Stateless. Unlike Junction's
 * UDP and control frames, trailing bytes after a message's fields are ignored: session datagrams
 * grow by appending fields (docs/PROTOCOL.md section 6.5).
 */
public final class SessionCodec {
    private SessionCodec() {
    }

    public static void encode(SessionMessage m, ByteBuf out) {
        out.writeByte(m.type().byteValue());
        m.encodeFields(out);
    }

    /** {@code m} in a new heap buffer, for the session's control datagrams (which are copied out once more to send). */
    public static ByteBuf toBuffer(SessionMessage m) {
        ByteBuf out = Unpooled.buffer(m instanceof SessionMessage.Offer || m instanceof SessionMessage.Answer
                ? PunchBody.CONTROL_MAX : 1 + SessionMessage.TOKEN_LENGTH);
        encode(m, out);
        return out;
    }

    /** Decodes the readable bytes of {@code datagram} (one whole datagram); indexes are untouched. */
    public static SessionMessage decode(ByteBuf datagram) {
        ByteBuf in = datagram.duplicate();
        WireFormatException.check(in.isReadable(), "empty session datagram");
        SessionMessageType type = SessionMessageType.valueOf(in.readByte());
        try {
            return switch (type) {
                case KEEPALIVE -> new SessionMessage.Keepalive();
                case APP_DATA -> SessionMessage.AppData.decode(in);
                case OFFER -> SessionMessage.Offer.decode(in);
                case ANSWER -> SessionMessage.Answer.decode(in);
                case SYNC -> new SessionMessage.Sync();
                case TOKEN -> SessionMessage.Token.decode(in);
                case TOKEN_ACK -> SessionMessage.TokenAck.decode(in);
                case REPUNCH -> new SessionMessage.Repunch();
                case RESUME -> SessionMessage.Resume.decode(in);
            };
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(type + ": " + e.getMessage(), e);
        }
    }
}
