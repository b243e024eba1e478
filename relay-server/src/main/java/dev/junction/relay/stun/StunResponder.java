package dev.junction.relay.stun;

import dev.junction.wire.stun.StunAttribute;
import dev.junction.wire.stun.StunAttributeType;
import dev.junction.wire.stun.StunClass;
import dev.junction.wire.stun.StunEncoder;
import dev.junction.wire.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Answers STUN Binding requests (RFC 8489 section 6.3) with the RFC 5780 behaviour-discovery
 * attributes. Pure logic: it says what to send, from which local address and to where; the
 * socket handler does the sending. One instance serves every UDP socket.
 *
 * <p>With an alternate IP the relay listens on four sockets, {primary, alternate} IP × {primary,
 * alternate} port. A response goes out from the socket CHANGE-REQUEST selects, carries
 * RESPONSE-ORIGIN (that socket) and OTHER-ADDRESS (the socket differing in both IP and port from
 * the one the request arrived on), and goes to RESPONSE-PORT when the request names one and
 * {@link ResponsePortGuard} allows it.
 *
 * <p>Over UDP no answer is larger than {@link AmplificationBudget} allows: attributes are dropped,
 * least needed first (SOFTWARE, MAPPED-ADDRESS, RESPONSE-ORIGIN, OTHER-ADDRESS), until it fits;
 * XOR-MAPPED-ADDRESS and FINGERPRINT always fit a well-formed request's budget.
 */
public final class StunResponder {
    /** SOFTWARE, when the operator turns it on (RFC 8489 section 14.14). */
    static final String SOFTWARE = "Junction relay";
    /** Answer sizes are not bounded (STUN over TCP: the handshake proved the source). */
    public static final int UNBOUNDED = -1;

    /**
     * The operator's STUN settings ({@code junction.relay.stun}).
     *
     * @param software put SOFTWARE on answers (off by default: it tells an attacker the version and costs bytes)
     * @param responsePortWindow how recently a RESPONSE-PORT target must itself have sent a request
     * @param responsePortPerSecond RESPONSE-PORT answers one source may get per second
     */
    public record Options(boolean software, Duration responsePortWindow, int responsePortPerSecond) {
        public static final Options DEFAULTS = new Options(false, Duration.ofSeconds(60), 10);
    }

    private final InetAddress primaryIp;
    private final Optional<InetAddress> alternateIp;
    private final int primaryPort;
    private final int alternatePort;
    private final Options options;
    private final ResponsePortGuard responsePorts;

    /**
     * What to send back: {@code message} from the local socket {@code from} to {@code to};
     * {@code wire} is the message encoded with its FINGERPRINT, as it was measured against the
     * amplification budget (the handlers send these bytes rather than encode it a second time).
     */
    public record Reply(StunMessage message, InetSocketAddress from, InetSocketAddress to, byte[] wire) {
    }

    public StunResponder(InetAddress primaryIp, Optional<InetAddress> alternateIp, int primaryPort, int alternatePort, Options options) {
        this.primaryIp = primaryIp;
        this.alternateIp = alternateIp;
        this.primaryPort = primaryPort;
        this.alternatePort = alternatePort;
        this.options = options;
        this.responsePorts = new ResponsePortGuard(options.responsePortWindow(), options.responsePortPerSecond(), System.nanoTime());
    }

    public boolean rfc5780() {
        return alternateIp.isPresent();
    }

