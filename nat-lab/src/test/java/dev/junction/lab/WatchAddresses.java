package dev.junction.lab;

import dev.junction.client.internal.net.NetworkWatcher;
import java.net.InetAddress;
import java.util.TreeSet;

/** Runs the client's NetworkWatcher in a namespace and prints each address set it reports, for 60 s at most. */
public final class WatchAddresses {
    private WatchAddresses() {
    }

    public static void main(String[] args) throws Exception {
        try (NetworkWatcher w = new NetworkWatcher(now -> {
            TreeSet<String> sorted = new TreeSet<>();
            for (InetAddress a : now) {
                sorted.add(a.getHostAddress());
            }
            System.out.println("changed " + sorted);
            System.out.flush();
        })) {
            System.out.println("watching");
            System.out.flush();
            Thread.sleep(60_000);
        }
    }
}
