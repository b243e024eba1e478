package dev.junction.wire.stun;

import dev.junction.wire.Bytes;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;

/**
 * A STUN message (RFC 8489 section 5): class, method, 96-bit transaction ID and attributes in wire
 * order. Encode with {@link StunEncoder}, decode with {@link StunDecoder}.
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0|     STUN Message Type     |         Message Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Magic Cookie = 0x2112A442                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                     Transaction ID (96 bits)                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Attributes (Message Length bytes)            |
 * </pre>
 */
public record StunMessage(StunClass messageClass, int method, Bytes transactionId, List<StunAttribute> attributes) {
    public static final int TRANSACTION_ID_LENGTH = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    public StunMessage {
        if (method < 0 || method > StunMessageType.MAX_METHOD) {
            throw new IllegalArgumentException("STUN method out of range: " + method);
        }
        if (transactionId.length() != TRANSACTION_ID_LENGTH) {
            throw new IllegalArgumentException("transaction ID must be 12 bytes, was " + transactionId.length());
        }
        attributes = List.copyOf(attributes);
    }

    /** A fresh, cryptographically random transaction ID (RFC 8489 section 5 asks for one). */
    public static Bytes newTransactionId() {
        byte[] id = new byte[TRANSACTION_ID_LENGTH];
        RANDOM.nextBytes(id);
        return Bytes.of(id);
    }

    /** A Binding request with a new transaction ID. */
    public static StunMessage bindingRequest(StunAttribute... attributes) {
        return new StunMessage(StunClass.REQUEST, StunMessageType.METHOD_BINDING, newTransactionId(), List.of(attributes));
    }

    /** The first attribute of the given kind, if any. */
    public <T extends StunAttribute> Optional<T> attribute(Class<T> kind) {
        for (StunAttribute a : attributes) {
            if (kind.isInstance(a)) {
                return Optional.of(kind.cast(a));
            }
        }
        return Optional.empty();
    }

    public boolean isBinding() {
        return method == StunMessageType.METHOD_BINDING;
    }
}
