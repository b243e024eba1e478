package dev.junction.bench.harness;

import io.netty.buffer.ByteBuf;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The few TURN messages (RFC 8656) and STUN Binding (RFC 8489) the harness sends to coturn, written
 * byte by byte so the generator depends on nothing coturn-specific. A message is the 20-byte STUN
 * header then attributes:
 *
 * <pre>
 *   type:u16 | length:u16 | magic cookie 0x2112A442:u32 | transaction id:12
 *   attribute = type:u16 | length:u16 | value, padded to 4 bytes
 * </pre>
 *
 * Long-term credentials (RFC 8489 section 9.2): key = MD5(username ":" realm ":" password), and
 * MESSAGE-INTEGRITY = HMAC-SHA1(key, message up to the attribute, with the header length already
 * counting it).
 */
final class TurnMessage {
    static final int COOKIE = 0x2112A442;
    static final int HEADER = 20;

    /** Message types: method with class bits (RFC 8489 figure 3). */
    static final int BINDING_REQUEST = 0x0001;
    static final int BINDING_SUCCESS = 0x0101;
    static final int ALLOCATE_REQUEST = 0x0003;        // RFC 8656 section 7.1
    static final int ALLOCATE_SUCCESS = 0x0103;
    static final int ALLOCATE_ERROR = 0x0113;
    static final int REFRESH_REQUEST = 0x0004;         // RFC 8656 section 7.2: LIFETIME 0 deletes the allocation
    static final int CHANNEL_BIND_REQUEST = 0x0009;    // RFC 8656 section 12.1
    static final int CHANNEL_BIND_SUCCESS = 0x0109;

    /** Attribute types. */
    static final int USERNAME = 0x0006;                // RFC 8489 section 14.3
    static final int MESSAGE_INTEGRITY = 0x0008;       // RFC 8489 section 14.5: 20-byte HMAC-SHA1
    static final int ERROR_CODE = 0x0009;              // RFC 8489 section 14.8
    static final int CHANNEL_NUMBER = 0x000C;          // RFC 8656 section 18.1: u16 number, 2 bytes RFFU
    static final int LIFETIME = 0x000D;                // RFC 8656 section 18.2: u32 seconds
    static final int XOR_PEER_ADDRESS = 0x0012;        // RFC 8656 section 18.3
    static final int REALM = 0x0014;                   // RFC 8489 section 14.9
    static final int NONCE = 0x0015;                   // RFC 8489 section 14.10
    static final int XOR_RELAYED_ADDRESS = 0x0016;     // RFC 8656 section 18.5
    static final int REQUESTED_TRANSPORT = 0x0019;     // RFC 8656 section 18.7: protocol u8 (17 UDP), 3 bytes RFFU

    /** Error 437 Allocation Mismatch: the 5-tuple already has an allocation (RFC 8656 section 7.2). */
    static final int ALLOCATION_MISMATCH = 437;

    /** The first channel number (RFC 8656 section 12: 0x4000 through 0x4FFF). */
    static final int FIRST_CHANNEL = 0x4000;

    final int type;
    final byte[] transactionId;
    final List<int[]> attributeSpans = new ArrayList<>(); // {type, offset, length} into raw
    final byte[] raw;

    private TurnMessage(int type, byte[] transactionId, byte[] raw) {
        this.type = type;
        this.transactionId = transactionId;
        this.raw = raw;
    }

    /** A request being built. */
    static final class Builder {
        private final int type;
        private final byte[] transactionId;
        private final List<byte[]> attributes = new ArrayList<>();

        Builder(int type, byte[] transactionId) {
            this.type = type;
            this.transactionId = transactionId;
        }

        Builder add(int attrType, byte[] value) {
            byte[] a = new byte[4 + pad4(value.length)];
            a[0] = (byte) (attrType >> 8);
            a[1] = (byte) attrType;
            a[2] = (byte) (value.length >> 8);
            a[3] = (byte) value.length;
            System.arraycopy(value, 0, a, 4, value.length);
            attributes.add(a);
            return this;
        }

        Builder add(int attrType, String value) {
            return add(attrType, value.getBytes(StandardCharsets.UTF_8));
        }

        Builder credentials(String user, String realm, String nonce) {
            return add(USERNAME, user).add(REALM, realm).add(NONCE, nonce);
        }

