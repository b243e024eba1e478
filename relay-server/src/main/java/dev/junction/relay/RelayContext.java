package dev.junction.relay;

import dev.junction.relay.admission.Admission;
import dev.junction.relay.circuit.CircuitTable;
import dev.junction.relay.config.RelayConfig;
import dev.junction.relay.fleet.Mesh;
import dev.junction.relay.circuit.Forwarder;
import dev.junction.relay.metrics.RelayMetrics;
import dev.junction.relay.reservation.ReservationRegistry;
import dev.junction.wire.identity.Identity;
import java.time.Clock;
import java.time.Duration;

/**
 * What every connection handler of one relay shares. Built once by {@link RelayServer}.
 *
 * @param limits  the configured limits (send queue, request rate, write timeout)
 * @param udpPort the relay's primary UDP port, told to clients in LOGIN_OK
 * @param mesh    the relay's fleet links and routing, or null when it runs alone
 * @param endorsement the relay's previous key vouching for this one (sent in CHALLENGE to clients
 *                    that follow rotations until it expires), or null
 * @param udpAddresses the relay's primary UDP address in each family it binds a specific IP of (a
 *                    dual-stack client is told those of its other families in LOGIN_OK)
 */
public record RelayContext(
        Identity identity,
        Admission admission,
        ReservationRegistry reservations,
        CircuitTable circuits,
        Forwarder forwarder,
        RelayMetrics metrics,
        Clock clock,
        Duration reservationLifetime,
        Duration keepalive,
        Duration unauthenticatedTimeout,
        RelayConfig.Limits limits,
        int udpPort,
        Mesh mesh,
        dev.junction.wire.control.KeyEndorsement endorsement,
        java.util.List<java.net.InetSocketAddress> udpAddresses) {
}
