package dev.junction.client;

/**
 * Which port mapping protocols the host's default gateway speaks ({@link NatCheck#portMapping()}).
 *
 * @param gateway the gateway asked (its IPv4 address), or null when the host has none the client can find
 *     (no default IPv4 route, or not Linux)
 * @param pcp it answered a PCP ANNOUNCE (RFC 6887)
 * @param natPmp it answered a NAT-PMP external address request (RFC 6886)
 * @param upnp an Internet gateway device answered an SSDP search (UPnP-IGD)
 */
public record PortMappingSupport(String gateway, boolean pcp, boolean natPmp, boolean upnp) {
}
