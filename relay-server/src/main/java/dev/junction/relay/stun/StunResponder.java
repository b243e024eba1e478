package dev.junction.relay.stun;

import dev.junction.wire.stun.StunAttribute;
import dev.junction.wire.stun.StunAttributeType;
import dev.junction.wire.stun.StunClass;
import dev.junction.wire.stun.StunMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Answers STUN Binding requests (RFC 8489 section 6.3) with the RFC 5780 behaviour-discovery
 * attributes. Pure logic: it says what to send, from which local address and to where; the
 * socket handler does the sending. Stateless, so one instance serves every socket.
 *
 * <p>With an alternate IP the relay listens on four sockets, {primary, alternate} IP × {primary,
 * alternate} port. A response goes out from the socket CHANGE-REQUEST selects, carries
 * RESPONSE-ORIGIN (that socket) and OTHER-ADDRESS (the socket differing in both IP and port from
 * the one the request arrived on), and goes to RESPONSE-PORT when the request names one.
 */
public final class StunResponder {
    /** SOFTWARE on every response (RFC 8489 section 14.14), so operators can tell what answered. */
    static final String SOFTWARE = "Junction relay";

    private final InetAddress primaryIp;
    private final Optional<InetAddress> alternateIp;
    private final int primaryPort;
    private final int alternatePort;

    /** What to send back: {@code message} from the local socket {@code from} to {@code to}. */
    public record Reply(StunMessage message, InetSocketAddress from, InetSocketAddress to) {
    }

    public StunResponder(InetAddress primaryIp, Optional<InetAddress> alternateIp, int primaryPort, int alternatePort) {
        this.primaryIp = primaryIp;
        this.alternateIp = alternateIp;
        this.primaryPort = primaryPort;
        this.alternatePort = alternatePort;
    }

    public boolean rfc5780() {
        return alternateIp.isPresent();
    }

    /**
     * The reply to {@code request}, which arrived on local socket {@code local} from {@code source};
     * empty when the message is not a request (indications and responses are dropped).
     */
    public Optional<Reply> answer(StunMessage request, InetSocketAddress local, InetSocketAddress source) {
        if (request.messageClass() != StunClass.REQUEST) {
            return Optional.empty();
        }
        if (!request.isBinding()) {
            return Optional.of(error(request, local, source, new StunAttribute.ErrorCode(
                    StunAttribute.ErrorCode.BAD_REQUEST, "only Binding is served here")));
        }
        List<Integer> unknown = new ArrayList<>();
        for (StunAttribute a : request.attributes()) {
            if (a instanceof StunAttribute.Unknown u && StunAttributeType.isComprehensionRequired(u.type())) {
                unknown.add(u.type());
            }
        }
        Optional<StunAttribute.ChangeRequest> change = request.attribute(StunAttribute.ChangeRequest.class);
        boolean wantsChange = change.map(c -> c.changeIp() || c.changePort()).orElse(false);
        if (wantsChange && !rfc5780()) {
            // RFC 5780 section 6.1: a server without an alternate address answers CHANGE-REQUEST with 420.
            unknown.add(StunAttributeType.CHANGE_REQUEST);
        }
        if (!unknown.isEmpty()) {
            return Optional.of(new Reply(new StunMessage(StunClass.ERROR_RESPONSE, request.method(), request.transactionId(),
                    List.of(new StunAttribute.ErrorCode(StunAttribute.ErrorCode.UNKNOWN_ATTRIBUTE, "Unknown Attribute"),
                            new StunAttribute.UnknownAttributes(unknown),
                            new StunAttribute.Software(SOFTWARE))), local, source));
        }
        InetSocketAddress from = local;
        if (wantsChange) {
            StunAttribute.ChangeRequest c = change.orElseThrow();
            from = new InetSocketAddress(c.changeIp() ? otherIp(local.getAddress()) : local.getAddress(),
                    c.changePort() ? otherPort(local.getPort()) : local.getPort());
        }
        InetSocketAddress to = request.attribute(StunAttribute.ResponsePort.class)
                .map(p -> new InetSocketAddress(source.getAddress(), p.port())).orElse(source);
        List<StunAttribute> attrs = new ArrayList<>();
        attrs.add(new StunAttribute.XorMappedAddress(source));
        attrs.add(new StunAttribute.MappedAddress(source));
        if (!from.getAddress().isAnyLocalAddress()) {
            attrs.add(new StunAttribute.ResponseOrigin(from));
        }
        if (rfc5780()) {
            attrs.add(new StunAttribute.OtherAddress(new InetSocketAddress(otherIp(local.getAddress()), otherPort(local.getPort()))));
        }
        attrs.add(new StunAttribute.Software(SOFTWARE));
        return Optional.of(new Reply(new StunMessage(StunClass.SUCCESS_RESPONSE, request.method(), request.transactionId(), attrs),
                from, to));
    }

    private Reply error(StunMessage request, InetSocketAddress local, InetSocketAddress source, StunAttribute.ErrorCode code) {
        return new Reply(new StunMessage(StunClass.ERROR_RESPONSE, request.method(), request.transactionId(),
                List.of(code, new StunAttribute.Software(SOFTWARE))), local, source);
    }

    private InetAddress otherIp(InetAddress ip) {
        InetAddress alt = alternateIp.orElseThrow();
        return ip.equals(alt) ? primaryIp : alt;
    }

    private int otherPort(int port) {
        return port == alternatePort ? primaryPort : alternatePort;
    }
}
