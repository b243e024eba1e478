package dev.junction.client.internal.net;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Notices when the host's addresses change: an interface going down or up, an address removed or
 * added (Wi-Fi to cellular, DHCP, a second uplink). It polls the interfaces every
 * {@value #PERIOD_MILLIS} ms on its own daemon thread (the listing is a netlink dump, kept off the
 * I/O thread) and reports the new set of usable addresses.
 */
public final class NetworkWatcher implements AutoCloseable {
    public static final long PERIOD_MILLIS = 500;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "junction-netwatch");
        t.setDaemon(true);
        return t;
    });
    private Set<InetAddress> last;

    /** Starts watching; {@code changed} gets each new address set (on the watcher's thread). */
    public NetworkWatcher(Consumer<Set<InetAddress>> changed) {
        last = addresses();
        timer.scheduleWithFixedDelay(() -> {
            Set<InetAddress> now = addresses();
            if (now != null && !now.equals(last)) {
                last = now;
                changed.accept(now);
            }
        }, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Addresses of interfaces that are up, loopback and IPv6 link-local left out; null if the listing failed. */
    public static Set<InetAddress> addresses() {
        Set<InetAddress> out = new HashSet<>();
        try {
            for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!n.isUp() || n.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(n.getInetAddresses())) {
                    if (!(a instanceof Inet6Address && a.isLinkLocalAddress())) {
                        out.add(a);
                    }
                }
            }
        } catch (SocketException e) {
            return null; // an interface vanished while listed: the next poll sees the settled state
        }
        return out;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
