package dev.junction.wire;

import dev.junction.wire.control.AddressAttestation;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.CloseReason;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.control.LoginFrames;
import dev.junction.wire.identity.PeerId;
import dev.junction.wire.session.Candidates;
import dev.junction.wire.session.NatHint;
import dev.junction.wire.session.PunchBody;
import dev.junction.wire.session.SessionMessage;
import dev.junction.wire.stun.StunAttribute;
import dev.junction.wire.stun.StunClass;
import dev.junction.wire.stun.StunMessage;
import dev.junction.wire.udp.UdpFrame;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators for every message the wire module defines. */
public final class WireArbitraries {
    private WireArbitraries() {
    }

    public static Arbitrary<Bytes> bytes(int min, int max) {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max).map(Bytes::of);
    }

    public static Arbitrary<PeerId> peerIds() {
        // Small-order and non-canonical keys are no PeerIds (WeakKeys); jqwik's edge cases include them.
        return Arbitraries.bytes().array(byte[].class).ofSize(32).filter(WireArbitraries::usableKey).map(PeerId::fromPublicKey);
    }

    private static boolean usableKey(byte[] key) {
        try {
            PeerId.fromPublicKey(key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public static Arbitrary<InetSocketAddress> addresses() {
        Arbitrary<InetAddress> v4 = Arbitraries.bytes().array(byte[].class).ofSize(4).map(WireArbitraries::ip);
        Arbitrary<InetAddress> v6 = Arbitraries.bytes().array(byte[].class).ofSize(16).map(WireArbitraries::ip6);
        return Combinators.combine(Arbitraries.oneOf(v4, v6), Arbitraries.integers().between(0, 65535))
                .as(InetSocketAddress::new);
    }

    /** Valid UTF-8 text (no lone surrogates) of at most {@code maxChars}; 3 bytes per char at most. */
    public static Arbitrary<String> text(int maxChars) {
        return Arbitraries.strings().withCharRange(' ', '\u07ff').withChars("ãマ").ofMaxLength(maxChars);
    }

    public static Arbitrary<StunAttribute> stunAttributes() {
        return Arbitraries.oneOf(
                addresses().map(StunAttribute.MappedAddress::new),
                addresses().map(StunAttribute.XorMappedAddress::new),
                addresses().map(StunAttribute.ResponseOrigin::new),
                addresses().map(StunAttribute.OtherAddress::new),
                Combinators.combine(Arbitraries.of(true, false), Arbitraries.of(true, false)).as(StunAttribute.ChangeRequest::new),
                Arbitraries.integers().between(0, 65535).map(StunAttribute.ResponsePort::new),
                Arbitraries.integers().between(0, 600).map(StunAttribute.Padding::new),
                text(250).map(StunAttribute.Software::new),
                text(160).map(StunAttribute.Username::new),
                text(250).map(StunAttribute.Realm::new),
                text(250).map(StunAttribute.Nonce::new),
                Combinators.combine(Arbitraries.integers().between(300, 699), text(100)).as(StunAttribute.ErrorCode::new),
                Arbitraries.integers().between(0, 65535).list().ofMaxSize(8).map(StunAttribute.UnknownAttributes::new),
                Combinators.combine(Arbitraries.integers().between(0x0030, 0x7fff).filter(WireArbitraries::unassigned),
                        bytes(0, 40)).as(StunAttribute.Unknown::new));
    }

    private static boolean unassigned(int type) {
        return type != 0x002B && type != 0x002C;
    }

    public static Arbitrary<StunMessage> stunMessages() {
        return Combinators.combine(Arbitraries.of(StunClass.class), Arbitraries.integers().between(0, 0xFFF),
                bytes(12, 12), stunAttributes().list().ofMaxSize(6)).as(StunMessage::new);
    }

    public static Arbitrary<ControlFrame> controlFrames() {
        Arbitrary<Integer> u32 = Arbitraries.integers();
        return Arbitraries.oneOf(
                Combinators.combine(Arbitraries.integers().between(0, 65535), Arbitraries.longs().between(0, 0xFFFF_FFFFL))
                        .as(LoginFrames.Hello::new),
                Combinators.combine(Arbitraries.integers().between(0, 65535), peerIds(), bytes(32, 32), bytes(64, 64)).as(LoginFrames.Challenge::new),
                Combinators.combine(peerIds(), bytes(64, 64), text(100)).as(LoginFrames.Auth::new),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs().between(0, 0xFFFF_FFFFL),
                        Arbitraries.integers().between(0, 65535), Arbitraries.integers().between(0, 65535),
                        bytes(16, 16), addresses(), attestations(), addresses().list().ofMaxSize(LoginFrames.LoginOk.OTHER_FAMILIES_MAX))
                        .as(LoginFrames.LoginOk::new),
                Arbitraries.just(new LoginFrames.Refresh()),
                Arbitraries.longs().between(0, 0xFFFF_FFFFL).map(LoginFrames.RefreshOk::new),
                Combinators.combine(u32, peerIds()).as(CircuitFrames.Connect::new),
                Combinators.combine(u32, peerIds()).as(CircuitFrames.Incoming::new),
                u32.map(CircuitFrames.Accept::new),
                Combinators.combine(u32, u32, peerIds()).as(CircuitFrames.CircuitOpen::new),
                Combinators.combine(u32, Arbitraries.of(CloseReason.class), Arbitraries.longs()).as(CircuitFrames.CircuitClose::new),
                Combinators.combine(u32, bytes(0, 1500)).as(CircuitFrames.Data::new),
                Combinators.combine(u32, peerIds(), peerIds()).as(CircuitFrames.MeshConnect::new),
                Combinators.combine(Arbitraries.integers().between(1, 65535), peerIds(), Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12))
                        .as((port, id, region) -> new LinkFrames.RelayMap.Entry(new dev.junction.wire.address.RelayAddress("127.0.0." + (port % 250 + 1), port, id), region))
                        .list().ofMaxSize(5).map(LinkFrames.RelayMap::new),
                Arbitraries.longs().map(LinkFrames.Ping::new),
                Arbitraries.longs().map(LinkFrames.Pong::new),
                Combinators.combine(Arbitraries.of(CloseReason.class), Arbitraries.longs().between(0, 0xFFFF_FFFFL), text(80))
                        .as(LinkFrames.GoingAway::new),
                Combinators.combine(u32, Arbitraries.of(ErrorCode.class), text(200)).as(LinkFrames.Error::new));
    }

    /** Attestations with arbitrary (mostly invalid) signatures: the codec does not verify them. */
    public static Arbitrary<dev.junction.wire.control.AddressAttestation> attestations() {
        return Combinators.combine(peerIds(), peerIds(), Arbitraries.of(AddressAttestation.Transport.class), addresses(),
                Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.longs().between(0, Long.MAX_VALUE), bytes(64, 64))
                .as(dev.junction.wire.control.AddressAttestation::new);
    }

    public static Arbitrary<UdpFrame> udpFrames() {
        return Arbitraries.oneOf(
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), bytes(16, 16)).as(UdpFrame.Bind::new),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), bytes(16, 16)).as(UdpFrame.Attest::new),
                Combinators.combine(Arbitraries.longs(), addresses(), attestations()).as(UdpFrame.BindAck::new),
                Combinators.combine(Arbitraries.integers(), bytes(0, 1500)).as(UdpFrame.RelayData::new),
                Arbitraries.longs().map(UdpFrame.Ping::new),
                Arbitraries.longs().map(UdpFrame.Pong::new),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(), bytes(16, 16)).as(UdpFrame.Probe::new),
                Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.longs(), addresses(), bytes(16, 16)).as(UdpFrame.ProbeAck::new));
    }

    /**
     * Candidate addresses as a candidate list can carry them: port 1–65535, and no IPv4-mapped IPv6
     * address (it decodes as the IPv4 address it maps, on purpose).
     */
    public static Arbitrary<InetSocketAddress> candidates() {
        return addresses().filter(a -> a.getPort() != 0 && ip(a.getAddress().getAddress()).getClass() == a.getAddress().getClass());
    }

    public static Arbitrary<PunchBody> punchBodies() {
        return Combinators.combine(candidates().list().ofMaxSize(Candidates.MAX),
                Combinators.combine(Arbitraries.of(NatHint.Mapping.class), Arbitraries.integers().between(-NatHint.MAX_STEP, NatHint.MAX_STEP))
                        .as(NatHint::new),
                candidates().list().ofMaxSize(Candidates.MAX), attestations().list().ofMaxSize(PunchBody.STATEMENTS_MAX))
                .as(PunchBody::new);
    }

    public static Arbitrary<SessionMessage> sessionMessages() {
        Arbitrary<Bytes> token = bytes(SessionMessage.TOKEN_LENGTH, SessionMessage.TOKEN_LENGTH);
        return Arbitraries.oneOf(
                Arbitraries.just(new SessionMessage.Keepalive()),
                bytes(0, 1200).map(SessionMessage.AppData::new),
                Combinators.combine(bytes(SessionMessage.Offer.KEY_LENGTH, SessionMessage.Offer.KEY_LENGTH), punchBodies())
                        .as(SessionMessage.Offer::new),
                punchBodies().map(SessionMessage.Answer::new),
                Arbitraries.just(new SessionMessage.Sync()),
                token.map(SessionMessage.Token::new),
                token.map(SessionMessage.TokenAck::new),
                Arbitraries.just(new SessionMessage.Repunch()),
                token.map(SessionMessage.Resume::new));
    }

    private static InetAddress ip(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static InetAddress ip6(byte[] raw) {
        try {
            return Inet6Address.getByAddress(null, raw, -1);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
