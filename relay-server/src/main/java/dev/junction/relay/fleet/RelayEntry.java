package dev.junction.relay.fleet;

import dev.junction.wire.WireFormatException;
import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.identity.PeerId;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * A relay of the fleet as the directory lists it: its identity, where its control (TLS) and UDP
 * ports are, its region and how many reservations it holds. Written by the relay itself at every
 * heartbeat; the text form is {@code relay host control-port udp-port region reservations},
 * space-separated, sealed with the fleet secret.
 */
public record RelayEntry(PeerId relay, String host, int controlPort, int udpPort, String region, int reservations) {

    /** Where clients and other relays log in to it. */
    public RelayAddress address() {
        return new RelayAddress(host, controlPort, relay);
    }

    public InetSocketAddress control() {
        return new InetSocketAddress(host, controlPort);
    }

    String encode() {
        return relay + " " + host + " " + controlPort + " " + udpPort + " " + region + " " + reservations;
    }

    /** The entry {@code text} describes, or empty when it is not one (a relay of a newer version may add fields). */
    static Optional<RelayEntry> decode(String text) {
        String[] f = text.split(" ");
        if (f.length < 6) {
            return Optional.empty();
        }
        try {
            return Optional.of(new RelayEntry(PeerId.parse(f[0]), f[1], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[4],
                    Integer.parseInt(f[5])));
        } catch (WireFormatException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
