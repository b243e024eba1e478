package dev.junction.wire.session;

import dev.junction.wire.Bytes;
import dev.junction.wire.codec.Fields;
import dev.junction.wire.control.AddressAttestation;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A session datagram (docs/PROTOCOL.md sections 6.5 and 6.6): {@code type:u8 | fields}, carried in
 * a QUIC DATAGRAM frame of the session (RESUME: as a circuit datagram). Encode and decode with
 * {@link SessionCodec}.
 *
 * <p>Session datagrams are not versioned: a receiver ignores bytes after the fields it knows, so a
 * later version may append fields (OFFER and ANSWER grew that way).
 */
public sealed interface SessionMessage {
    SessionMessageType type();

    /** Writes everything after the type byte. */
    void encodeFields(ByteBuf out);

    /** KEEPALIVE: {@code 0x00}, no body. An ack-eliciting packet for an idle QUIC connection. */
    record Keepalive() implements SessionMessage {
        public SessionMessageType type() {
            return SessionMessageType.KEEPALIVE;
        }

        public void encodeFields(ByteBuf out) {
        }
    }

    /** APP_DATA: {@code 0x01 | payload (the rest)}. An application datagram. */
    record AppData(Bytes payload) implements SessionMessage {
        public SessionMessageType type() {
            return SessionMessageType.APP_DATA;
        }

        public void encodeFields(ByteBuf out) {
            out.writeBytes(payload.toArray());
        }

        static AppData decode(ByteBuf in) {
            return new AppData(Fields.readRest(in));
        }
    }

    /**
     * OFFER, QUIC client → server:
     * <pre>
     * +---------+------------------+-----------+
     * | 0x02:u8 | punch_key:32     | PunchBody |
     * +---------+------------------+-----------+
     * </pre>
     * The key is random per punch start; its first 8 bytes are the PROBEs' session field, and the
     * whole is their MAC key (section 4).
     */
    record Offer(Bytes key, PunchBody body) implements SessionMessage {
        public static final int KEY_LENGTH = 32;

        public Offer {
            if (key.length() != KEY_LENGTH) {
                throw new IllegalArgumentException("punch key of " + key.length() + " bytes, not " + KEY_LENGTH);
            }
        }

        /** An OFFER whose body is trimmed to fit {@link PunchBody#CONTROL_MAX} (see {@link PunchBody#fitting}). */
        public static Offer fitting(Bytes key, List<InetSocketAddress> candidates, NatHint hint, List<InetSocketAddress> tcp,
                                    List<AddressAttestation> statements) {
            return fitting(key, candidates, hint, tcp, statements, null);
        }

        /** As {@link #fitting(Bytes, List, NatHint, List, List)}, marking {@code mapped} (null: none) as the gateway's mapping. */
        public static Offer fitting(Bytes key, List<InetSocketAddress> candidates, NatHint hint, List<InetSocketAddress> tcp,
                                    List<AddressAttestation> statements, InetSocketAddress mapped) {
            return new Offer(key, PunchBody.fitting(1 + KEY_LENGTH, candidates, hint, tcp, statements, mapped));
        }

        public SessionMessageType type() {
            return SessionMessageType.OFFER;
        }

        public void encodeFields(ByteBuf out) {
            out.writeBytes(key.toArray());
            body.encode(out);
        }

        static Offer decode(ByteBuf in) {
            return new Offer(Fields.readFixed(in, KEY_LENGTH, "punch key"), PunchBody.decode(in));
        }
    }

    /**
     * ANSWER, QUIC server → client:
     * <pre>
     * +---------+-----------+
     * | 0x03:u8 | PunchBody |
     * +---------+-----------+
     * </pre>
     */
    record Answer(PunchBody body) implements SessionMessage {
        /** An ANSWER whose body is trimmed to fit {@link PunchBody#CONTROL_MAX} (see {@link PunchBody#fitting}). */
        public static Answer fitting(List<InetSocketAddress> candidates, NatHint hint, List<InetSocketAddress> tcp,
                                     List<AddressAttestation> statements) {
            return fitting(candidates, hint, tcp, statements, null);
        }

        /** As {@link #fitting(List, NatHint, List, List)}, marking {@code mapped} (null: none) as the gateway's mapping. */
        public static Answer fitting(List<InetSocketAddress> candidates, NatHint hint, List<InetSocketAddress> tcp,
                                     List<AddressAttestation> statements, InetSocketAddress mapped) {
            return new Answer(PunchBody.fitting(1, candidates, hint, tcp, statements, mapped));
        }

        public SessionMessageType type() {
            return SessionMessageType.ANSWER;
        }

        public void encodeFields(ByteBuf out) {
            body.encode(out);
        }

        static Answer decode(ByteBuf in) {
            return new Answer(PunchBody.decode(in));
        }
    }

    /** SYNC: {@code 0x04}, no body. The QUIC client's go: the server starts probing when it arrives. */
    record Sync() implements SessionMessage {
        public SessionMessageType type() {
            return SessionMessageType.SYNC;
        }

        public void encodeFields(ByteBuf out) {
        }
    }

    /** TOKEN, QUIC client → server: {@code 0x05 | token:16}. The session's resume token (section 6.6). */
    record Token(Bytes token) implements SessionMessage {
        public Token {
            checkToken(token);
        }

        public SessionMessageType type() {
            return SessionMessageType.TOKEN;
        }

        public void encodeFields(ByteBuf out) {
            out.writeBytes(token.toArray());
        }

        static Token decode(ByteBuf in) {
            return new Token(Fields.readFixed(in, TOKEN_LENGTH, "resume token"));
        }
    }

    /** TOKEN_ACK, QUIC server → client: {@code 0x06 | token:16}, the TOKEN's token echoed. */
    record TokenAck(Bytes token) implements SessionMessage {
        public TokenAck {
            checkToken(token);
        }

        public SessionMessageType type() {
            return SessionMessageType.TOKEN_ACK;
        }

        public void encodeFields(ByteBuf out) {
            out.writeBytes(token.toArray());
        }

        static TokenAck decode(ByteBuf in) {
            return new TokenAck(Fields.readFixed(in, TOKEN_LENGTH, "resume token"));
        }
    }

    /** REPUNCH, QUIC server → client: {@code 0x07}, no body. The server's network changed: punch again. */
    record Repunch() implements SessionMessage {
        public SessionMessageType type() {
            return SessionMessageType.REPUNCH;
        }

        public void encodeFields(ByteBuf out) {
        }
    }

    /**
     * RESUME, QUIC client → server, as a circuit datagram (a RELAY_DATA or DATA payload) on a new
     * circuit, never inside the session: {@code 0xB0 | token:16}. Moves the session with that
     * resume token onto the circuit it arrives on (section 6.6).
     */
    record Resume(Bytes token) implements SessionMessage {
        public Resume {
            checkToken(token);
        }

        public SessionMessageType type() {
            return SessionMessageType.RESUME;
        }

        public void encodeFields(ByteBuf out) {
            out.writeBytes(token.toArray());
        }

        static Resume decode(ByteBuf in) {
            return new Resume(Fields.readFixed(in, TOKEN_LENGTH, "resume token"));
        }
    }

    /** Resume tokens are 16 random bytes. */
    int TOKEN_LENGTH = 16;

    private static void checkToken(Bytes token) {
        if (token.length() != TOKEN_LENGTH) {
            throw new IllegalArgumentException("resume token of " + token.length() + " bytes, not " + TOKEN_LENGTH);
        }
    }
}
