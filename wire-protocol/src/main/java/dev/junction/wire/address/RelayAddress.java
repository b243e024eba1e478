package dev.junction.wire.address;

import dev.junction.wire.WireFormatException;
import dev.junction.wire.identity.PeerId;

/**
 * Where a relay's control channel is and which key it must prove, as one multiaddr string:
 * <pre>
 * /ip4/203.0.113.10/tcp/5349/tls/p2p/z12D3KooW…
 * /ip6/2001:db8::10/tcp/443/tls/p2p/z12D3KooW…
 * /dns/relay.example.net/tcp/443/tls/p2p/z12D3KooW…
 * </pre>
 * The {@code p2p} component is the relay's PeerId: the client accepts only a TLS certificate that
 * carries that key (the pin). The relay tells its UDP port after login.
 */
public record RelayAddress(String host, int port, PeerId relayId) {
    public RelayAddress {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("empty host");
        }
    }

    /** Parses the multiaddr form; the message names what is wrong and what was expected. */
    public static RelayAddress parse(String text) {
        String[] p = text.strip().split("/", -1);
        if (p.length != 8 || !p[0].isEmpty() || !p[3].equals("tcp") || !p[5].equals("tls") || !p[6].equals("p2p")) {
            throw new WireFormatException("a relay address looks like /ip4/IP/tcp/PORT/tls/p2p/PEERID, not '" + text + "'");
        }
        if (!p[1].equals("ip4") && !p[1].equals("ip6") && !p[1].equals("dns")) {
            throw new WireFormatException("relay address: expected ip4, ip6 or dns, not '" + p[1] + "'");
        }
        int port;
        try {
            port = Integer.parseInt(p[4]);
        } catch (NumberFormatException e) {
            throw new WireFormatException("relay address: '" + p[4] + "' is not a port number");
        }
        // A blank host (found by fuzzing: "\u001d" is whitespace) would fail the constructor's own check.
        if (port < 1 || port > 65535 || p[2].isBlank() || p[2].chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            throw new WireFormatException("relay address: bad host or port in '" + text + "'");
        }
        return new RelayAddress(p[2], port, PeerId.parse(p[7]));
    }

    @Override
    public String toString() {
        String proto = host.contains(":") ? "ip6" : host.matches("[0-9.]+") ? "ip4" : "dns";
        return "/" + proto + "/" + host + "/tcp/" + port + "/tls/p2p/" + relayId;
    }
}