    /**
     * The reply to {@code request} ({@code requestBytes} long on the wire, or {@link #UNBOUNDED}
     * for no size bound), which arrived on local socket {@code local} from {@code source}; empty
     * when the message is not a request (indications and responses are dropped) or no answer fits.
     */
    public Optional<Reply> answer(StunMessage request, int requestBytes, InetSocketAddress local, InetSocketAddress source) {
        if (request.messageClass() != StunClass.REQUEST) {
            return Optional.empty();
        }
        long now = System.nanoTime();
        responsePorts.requested(source, now);
        int budget = requestBytes == UNBOUNDED ? Integer.MAX_VALUE : AmplificationBudget.maxAnswerBytes(requestBytes, source.getAddress());
        if (!request.isBinding()) {
            return fit(error(request, StunAttribute.ErrorCode.BAD_REQUEST, "Binding only", List.of()), budget, local, source);
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
            return fit(error(request, StunAttribute.ErrorCode.UNKNOWN_ATTRIBUTE, "Unknown Attribute",
                    List.of(new StunAttribute.UnknownAttributes(unknown))), budget, local, source);
        }
        InetSocketAddress to = source;
        Optional<StunAttribute.ResponsePort> port = request.attribute(StunAttribute.ResponsePort.class);
        if (port.isPresent()) {
            to = new InetSocketAddress(source.getAddress(), port.get().port());
            ResponsePortGuard.Verdict v = responsePorts.check(source, to, now);
            if (v != ResponsePortGuard.Verdict.ALLOWED) {
                return fit(error(request, StunAttribute.ErrorCode.BAD_REQUEST, "RESPONSE-PORT refused: " + reason(v), List.of()),
                        budget, local, source);
            }
        }
        InetSocketAddress from = local;
        if (wantsChange) {
            StunAttribute.ChangeRequest c = change.orElseThrow();
            from = new InetSocketAddress(c.changeIp() ? otherIp(local.getAddress()) : local.getAddress(),
                    c.changePort() ? otherPort(local.getPort()) : local.getPort());
        }
        // In order of need: what a trimmed answer keeps first.
        List<StunAttribute> attrs = new ArrayList<>();
        attrs.add(new StunAttribute.XorMappedAddress(source));
        if (rfc5780()) {
            attrs.add(new StunAttribute.OtherAddress(new InetSocketAddress(otherIp(local.getAddress()), otherPort(local.getPort()))));
        }
        if (!from.getAddress().isAnyLocalAddress()) {
            attrs.add(new StunAttribute.ResponseOrigin(from));
        }
        attrs.add(new StunAttribute.MappedAddress(source));
        if (options.software()) {
            attrs.add(new StunAttribute.Software(SOFTWARE));
        }
        return fit(new StunMessage(StunClass.SUCCESS_RESPONSE, request.method(), request.transactionId(), attrs), budget, from, to);
    }

    private static String reason(ResponsePortGuard.Verdict v) {
        return switch (v) {
            case PRIVILEGED_PORT -> "port below 1024";
            case NOT_A_REQUESTER -> "that port sent no request";
            case RATE_LIMITED -> "too many";
            case ALLOWED -> "";
        };
    }

    /**
     * {@code message}, with attributes dropped from the end (all but the first) until it fits
     * {@code budget} bytes with its FINGERPRINT; empty if even the first does not fit. Each candidate
     * is encoded once; the one that fits is the reply's wire bytes.
     */
    private static Optional<Reply> fit(StunMessage message, int budget, InetSocketAddress from, InetSocketAddress to) {
        List<StunAttribute> attrs = new ArrayList<>(message.attributes());
        ByteBuf scratch = Unpooled.buffer(128);
        try {
            while (true) {
                StunMessage m = new StunMessage(message.messageClass(), message.method(), message.transactionId(), List.copyOf(attrs));
                scratch.clear();
                StunEncoder.FINGERPRINT.encode(m, scratch);
                if (scratch.readableBytes() <= budget) {
                    return Optional.of(new Reply(m, from, to, io.netty.buffer.ByteBufUtil.getBytes(scratch)));
                }
                if (attrs.size() <= 1) {
                    return Optional.empty();
                }
                attrs.remove(attrs.size() - 1);
            }
        } finally {
            scratch.release();
        }
    }

    private StunMessage error(StunMessage request, int code, String reason, List<StunAttribute> more) {
        List<StunAttribute> attrs = new ArrayList<>();
        attrs.add(new StunAttribute.ErrorCode(code, reason));
        attrs.addAll(more);
        if (options.software()) {
            attrs.add(new StunAttribute.Software(SOFTWARE));
        }
        return new StunMessage(StunClass.ERROR_RESPONSE, request.method(), request.transactionId(), attrs);
    }

    private InetAddress otherIp(InetAddress ip) {
        InetAddress alt = alternateIp.orElseThrow();
        return ip.equals(alt) ? primaryIp : alt;
    }

    private int otherPort(int port) {
        return port == alternatePort ? primaryPort : alternatePort;
    }
}
