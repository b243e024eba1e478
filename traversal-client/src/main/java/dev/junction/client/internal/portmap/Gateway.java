package dev.junction.client.internal.portmap;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The host's default IPv4 gateway, the router a port mapping is asked of. Read from Linux's
 * {@code /proc/net/route} (the kernel's routing table: the route whose destination and mask are 0);
 * elsewhere there is none, and the client asks no one.
 */
public final class Gateway {
    static final Path ROUTES = Path.of("/proc/net/route");

    private Gateway() {
    }

    /** The default IPv4 gateway, if the host has one and runs Linux. */
    public static Optional<Inet4Address> defaultIpv4() {
        try {
            return Files.isReadable(ROUTES) ? parse(Files.readAllLines(ROUTES)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The gateway of the first default route in {@code /proc/net/route}'s lines: columns Iface,
     * Destination, Gateway, Flags, ..., Mask, hex in host (little-endian) byte order.
     */
    static Optional<Inet4Address> parse(List<String> lines) {
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 8 || !f[1].equals("00000000") || !f[7].equals("00000000") || f[2].equals("00000000")) {
                continue;
            }
            try {
                long v = Long.parseLong(f[2], 16);
                byte[] ip = {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
                InetAddress a = InetAddress.getByAddress(ip);
                if (a instanceof Inet4Address v4) {
                    return Optional.of(v4);
                }
            } catch (NumberFormatException | UnknownHostException e) {
                // a line we do not understand: look at the next
            }
        }
        return Optional.empty();
    }
}
