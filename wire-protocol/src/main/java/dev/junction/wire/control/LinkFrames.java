package dev.junction.wire.control;

import dev.junction.wire.codec.Fields;
import io.netty.buffer.ByteBuf;

/** Frames about the control connection itself: liveness, shutdown, errors. */
public final class LinkFrames {
    private LinkFrames() {
    }

    /** PING: nonce:u64. Answered with PONG carrying the same nonce. */
    public record Ping(long nonce) implements ControlFrame {
        public ControlFrameType type() {
            return ControlFrameType.PING;
        }

        public void encodePayload(ByteBuf out) {
            out.writeLong(nonce);
        }

        static Ping decode(ByteBuf in) {
            return new Ping(Fields.readU64(in, "nonce"));
        }
    }

    /** PONG: nonce:u64 of the PING it answers. */
    public record Pong(long nonce) implements ControlFrame {
        public ControlFrameType type() {
            return ControlFrameType.PONG;
        }

        public void encodePayload(ByteBuf out) {
            out.writeLong(nonce);
        }

        static Pong decode(ByteBuf in) {
            return new Pong(Fields.readU64(in, "nonce"));
        }
    }

    /**
     * GOING_AWAY: reason:u16 | grace_ms:u32 | reconnect_hint:String. The relay will close this
     * connection within grace_ms; the client should reconnect, to the hinted relay address if any.
     */
    public record GoingAway(CloseReason reason, long graceMillis, String reconnectHint) implements ControlFrame {
        public GoingAway {
            Fields.checkU32(graceMillis, "grace");
        }

        public ControlFrameType type() {
            return ControlFrameType.GOING_AWAY;
        }

        public void encodePayload(ByteBuf out) {
            out.writeShort(reason.wireValue()).writeInt((int) graceMillis);
            Fields.writeString(out, reconnectHint);
        }

        static GoingAway decode(ByteBuf in) {
            return new GoingAway(CloseReason.valueOf(Fields.readU16(in, "reason")), Fields.readU32(in, "grace"),
                    Fields.readString(in, "reconnect hint"));
        }
    }

    /** ERROR: request:u32 (the request or circuit it answers, 0 for the login) | code:u16 | message:String. */
    public record Error(int request, ErrorCode code, String message) implements ControlFrame {
        public ControlFrameType type() {
            return ControlFrameType.ERROR;
        }

        public void encodePayload(ByteBuf out) {
            out.writeInt(request).writeShort(code.wireValue());
            Fields.writeString(out, message);
        }

        static Error decode(ByteBuf in) {
            return new Error((int) Fields.readU32(in, "request"), ErrorCode.valueOf(Fields.readU16(in, "code")),
                    Fields.readString(in, "message"));
        }
    }
}
