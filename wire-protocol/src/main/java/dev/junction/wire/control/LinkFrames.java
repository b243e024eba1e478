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

    /**
     * RELAY_MAP: count:u8 | (address:String | region:String) × count. The relays of the fleet this
     * relay belongs to, itself included, as their addresses (the text form a client takes); sent to
     * clients whose HELLO set {@link LoginFrames.Hello#RELAY_MAP}, after LOGIN_OK and whenever the
     * fleet changes. A client may log in to any of them and believes their address statements.
     */
    public record RelayMap(java.util.List<Entry> relays) implements ControlFrame {
        /** Relays one map may name: a fleet larger than this sends the first ones (by the relay's own order). */
        public static final int MAX_RELAYS = 64;

        /** One relay of the map. */
        public record Entry(dev.junction.wire.address.RelayAddress address, String region) {
        }

        public RelayMap {
            if (relays.size() > MAX_RELAYS) {
                throw new IllegalArgumentException("a relay map names at most " + MAX_RELAYS + " relays");
            }
            relays = java.util.List.copyOf(relays);
        }

        public ControlFrameType type() {
            return ControlFrameType.RELAY_MAP;
        }

        public void encodePayload(ByteBuf out) {
            out.writeByte(relays.size());
            for (Entry e : relays) {
                Fields.writeString(out, e.address().toString());
                Fields.writeString(out, e.region());
            }
        }

        static RelayMap decode(ByteBuf in) {
            int n = Fields.readU8(in, "count");
            if (n > MAX_RELAYS) {
                throw new dev.junction.wire.WireFormatException("relay map names " + n + " relays, more than " + MAX_RELAYS);
            }
            java.util.List<Entry> out = new java.util.ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(new Entry(dev.junction.wire.address.RelayAddress.parse(Fields.readString(in, "relay address")),
                        Fields.readString(in, "region")));
            }
            return new RelayMap(out);
        }
    }
}
