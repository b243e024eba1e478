package dev.junction.wire.udp;

import dev.junction.wire.Bytes;
import dev.junction.wire.codec.Fields;
import dev.junction.wire.control.AddressAttestation;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A Junction UDP frame: {@code type:u8 | fields}. Encode and decode with {@link UdpCodec}.
 *
 * <p>MACs are the first 16 bytes of HMAC-SHA256 with the frame's key over the frame's bytes before
 * the MAC (type byte included); {@link #mac} computes them.
 */
public sealed interface UdpFrame {
    int MAC_LENGTH = 16;

    UdpFrameType type();

    /** Writes everything after the type byte. */
    void encodeFields(ByteBuf out);

    /** What a BIND's or an ATTEST's MAC covers: {@code type | reservation | nonce}. */
    private static byte[] reservationNonce(UdpFrameType type, long reservation, long nonce) {
        return ByteBuffer.allocate(17).put(type.byteValue()).putLong(reservation).putLong(nonce).array();
    }

    /** The truncated HMAC-SHA256 of {@code covered} under {@code key}. */
    static Bytes mac(byte[] key, byte[] covered) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Bytes.of(Arrays.copyOf(mac.doFinal(covered), MAC_LENGTH));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 failed", e);
        }
    }

    /**
     * BIND: reservation:u64 | nonce:u64 | mac:16. The key is the reservation's UDP bind key from
     * LOGIN_OK, so only the holder of the TLS session can bind. The relay accepts a nonce only if it
     * is greater than the last one it accepted for the reservation, so a captured BIND cannot be
     * replayed from another address; clients use the current time in microseconds.
     */
    record Bind(long reservation, long nonce, Bytes mac) implements UdpFrame {
        public UdpFrameType type() {
            return UdpFrameType.BIND;
        }

        public void encodeFields(ByteBuf out) {
            out.writeLong(reservation).writeLong(nonce).writeBytes(mac.toArray());
        }

        /** A BIND with its MAC computed under {@code bindKey}. */
        public static Bind signed(byte[] bindKey, long reservation, long nonce) {
            return new Bind(reservation, nonce, UdpFrame.mac(bindKey, covered(reservation, nonce)));
        }

        /** True when the MAC is right for {@code bindKey}, compared in constant time. */
        public boolean verify(byte[] bindKey) {
            return MessageDigest.isEqual(mac.toArray(),
                    UdpFrame.mac(bindKey, covered(reservation, nonce)).toArray());
        }

        private static byte[] covered(long reservation, long nonce) {
            return reservationNonce(UdpFrameType.BIND, reservation, nonce);
        }

        static Bind decode(ByteBuf in) {
            return new Bind(Fields.readU64(in, "reservation"), Fields.readU64(in, "nonce"),
                    Fields.readFixed(in, MAC_LENGTH, "mac"));
        }
    }

    /**
     * ATTEST: reservation:u64 | nonce:u64 | mac:16, the MAC as BIND's but over ATTEST's own type byte
     * (so neither can stand for the other). The relay answers with a BIND_ACK naming the address it
     * saw, and its statement of it, but leaves the reservation's binding where it is: a dual-stack
     * client gets the relay's word for its address in the other family while its relayed datagrams
     * keep flowing in the one it logged in with. Nonces only grow, separately from BIND's.
     */
    record Attest(long reservation, long nonce, Bytes mac) implements UdpFrame {
        public UdpFrameType type() {
            return UdpFrameType.ATTEST;
        }

        public void encodeFields(ByteBuf out) {
            out.writeLong(reservation).writeLong(nonce).writeBytes(mac.toArray());
        }

        /** An ATTEST with its MAC computed under {@code bindKey}. */
        public static Attest signed(byte[] bindKey, long reservation, long nonce) {
            return new Attest(reservation, nonce, UdpFrame.mac(bindKey, covered(reservation, nonce)));
        }

        /** True when the MAC is right for {@code bindKey}, compared in constant time. */
        public boolean verify(byte[] bindKey) {
            return MessageDigest.isEqual(mac.toArray(), UdpFrame.mac(bindKey, covered(reservation, nonce)).toArray());
        }

        private static byte[] covered(long reservation, long nonce) {
            return reservationNonce(UdpFrameType.ATTEST, reservation, nonce);
        }

        static Attest decode(ByteBuf in) {
            return new Attest(Fields.readU64(in, "reservation"), Fields.readU64(in, "nonce"), Fields.readFixed(in, MAC_LENGTH, "mac"));
        }
    }

    /**
     * BIND_ACK: nonce:u64 | observed:Address | attestation:Attestation (the relay's signed
     * statement that it saw this client's UDP traffic come from {@code observed}).
     */
    record BindAck(long nonce, InetSocketAddress observed, AddressAttestation attestation) implements UdpFrame {
        public UdpFrameType type() {
            return UdpFrameType.BIND_ACK;
        }

        public void encodeFields(ByteBuf out) {
            out.writeLong(nonce);
            Fields.writeAddress(out, observed);
            attestation.encode(out);
        }

        static BindAck decode(ByteBuf in) {
            return new BindAck(Fields.readU64(in, "nonce"), Fields.readAddress(in), AddressAttestation.decode(in));
        }
    }

    /** RELAY_DATA: circuit:u32 | payload (an opaque session datagram). */
    record RelayData(int circuit, Bytes payload) implements UdpFrame {
        /** What fits a UDP datagram (65507 bytes over IPv4) after type and circuit. */
        public static final int MAX_PAYLOAD = 65507 - 5;

        public RelayData {
            if (payload.length() > MAX_PAYLOAD) {
                throw new IllegalArgumentException("RELAY_DATA payload longer than " + MAX_PAYLOAD);
            }
        }

        public UdpFrameType type() {
            return UdpFrameType.RELAY_DATA;
        }

        public void encodeFields(ByteBuf out) {
            out.writeInt(circuit).writeBytes(payload.toArray());
        }

        static RelayData decode(ByteBuf in) {
            return new RelayData((int) Fields.readU32(in, "circuit"), Fields.readRest(in));
        }
    }

    /** PING: nonce:u64. */
    record Ping(long nonce) implements UdpFrame {
        public UdpFrameType type() {
            return UdpFrameType.PING;
        }

        public void encodeFields(ByteBuf out) {
            out.writeLong(nonce);
        }

        static Ping decode(ByteBuf in) {
            return new Ping(Fields.readU64(in, "nonce"));
        }
    }

    /** PONG: nonce:u64. */
    record Pong(long nonce) implements UdpFrame {
        public UdpFrameType type() {
            return UdpFrameType.PONG;
        }

        public void encodeFields(ByteBuf out) {
            out.writeLong(nonce);
        }

        static Pong decode(ByteBuf in) {
            return new Pong(Fields.readU64(in, "nonce"));
        }
    }

    /**
     * PROBE: session:u64 | txid:u64 | nonce:u64 | mac:16. Sent to every candidate of the peer while
     * punching; the key is a per-session punch key the peers agree inside their encrypted session,
     * so nobody else (the relay included) can forge a probe. The nonce is fresh per probe: the
     * PROBE_ACK must echo it, and the prober accepts an ACK only from the address and socket that
     * probe went to and only once, so a probe or ACK replayed from elsewhere proves nothing.
     */
    record Probe(long session, long txid, long nonce, Bytes mac) implements UdpFrame {
        public UdpFrameType type() {
            return UdpFrameType.PROBE;
        }

        public void encodeFields(ByteBuf out) {
            out.writeLong(session).writeLong(txid).writeLong(nonce).writeBytes(mac.toArray());
        }

        public static Probe signed(byte[] punchKey, long session, long txid, long nonce) {
            byte[] covered = ByteBuffer.allocate(25).put(UdpFrameType.PROBE.byteValue()).putLong(session).putLong(txid)
                    .putLong(nonce).array();
            return new Probe(session, txid, nonce, UdpFrame.mac(punchKey, covered));
        }

        public boolean verify(byte[] punchKey) {
            return MessageDigest.isEqual(mac.toArray(), signed(punchKey, session, txid, nonce).mac.toArray());
        }

        static Probe decode(ByteBuf in) {
            return new Probe(Fields.readU64(in, "session"), Fields.readU64(in, "txid"), Fields.readU64(in, "nonce"),
                    Fields.readFixed(in, MAC_LENGTH, "mac"));
        }
    }

    /**
     * PROBE_ACK: session:u64 | txid:u64 | nonce:u64 (the probe's, echoed) | observed:Address (the
     * probe's source as seen) | mac:16.
     */
    record ProbeAck(long session, long txid, long nonce, InetSocketAddress observed, Bytes mac) implements UdpFrame {
        public UdpFrameType type() {
            return UdpFrameType.PROBE_ACK;
        }

        public void encodeFields(ByteBuf out) {
            out.writeLong(session).writeLong(txid).writeLong(nonce);
            Fields.writeAddress(out, observed);
            out.writeBytes(mac.toArray());
        }

        public static ProbeAck signed(byte[] punchKey, long session, long txid, long nonce, InetSocketAddress observed) {
            return new ProbeAck(session, txid, nonce, observed, UdpFrame.mac(punchKey, covered(session, txid, nonce, observed)));
        }

        public boolean verify(byte[] punchKey) {
            return MessageDigest.isEqual(mac.toArray(),
                    UdpFrame.mac(punchKey, covered(session, txid, nonce, observed)).toArray());
        }

        private static byte[] covered(long session, long txid, long nonce, InetSocketAddress observed) {
            ByteBuf b = io.netty.buffer.Unpooled.buffer(64);
            try {
                b.writeByte(UdpFrameType.PROBE_ACK.byteValue()).writeLong(session).writeLong(txid).writeLong(nonce);
                Fields.writeAddress(b, observed);
                byte[] covered = new byte[b.readableBytes()];
                b.readBytes(covered);
                return covered;
            } finally {
                b.release();
            }
        }

        static ProbeAck decode(ByteBuf in) {
            return new ProbeAck(Fields.readU64(in, "session"), Fields.readU64(in, "txid"), Fields.readU64(in, "nonce"),
                    Fields.readAddress(in), Fields.readFixed(in, MAC_LENGTH, "mac"));
        }
    }
}
