package dev.junction.wire.control;

import dev.junction.wire.Bytes;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.codec.Fields;
import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * A relay's signed statement of where it saw a client (PROTOCOL.md section 3.7): "relay R saw
 * peer S's {@code transport} traffic come from {@code address}, valid from {@code issued} until
 * {@code expires}". The relay sends it in LOGIN_OK (the control connection's source, TCP) and
 * BIND_ACK (the bound UDP source); the client forwards it to its peer inside their encrypted
 * session, and the peer checks it knowing only R's PeerId. Punching aims port prediction and TCP
 * connects only at attested addresses, so a peer cannot turn a client into a probe cannon aimed
 * at someone else.
 * <pre>
 * Attestation = relay:PeerId | subject:PeerId | transport:u8 (1 UDP, 2 TCP) | address:Address |
 *               issued_s:u64 | expires_s:u64 | signature:64
 * signature   = Ed25519_relay("junction/observed/v1" ‖ every byte before the signature)
 * </pre>
 */
public record AddressAttestation(PeerId relay, PeerId subject, Transport transport, InetSocketAddress address,
                                 long issuedSeconds, long expiresSeconds, Bytes signature) {
    /** What the relay saw the address on: the transport:u8 field. */
    public enum Transport {
        /** The bound UDP source (BIND_ACK). */
        UDP(1),
        /** The control connection's source (LOGIN_OK). */
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
            throw new WireFormatException("unknown attestation transport " + wire);
        }
    }

    /**
     * How long a statement holds: a day covers a long-lived session without a new login, and a
     * statement about an address the client has left (a café's Wi-Fi) ages out the same day.
     */
    public static final Duration VALIDITY = Duration.ofHours(24);
    /** Clock difference between relay and verifier tolerated on issued-at and expiry. */
    public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final byte[] CONTEXT = "junction/observed/v1".getBytes(StandardCharsets.US_ASCII);

    public AddressAttestation {
        if (signature.length() != Identity.SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("signature must be 64 bytes");
        }
        if (address.getAddress() == null) {
            throw new IllegalArgumentException("unresolved address: " + address);
        }
    }

    /** {@code relay}'s statement that it saw {@code subject}'s {@code transport} traffic come from {@code address}. */
    public static AddressAttestation sign(Identity relay, PeerId subject, Transport transport,
                                          InetSocketAddress address, Instant now) {
        long issued = now.getEpochSecond();
        long expires = issued + VALIDITY.toSeconds();
        byte[] signed = signedBytes(relay.peerId(), subject, transport, address, issued, expires);
        return new AddressAttestation(relay.peerId(), subject, transport, address, issued, expires, Bytes.of(relay.sign(signed)));
    }

    /** True when the signature is the named relay's over this statement. */
    public boolean signatureValid() {
        return Identity.verify(relay, signedBytes(relay, subject, transport, address, issuedSeconds, expiresSeconds),
                signature.toArray());
    }

    /**
     * True when this statement is about {@code peer}, comes from one of {@code trustedRelays}, is
     * current at {@code now} (within {@link #CLOCK_SKEW}) and its signature verifies.
     */
    public boolean validFor(PeerId peer, Set<PeerId> trustedRelays, Instant now) {
        long t = now.getEpochSecond();
        long skew = CLOCK_SKEW.toSeconds();
        return subject.equals(peer) && trustedRelays.contains(relay)
                && issuedSeconds <= t + skew && t <= expiresSeconds + skew && issuedSeconds <= expiresSeconds
                && signatureValid();
    }

    public void encode(ByteBuf out) {
        writeStatement(out, relay, subject, transport, address, issuedSeconds, expiresSeconds);
        out.writeBytes(signature.toArray());
    }

    public static AddressAttestation decode(ByteBuf in) {
        PeerId relay = Fields.readPeerId(in);
        PeerId subject = Fields.readPeerId(in);
        Transport transport = Transport.valueOf(Fields.readU8(in, "transport"));
        InetSocketAddress address = Fields.readAddress(in);
        long issued = Fields.readU64(in, "issued");
        long expires = Fields.readU64(in, "expires");
        WireFormatException.check(issued >= 0 && expires >= 0, "attestation time out of range");
        return new AddressAttestation(relay, subject, transport, address, issued, expires,
                Fields.readFixed(in, Identity.SIGNATURE_LENGTH, "signature"));
    }

    private static void writeStatement(ByteBuf out, PeerId relay, PeerId subject, Transport transport,
                                       InetSocketAddress address, long issued, long expires) {
        Fields.writePeerId(out, relay);
        Fields.writePeerId(out, subject);
        out.writeByte(transport.wire);
        Fields.writeAddress(out, address);
        out.writeLong(issued).writeLong(expires);
    }

    /** What the signature covers: the context string, then the statement's bytes as encoded. */
    static byte[] signedBytes(PeerId relay, PeerId subject, Transport transport, InetSocketAddress address,
                              long issued, long expires) {
        ByteBuf b = Unpooled.buffer(160);
        try {
            b.writeBytes(CONTEXT);
            writeStatement(b, relay, subject, transport, address, issued, expires);
            byte[] out = new byte[b.readableBytes()];
            b.readBytes(out);
            return out;
        } finally {
            b.release();
        }
    }
}
