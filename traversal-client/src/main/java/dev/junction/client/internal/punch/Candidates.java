package dev.junction.client.internal.punch;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A peer's direct-path candidates (PROTOCOL.md section 6.5): where the other side's probes might
 * reach this session socket. Carried inside the encrypted session, never through the relay in
 * the clear; their encoding is {@link dev.junction.wire.session.Candidates}.
 */
public final class Candidates {
    /** At most this many addresses are offered or accepted (the candidate list's limit). */
    public static final int MAX = dev.junction.wire.session.Candidates.MAX;

    private Candidates() {
    }

    /**
     * This socket's candidates: the address the relay saw (server-reflexive), then the host's own
     * addresses with the socket's port (link-local IPv6 left out).
     */
    public static List<InetSocketAddress> gather(InetSocketAddress local, InetSocketAddress reflexive) {
        Set<InetSocketAddress> out = new LinkedHashSet<>();
        if (reflexive != null) {
            out.add(reflexive);
        }
        if (!local.getAddress().isAnyLocalAddress()) {
            out.add(local);
        } else {
            try {
                for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    if (!n.isUp()) {
                        continue;
                    }
                    for (InetAddress a : Collections.list(n.getInetAddresses())) {
                        if (!(a instanceof Inet6Address && a.isLinkLocalAddress())) {
                            out.add(new InetSocketAddress(a, local.getPort()));
                        }
                    }
                }
            } catch (SocketException e) {
                // no host candidates; the reflexive one may do
            }
        }
        List<InetSocketAddress> list = new ArrayList<>(out);
        return list.size() > MAX ? list.subList(0, MAX) : list;
    }
}
