package dev.junction.wire.stun;

/**
 * STUN attribute type codes. Types 0x0000–0x7FFF are comprehension-required: a request carrying an
 * unknown one is answered with error 420 and UNKNOWN-ATTRIBUTES (RFC 8489 section 6.3.1).
 */
public final class StunAttributeType {
    /** RFC 8489 section 14.1: the reflexive address, not XORed (kept for RFC 3489 clients). */
    public static final int MAPPED_ADDRESS = 0x0001;
    /** RFC 5780 section 7.2: ask the server to answer from its other IP and/or port. */
    public static final int CHANGE_REQUEST = 0x0003;
    /** RFC 8489 section 14.3: the user name of a credential. */
    public static final int USERNAME = 0x0006;
    /** RFC 8489 section 14.5: HMAC-SHA1 over the message up to this attribute. */
    public static final int MESSAGE_INTEGRITY = 0x0008;
    /** RFC 8489 section 14.8: error class, number and reason phrase. */
    public static final int ERROR_CODE = 0x0009;
    /** RFC 8489 section 14.13: the comprehension-required types a request carried and we lack. */
    public static final int UNKNOWN_ATTRIBUTES = 0x000A;
    /** RFC 8656 section 18.1: a channel number bound to a peer. */
    public static final int CHANNEL_NUMBER = 0x000C;
    /** RFC 8656 section 18.2: seconds an allocation lives. */
    public static final int LIFETIME = 0x000D;
    /** RFC 8656 section 18.3: a peer's transport address, XORed. */
    public static final int XOR_PEER_ADDRESS = 0x0012;
    /** RFC 8656 section 18.4: application data in Send and Data indications. */
    public static final int DATA = 0x0013;
    /** RFC 8489 section 14.9: the realm of a long-term credential. */
    public static final int REALM = 0x0014;
    /** RFC 8489 section 14.10: the server's nonce of a long-term credential. */
    public static final int NONCE = 0x0015;
    /** RFC 8656 section 18.5: the relayed transport address, XORed. */
    public static final int XOR_RELAYED_ADDRESS = 0x0016;
    /** RFC 8656 section 18.6: the address family of the relayed address asked for. */
    public static final int REQUESTED_ADDRESS_FAMILY = 0x0017;
    /** RFC 8656 section 18.7: an even relayed port, optionally reserving the next. */
    public static final int EVEN_PORT = 0x0018;
    /** RFC 8656 section 18.11: the relayed transport protocol (17, UDP). */
    public static final int REQUESTED_TRANSPORT = 0x0019;
    /** RFC 8656 section 18.12: set the DF bit towards peers. */
    public static final int DONT_FRAGMENT = 0x001A;
    /** RFC 8656 section 18.9: names a port reserved by an earlier EVEN-PORT. */
    public static final int RESERVATION_TOKEN = 0x0022;
    /** RFC 8489 section 14.6: HMAC-SHA256 over the message up to this attribute. */
    public static final int MESSAGE_INTEGRITY_SHA256 = 0x001C;
    /** RFC 8489 section 14.2: the reflexive address XORed with the cookie and transaction ID. */
    public static final int XOR_MAPPED_ADDRESS = 0x0020;
    /** RFC 5780 section 7.6: bytes that make the response larger, to test fragmentation. */
    public static final int PADDING = 0x0026;
    /** RFC 5780 section 7.5: send the response to this port of the source IP instead. */
    public static final int RESPONSE_PORT = 0x0027;
    /** RFC 8489 section 14.14: the agent's software, informative. */
    public static final int SOFTWARE = 0x8022;
    /** RFC 8489 section 14.7: CRC-32 of the message XOR 0x5354554e; always last. */
    public static final int FINGERPRINT = 0x8028;
    /** RFC 5780 section 7.3: the address the response was sent from. */
    public static final int RESPONSE_ORIGIN = 0x802B;
    /** RFC 5780 section 7.4: the server's other address, to which CHANGE-REQUEST moves. */
    public static final int OTHER_ADDRESS = 0x802C;

    private StunAttributeType() {
    }

    /** True for types 0x0000–0x7FFF (RFC 8489 section 14). */
    public static boolean isComprehensionRequired(int type) {
        return type < 0x8000;
    }
}