        /** The encoded message; with a {@code key}, MESSAGE-INTEGRITY last. */
        byte[] encode(byte[] key) {
            int body = attributes.stream().mapToInt(a -> a.length).sum();
            int total = HEADER + body + (key != null ? 24 : 0);
            byte[] m = new byte[total];
            m[0] = (byte) (type >> 8);
            m[1] = (byte) type;
            m[2] = (byte) ((total - HEADER) >> 8);
            m[3] = (byte) (total - HEADER);
            putInt(m, 4, COOKIE);
            System.arraycopy(transactionId, 0, m, 8, 12);
            int at = HEADER;
            for (byte[] a : attributes) {
                System.arraycopy(a, 0, m, at, a.length);
                at += a.length;
            }
            if (key != null) {
                byte[] mac = hmacSha1(key, m, at);
                m[at] = 0;
                m[at + 1] = (byte) MESSAGE_INTEGRITY;
                m[at + 3] = 20;
                System.arraycopy(mac, 0, m, at + 4, 20);
            }
            return m;
        }
    }

    static Builder request(int type, byte[] transactionId) {
        return new Builder(type, transactionId);
    }

    /** Parses a STUN message held in {@code b} (readable bytes exactly one message). */
    static TurnMessage parse(ByteBuf b) {
        byte[] raw = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), raw);
        int type = ((raw[0] & 0xFF) << 8) | (raw[1] & 0xFF);
        int length = ((raw[2] & 0xFF) << 8) | (raw[3] & 0xFF);
        byte[] tx = new byte[12];
        System.arraycopy(raw, 8, tx, 0, 12);
        TurnMessage msg = new TurnMessage(type, tx, raw);
        int at = HEADER;
        int end = Math.min(raw.length, HEADER + length);
        while (at + 4 <= end) {
            int t = ((raw[at] & 0xFF) << 8) | (raw[at + 1] & 0xFF);
            int l = ((raw[at + 2] & 0xFF) << 8) | (raw[at + 3] & 0xFF);
            msg.attributeSpans.add(new int[] {t, at + 4, l});
            at += 4 + pad4(l);
        }
        return msg;
    }

    byte[] attribute(int attrType) {
        for (int[] s : attributeSpans) {
            if (s[0] == attrType) {
                byte[] v = new byte[s[2]];
                System.arraycopy(raw, s[1], v, 0, s[2]);
                return v;
            }
        }
        return null;
    }

    String text(int attrType) {
        byte[] v = attribute(attrType);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** The error code (class * 100 + number), or 0 when there is no ERROR-CODE. */
    int errorCode() {
        byte[] v = attribute(ERROR_CODE);
        return v == null ? 0 : (v[2] & 0x7) * 100 + (v[3] & 0xFF);
    }

    /** An XOR-*-ADDRESS value (IPv4 only: the harness is on 127.0.0.1). */
    InetSocketAddress xorAddress(int attrType) {
        byte[] v = attribute(attrType);
        if (v == null || v[1] != 1) {
            return null;
        }
        int port = (((v[2] & 0xFF) << 8) | (v[3] & 0xFF)) ^ (COOKIE >>> 16);
        byte[] ip = new byte[4];
        for (int i = 0; i < 4; i++) {
            ip[i] = (byte) (v[4 + i] ^ (COOKIE >>> (24 - 8 * i)));
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The value of an XOR-PEER-ADDRESS for an IPv4 {@code address}. */
    static byte[] xorAddressValue(InetSocketAddress address) {
        byte[] ip = address.getAddress().getAddress();
        byte[] v = new byte[8];
        v[1] = 1; // family IPv4
        int port = address.getPort() ^ (COOKIE >>> 16);
        v[2] = (byte) (port >> 8);
        v[3] = (byte) port;
        for (int i = 0; i < 4; i++) {
            v[4 + i] = (byte) (ip[i] ^ (COOKIE >>> (24 - 8 * i)));
        }
        return v;
    }

    /** CHANNEL-NUMBER value: the number then 2 bytes RFFU. */
    static byte[] channelNumberValue(int channel) {
        return new byte[] {(byte) (channel >> 8), (byte) channel, 0, 0};
    }

    /** REQUESTED-TRANSPORT value for UDP (protocol 17). */
    static byte[] udpTransport() {
        return new byte[] {17, 0, 0, 0};
    }

    /** The long-term credential key, MD5(username ":" realm ":" password). */
    static byte[] longTermKey(String user, String realm, String password) {
        try {
            return MessageDigest.getInstance("MD5").digest((user + ":" + realm + ":" + password).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static int pad4(int n) {
        return (n + 3) & ~3;
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static byte[] hmacSha1(byte[] key, byte[] data, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key, "HmacSHA1"));
            mac.update(data, 0, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
