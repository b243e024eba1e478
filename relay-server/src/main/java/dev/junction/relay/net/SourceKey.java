package dev.junction.relay.net;

import dev.junction.wire.Bytes;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Arrays;

/**
 * What per-source limits count: an IPv4 address, or an IPv6 /64. One IPv6 subscriber usually holds
 * a whole /64 (often more), so counting exact IPv6 addresses would let one host take 2^64 slots.
 * IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
public record SourceKey(Bytes prefix) {
    /** Bytes of an IPv6 address that name its subscriber's network. */
    static final int IPV6_PREFIX_BYTES = 8;

    public static SourceKey of(InetAddress address) {
        byte[] a = address.getAddress();
        if (address instanceof Inet6Address && !isMappedV4(a)) {
            return new SourceKey(Bytes.of(Arrays.copyOf(a, IPV6_PREFIX_BYTES)));
        }
        return new SourceKey(Bytes.of(address instanceof Inet4Address ? a : Arrays.copyOfRange(a, 12, 16)));
    }

    private static boolean isMappedV4(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    @Override
    public String toString() {
        return prefix.length() == 4 ? "ipv4 source" : "ipv6 /64 source";
    }
}
