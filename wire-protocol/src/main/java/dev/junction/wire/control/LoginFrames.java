package dev.junction.wire.control;

import dev.junction.wire.Bytes;
import dev.junction.wire.codec.Fields;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Login and reservation frames. The exchange on a new TLS connection:
 * <pre>
 * C → R  HELLO      version, capabilities
 * R → C  CHALLENGE  version, relay PeerId, 32-byte nonce, relay's signature over the nonce
 * C → R  AUTH       PeerId, Ed25519 signature over {@link #signedLoginBytes}, admission token
 * R → C  LOGIN_OK   reservation, lifetime, keepalive, UDP port and bind key, observed TCP address
 *                   and the relay's signed statement of it ({@link AddressAttestation})
 *        (or ERROR with a code, then the relay closes the connection)
 * </pre>
 */
public final class LoginFrames {
    public static final int NONCE_LENGTH = 32;
    public static final int UDP_BIND_KEY_LENGTH = 16;
    private static final byte[] LOGIN_CONTEXT = "junction/login/v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHALLENGE_CONTEXT = "junction/challenge/v3".getBytes(StandardCharsets.US_ASCII);
    /** Version 2's CHALLENGE context (its string predates the version number it served). */
    private static final byte[] CHALLENGE_CONTEXT_V2 = "junction/challenge/v1".getBytes(StandardCharsets.US_ASCII);

    private LoginFrames() {
    }

    /**
     * What AUTH's signature covers: the ASCII context {@code junction/login/v1}, the relay's PeerId
     * bytes, the challenge nonce, the client's PeerId bytes. Naming the relay binds the proof to the
     * relay whose key the client pinned, so another relay cannot replay it.
     */
    public static byte[] signedLoginBytes(PeerId relay, Bytes nonce, PeerId client) {
        byte[] r = relay.toBytes();
        byte[] c = client.toBytes();
        byte[] out = new byte[LOGIN_CONTEXT.length + r.length + nonce.length() + c.length];
        int at = 0;
        System.arraycopy(LOGIN_CONTEXT, 0, out, at, LOGIN_CONTEXT.length);
        at += LOGIN_CONTEXT.length;
        System.arraycopy(r, 0, out, at, r.length);
        at += r.length;
        System.arraycopy(nonce.toArray(), 0, out, at, nonce.length());
        at += nonce.length();
        System.arraycopy(c, 0, out, at, c.length);
        return out;
    }

    /**
     * What a version-2 CHALLENGE's signature covers, for clients one version behind: the ASCII
     * context {@code junction/challenge/v1}, the nonce, the relay's PeerId bytes (no certificate
     * hash). A version-3 client never accepts it: it verifies {@link #signedChallengeBytes} only.
     */
    public static byte[] signedChallengeBytesV2(Bytes nonce, PeerId relay) {
        byte[] r = relay.toBytes();
        byte[] out = new byte[CHALLENGE_CONTEXT_V2.length + nonce.length() + r.length];
        System.arraycopy(CHALLENGE_CONTEXT_V2, 0, out, 0, CHALLENGE_CONTEXT_V2.length);
        System.arraycopy(nonce.toArray(), 0, out, CHALLENGE_CONTEXT_V2.length, nonce.length());
        System.arraycopy(r, 0, out, CHALLENGE_CONTEXT_V2.length + nonce.length(), r.length);
        return out;
    }

    /**
     * HELLO: version:u16 | capabilities:u32. Bit 0 ({@link #MESH}): the sender is a relay of the
     * same fleet opening a mesh link (PROTOCOL.md section 8). Bit 1 ({@link #RELAY_MAP}): the
     * sender (a client) takes RELAY_MAP frames. Unknown bits are ignored.
     */
    public record Hello(int version, long capabilities) implements ControlFrame {
        /** Capability bit: a fleet relay joining the mesh, its AUTH token minted with the fleet secret. */
        public static final long MESH = 1;
        /** Capability bit: a client that takes RELAY_MAP (the fleet's relays), sent after LOGIN_OK and on changes. */
        public static final long RELAY_MAP = 2;
        /**
         * Capability bit: a client that follows a relay's key rotation; CHALLENGE to it carries the
         * relay's {@link KeyEndorsement} when the relay has a current one.
         */
        public static final long ROTATION = 4;
        /**
         * Capability bit: a client that takes LOGIN_OK with the relay's UDP addresses in its other
         * address families appended, and asks there for statements of its addresses (ATTEST).
         */
        public static final long DUAL_STACK = 8;

        public Hello {
            Fields.checkU16(version, "version");
            Fields.checkU32(capabilities, "capabilities");
        }

        public ControlFrameType type() {
            return ControlFrameType.HELLO;
        }

        public void encodePayload(ByteBuf out) {
            out.writeShort(version).writeInt((int) capabilities);
        }

        static Hello decode(ByteBuf in) {
            return new Hello(Fields.readU16(in, "version"), Fields.readU32(in, "capabilities"));
        }

        /** True when the sender (a client) takes RELAY_MAP frames. */
        public boolean relayMap() {
            return (capabilities & RELAY_MAP) != 0;
        }

        /** True when the sender asks for a relay-to-relay mesh link. */
        public boolean mesh() {
            return (capabilities & MESH) != 0;
        }

        /** True when the sender takes LOGIN_OK with the relay's other-family UDP addresses. */
        public boolean dualStack() {
            return (capabilities & DUAL_STACK) != 0;
        }

        /** True when the sender follows key rotations (takes CHALLENGE with an endorsement). */
        public boolean rotation() {
            return (capabilities & ROTATION) != 0;
        }
    }

    /**
     * What CHALLENGE's signature covers: the ASCII context {@code junction/challenge/v3}, the nonce,
     * the relay's PeerId bytes, and the SHA-256 of the DER encoding of the certificate the relay
     * served in this TLS connection ({@code certificateSha256}, 32 bytes). It proves the relay holds
     * the pinned key even when its TLS certificate is an operator's CA-issued one that does not carry
     * that key, and ties the proof to that certificate: a man in the middle holding another valid
     * certificate cannot pass the relay's CHALLENGE on.
     */
    public static byte[] signedChallengeBytes(Bytes nonce, PeerId relay, byte[] certificateSha256) {
        if (certificateSha256.length != 32) {
            throw new IllegalArgumentException("certificate hash must be 32 bytes (SHA-256)");
        }
        byte[] r = relay.toBytes();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(CHALLENGE_CONTEXT);
        out.writeBytes(nonce.toArray());
        out.writeBytes(r);
        out.writeBytes(certificateSha256);
        return out.toByteArray();
    }

    /** The SHA-256 of a certificate's DER encoding, as {@link #signedChallengeBytes} takes it. */
    public static byte[] certificateSha256(byte[] der) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(der);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * CHALLENGE: version:u16 | relay:PeerId | nonce:32 bytes | signature:64 bytes (relay's, over
     * {@link #signedChallengeBytes}) [| endorsement:{@link KeyEndorsement}]. The endorsement (the
     * relay's previous key vouching for {@code relay}) is present only towards a client whose HELLO set
     * {@link Hello#ROTATION}, and only while the relay has a current one; null otherwise.
     */
    public record Challenge(int version, PeerId relay, Bytes nonce, Bytes signature, KeyEndorsement endorsement)
            implements ControlFrame {
        public Challenge {
            Fields.checkU16(version, "version");
            if (nonce.length() != NONCE_LENGTH) {
                throw new IllegalArgumentException("nonce must be 32 bytes");
            }
            if (signature.length() != Identity.SIGNATURE_LENGTH) {
                throw new IllegalArgumentException("signature must be 64 bytes");
            }
        }

        /** A CHALLENGE without an endorsement. */
        public Challenge(int version, PeerId relay, Bytes nonce, Bytes signature) {
            this(version, relay, nonce, signature, null);
        }

        public ControlFrameType type() {
            return ControlFrameType.CHALLENGE;
        }

        public void encodePayload(ByteBuf out) {
            out.writeShort(version);
            Fields.writePeerId(out, relay);
            out.writeBytes(nonce.toArray());
            out.writeBytes(signature.toArray());
            if (endorsement != null) {
                endorsement.encode(out);
            }
        }

        static Challenge decode(ByteBuf in) {
            Challenge c = new Challenge(Fields.readU16(in, "version"), Fields.readPeerId(in),
                    Fields.readFixed(in, NONCE_LENGTH, "nonce"), Fields.readFixed(in, Identity.SIGNATURE_LENGTH, "signature"));
            return in.isReadable() ? new Challenge(c.version, c.relay, c.nonce, c.signature, KeyEndorsement.decode(in)) : c;
        }
    }

    /** AUTH: peer:PeerId | signature:64 bytes | token:String (empty for allow-listed or open relays). */
    public record Auth(PeerId peer, Bytes signature, String token) implements ControlFrame {
        public Auth {
            if (signature.length() != Identity.SIGNATURE_LENGTH) {
                throw new IllegalArgumentException("signature must be 64 bytes");
            }
        }

        public ControlFrameType type() {
            return ControlFrameType.AUTH;
        }

        public void encodePayload(ByteBuf out) {
            Fields.writePeerId(out, peer);
            out.writeBytes(signature.toArray());
            Fields.writeString(out, token);
        }

        static Auth decode(ByteBuf in) {
            return new Auth(Fields.readPeerId(in), Fields.readFixed(in, Identity.SIGNATURE_LENGTH, "signature"),
                    Fields.readString(in, "token"));
        }
    }

    /**
     * LOGIN_OK: reservation:u64 | lifetime_s:u32 | keepalive_s:u16 | udp_port:u16 |
     * udp_bind_key:16 bytes | observed:Address | attestation:Attestation (the relay's signed
     * statement that it saw this client's TCP traffic come from {@code observed}; the client hands
     * it to its peers inside sessions, see {@link AddressAttestation}) [| n:u8 | n × Address: the
     * relay's UDP addresses in its other address families, only to a client whose HELLO set
     * {@link Hello#DUAL_STACK}, and only when there are some].
     */
    public record LoginOk(long reservation, long lifetimeSeconds, int keepaliveSeconds, int udpPort,
                          Bytes udpBindKey, InetSocketAddress observed, AddressAttestation attestation,
                          java.util.List<InetSocketAddress> otherFamilies) implements ControlFrame {
        /** At most this many other-family UDP addresses (one per family, with room to spare). */
        public static final int OTHER_FAMILIES_MAX = 4;

        /** A LOGIN_OK without other-family addresses (a single-stack relay, or a client without DUAL_STACK). */
        public LoginOk(long reservation, long lifetimeSeconds, int keepaliveSeconds, int udpPort, Bytes udpBindKey,
                       InetSocketAddress observed, AddressAttestation attestation) {
            this(reservation, lifetimeSeconds, keepaliveSeconds, udpPort, udpBindKey, observed, attestation, java.util.List.of());
        }

        public LoginOk {
            otherFamilies = java.util.List.copyOf(otherFamilies);
            if (otherFamilies.size() > OTHER_FAMILIES_MAX) {
                throw new IllegalArgumentException("more than " + OTHER_FAMILIES_MAX + " other-family addresses");
            }
            Fields.checkU32(lifetimeSeconds, "lifetime");
            Fields.checkU16(keepaliveSeconds, "keepalive");
            Fields.checkU16(udpPort, "UDP port");
            if (udpBindKey.length() != UDP_BIND_KEY_LENGTH) {
                throw new IllegalArgumentException("UDP bind key must be 16 bytes");
            }
        }

        public ControlFrameType type() {
            return ControlFrameType.LOGIN_OK;
        }

        public void encodePayload(ByteBuf out) {
            out.writeLong(reservation).writeInt((int) lifetimeSeconds).writeShort(keepaliveSeconds).writeShort(udpPort);
            out.writeBytes(udpBindKey.toArray());
            Fields.writeAddress(out, observed);
            attestation.encode(out);
            if (!otherFamilies.isEmpty()) {
                out.writeByte(otherFamilies.size());
                otherFamilies.forEach(a -> Fields.writeAddress(out, a));
            }
        }

        static LoginOk decode(ByteBuf in) {
            long reservation = Fields.readU64(in, "reservation");
            long lifetime = Fields.readU32(in, "lifetime");
            int keepalive = Fields.readU16(in, "keepalive");
            int udpPort = Fields.readU16(in, "UDP port");
            Bytes key = Fields.readFixed(in, UDP_BIND_KEY_LENGTH, "UDP bind key");
            InetSocketAddress observed = Fields.readAddress(in);
            AddressAttestation attestation = AddressAttestation.decode(in);
            java.util.List<InetSocketAddress> others = new java.util.ArrayList<>();
            if (in.isReadable()) {
                int n = Fields.readU8(in, "other-family count");
                dev.junction.wire.WireFormatException.check(n <= OTHER_FAMILIES_MAX, "more than " + OTHER_FAMILIES_MAX
                        + " other-family addresses");
                for (int i = 0; i < n; i++) {
                    others.add(Fields.readAddress(in));
                }
            }
            return new LoginOk(reservation, lifetime, keepalive, udpPort, key, observed, attestation, others);
        }
    }

    /**
     * REFRESH: an empty payload, or {@code token:String} (a fresh admission token that extends the
     * reservation past the expiry of the one it logged in with).
     */
    public record Refresh(String token) implements ControlFrame {
        public Refresh {
            token = token == null ? "" : token;
        }

        /** A REFRESH with no new token: extends the reservation up to its current token's expiry. */
        public Refresh() {
            this("");
        }

        public ControlFrameType type() {
            return ControlFrameType.REFRESH;
        }

        public void encodePayload(ByteBuf out) {
            if (!token.isEmpty()) {
                Fields.writeString(out, token);
            }
        }

        static Refresh decode(ByteBuf in) {
            return new Refresh(in.isReadable() ? Fields.readString(in, "token") : "");
        }
    }

    /** REFRESH_OK: lifetime_s:u32, the reservation's new remaining lifetime. */
    public record RefreshOk(long lifetimeSeconds) implements ControlFrame {
        public RefreshOk {
            Fields.checkU32(lifetimeSeconds, "lifetime");
        }

        public ControlFrameType type() {
            return ControlFrameType.REFRESH_OK;
        }

        public void encodePayload(ByteBuf out) {
            out.writeInt((int) lifetimeSeconds);
        }

        static RefreshOk decode(ByteBuf in) {
            return new RefreshOk(Fields.readU32(in, "lifetime"));
        }
    }
}
