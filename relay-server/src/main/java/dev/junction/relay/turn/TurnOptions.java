package dev.junction.relay.turn;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * The operator's TURN settings ({@code junction.relay.turn}, documented in reference.conf).
 *
 * @param realm                    the realm of long-term credentials
 * @param relayedIp                the IP relayed sockets bind to and XOR-RELAYED-ADDRESS names
 * @param portMin                  lowest relayed port
 * @param portMax                  highest relayed port
 * @param maxLifetime              the longest lifetime an allocation is given (RFC 8656 suggests 3600 s)
 * @param allocationsTotal         allocations the relay holds at once
 * @param allocationsPerUser       allocations one REST user name may hold
 * @param allocationsPerSource     allocations one IPv4 address or IPv6 /64 may hold
 * @param permissionsPerAllocation distinct peer IPs one allocation may permit
 * @param channelsPerAllocation    channels one allocation may bind
 * @param bytesPerSecond           the bandwidth cap of one allocation, both directions together; 0: none
 * @param nonceLifetime            how long a nonce is good for
 * @param maxCredentialLifetime    REST user names expiring further ahead than this are refused
 * @param allowedPeers             peer blocks allowed although refused by default
 * @param deniedPeers              peer blocks refused besides the defaults
 */
public record TurnOptions(String realm, InetAddress relayedIp, int portMin, int portMax, Duration maxLifetime, int allocationsTotal,
                          int allocationsPerUser, int allocationsPerSource, int permissionsPerAllocation, int channelsPerAllocation,
                          long bytesPerSecond, Duration nonceLifetime, Duration maxCredentialLifetime, List<PeerPolicy.Cidr> allowedPeers,
                          List<PeerPolicy.Cidr> deniedPeers) {
    /** RFC 8656 section 7.2: the default allocation lifetime, also the shortest a request gets. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(600);
}
