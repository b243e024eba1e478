package dev.junction.client.internal.portmap;

import dev.junction.wire.WireFormatException;
import dev.junction.wire.portmap.NatPmp;
import dev.junction.wire.portmap.Pcp;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Asks the gateway to map one UDP port (the session socket's) to a port of its public address: PCP
 * (RFC 6887) first, then NAT-PMP (RFC 6886), each tried twice with a 250 ms wait, then UPnP-IGD
 * (an SSDP search of 1.3 s, then SOAP requests of at most a second each), so discovery is over
 * within about four seconds and never holds up the relayed path. A mapping is renewed at half its
 * lifetime and deleted on {@link #close}. A gateway that offers no mapping, answers garbage or names
 * an unusable address is reported once ({@code onMapping(null)}) and not asked again until the
 * network changes (a new mapper). Its own thread, blocking sockets: nothing here touches the
 * client's event loop.
 */
public final class PortMapper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("junction.client.portmap");
    /** How long each request waits for the gateway's answer. */
    static final Duration TRY_TIMEOUT = Duration.ofMillis(250);
    /** Requests per protocol before moving on. */
    static final int TRIES = 2;
    /** The lifetime asked for; the gateway may grant less, and the mapper renews at half of what it granted. */
    static final long REQUESTED_LIFETIME_SECONDS = 7200;
    /** Renewals never come closer together than this, whatever lifetime a gateway grants. */
    static final long MIN_RENEW_SECONDS = 1;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A mapping the gateway granted: by which protocol ("pcp", "nat-pmp", "upnp"), where, for how long. */
    public record Mapping(String protocol, InetSocketAddress external, long lifetimeSeconds) {
    }

    private final InetAddress gateway;
    private final int internalPort;
    private final Consumer<Mapping> onMapping;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "junction-portmap");
        t.setDaemon(true);
        return t;
    });
    private final byte[] nonce = new byte[Pcp.NONCE_LENGTH];
    /** The mapping held now, or null; its thread only. */
    private Mapping current;
    /** The gateway's UPnP connection service once found (renewals and the delete go there); its thread only. */
    private Upnp.Service upnp;
    private volatile boolean closed;

    /**
     * A mapper for UDP port {@code internalPort} of this host, asking {@code gateway};
     * {@code onMapping} hears each mapping granted or renewed, and null once when there is none
     * (called on the mapper's thread).
     */
    public PortMapper(InetAddress gateway, int internalPort, Consumer<Mapping> onMapping) {
        this.gateway = gateway;
        this.internalPort = internalPort;
        this.onMapping = onMapping;
        RANDOM.nextBytes(nonce);
    }

    /** Starts asking, on the mapper's own thread. */
    public void start() {
        thread.execute(this::map);
    }

    private void map() {
        if (closed) {
            return;
        }
        StringBuilder why = new StringBuilder();
        Mapping m = pcp(REQUESTED_LIFETIME_SECONDS, why);
        if (m == null && !closed) {
            m = natPmp(REQUESTED_LIFETIME_SECONDS, why);
        }
        if (m == null && !closed) {
            m = upnp(REQUESTED_LIFETIME_SECONDS, why);
        }
        if (closed) {
            return;
        }
        if (m == null) {
            current = null;
            LOG.log(System.Logger.Level.INFO, "no usable port mapping from gateway {0} ({1}); staying on the other paths",
                    gateway.getHostAddress(), why.toString());
            onMapping.accept(null);
            return;
        }
        boolean fresh = current == null || !current.external().equals(m.external());
        current = m;
        if (fresh) {
            LOG.log(System.Logger.Level.INFO, "gateway {0} maps UDP port {1} to {2} ({3}, {4} s)", gateway.getHostAddress(),
                    String.valueOf(internalPort), m.external(), m.protocol(), String.valueOf(m.lifetimeSeconds()));
        }
        onMapping.accept(m);
        thread.schedule(this::map, Math.max(MIN_RENEW_SECONDS, m.lifetimeSeconds() / 2), TimeUnit.SECONDS);
    }

    /** PCP MAP for the port; null (and the reason appended to {@code why}) when there is no usable answer. */
    private Mapping pcp(long lifetime, StringBuilder why) {
        try (DatagramSocket s = socket()) {
            InetAddress client = s.getLocalAddress();
            InetAddress suggestedIp = current != null ? current.external().getAddress() : InetAddress.getByAddress(new byte[4]);
            int suggestedPort = current != null ? current.external().getPort() : internalPort;
            byte[] request = Pcp.mapRequest(client, nonce, Pcp.PROTOCOL_UDP, internalPort, suggestedPort, suggestedIp, lifetime);
            for (int i = 0; i < TRIES && !closed; i++) {
                byte[] answer = exchange(s, request);
                if (answer == null) {
                    continue;
                }
                if (answer.length >= 1 && answer[0] == NatPmp.VERSION) {
                    why.append("PCP: not spoken (the gateway answered as NAT-PMP)");
                    return null;
                }
                Pcp.Map r = Pcp.decode(answer, answer.length);
                if (!r.response() || !Arrays.equals(r.nonce(), nonce) || r.protocol() != Pcp.PROTOCOL_UDP || r.internalPort() != internalPort) {
                    continue; // not the answer to this request
                }
                if (!r.success()) {
                    why.append("PCP: refused, result ").append(r.result());
                    return null;
                }
                return usable("pcp", r.externalIp(), r.externalPort(), r.lifetimeSeconds(), why);
            }
            why.append("PCP: no answer");
            return null;
        } catch (IOException | WireFormatException e) {
            why.append("PCP: ").append(e.getMessage());
            return null;
        }
    }

    /** NAT-PMP: the external address, then a UDP mapping; null (and the reason appended) when there is no usable answer. */
    private Mapping natPmp(long lifetime, StringBuilder why) {
        why.append(why.length() > 0 ? "; " : "");
        try (DatagramSocket s = socket()) {
            NatPmp.Response address = null;
            for (int i = 0; i < TRIES && address == null && !closed; i++) {
                byte[] answer = exchange(s, NatPmp.externalAddressRequest());
                if (answer != null) {
                    NatPmp.Response r = NatPmp.decodeResponse(answer, answer.length);
                    if (r.opcode() == NatPmp.OP_EXTERNAL_ADDRESS) {
                        address = r;
                    }
                }
            }
            if (address == null) {
                why.append("NAT-PMP: no answer");
                return null;
            }
            if (!address.success()) {
                why.append("NAT-PMP: refused, result ").append(address.result());
                return null;
            }
            int suggested = current != null ? current.external().getPort() : internalPort;
            byte[] request = NatPmp.mapRequest(NatPmp.OP_MAP_UDP, internalPort, suggested, lifetime);
            for (int i = 0; i < TRIES && !closed; i++) {
                byte[] answer = exchange(s, request);
                if (answer == null) {
                    continue;
                }
                NatPmp.Response r = NatPmp.decodeResponse(answer, answer.length);
                if (r.opcode() != NatPmp.OP_MAP_UDP || r.success() && r.internalPort() != internalPort) {
                    continue;
                }
                if (!r.success()) {
                    why.append("NAT-PMP: refused, result ").append(r.result());
                    return null;
                }
                return usable("nat-pmp", address.external(), r.externalPort(), r.lifetimeSeconds(), why);
            }
            why.append("NAT-PMP: no answer to the mapping request");
            return null;
        } catch (IOException | WireFormatException e) {
            why.append("NAT-PMP: ").append(e.getMessage());
            return null;
        }
    }

    /** UPnP error codes (IGD WANIPConnection): the port is mapped to another client; only permanent leases. */
    static final int CONFLICT_IN_MAPPING_ENTRY = 718;
    static final int ONLY_PERMANENT_LEASES = 725;

    /**
     * UPnP-IGD: the gateway's connection service (found once), its external address, and an
     * AddPortMapping of the session port, on the same port number if free (another on a conflict);
     * null (and the reason appended) when there is no usable mapping.
     */
    private Mapping upnp(long lifetime, StringBuilder why) {
        why.append(why.length() > 0 ? "; " : "");
        try {
            if (upnp == null) {
                upnp = Upnp.discover(gateway).orElse(null);
            }
            if (upnp == null) {
                why.append("UPnP: no Internet gateway device answered");
                return null;
            }
            InetAddress client;
            try (DatagramSocket s = socket()) {
                client = s.getLocalAddress();
            }
            InetAddress external = Upnp.externalIp(upnp);
            int port = current != null ? current.external().getPort() : internalPort;
            long lease = lifetime;
            for (int attempt = 0; ; attempt++) {
                try {
                    Upnp.addPortMapping(upnp, port, client, internalPort, lease);
                    break;
                } catch (Upnp.Fault f) {
                    if (f.code == ONLY_PERMANENT_LEASES && lease != 0) {
                        lease = 0; // renewed at half the asked lifetime all the same, and deleted on close
                    } else if (f.code == CONFLICT_IN_MAPPING_ENTRY && attempt < 2) {
                        port = 1024 + RANDOM.nextInt(65535 - 1024);
                    } else {
                        throw f;
                    }
                }
            }
            return usable("upnp", external, port, lifetime, why);
        } catch (IOException e) {
            why.append("UPnP: ").append(e.getMessage());
            return null;
        }
    }

    /** The mapping, or null when what the gateway named cannot be a public address of it. */
    private static Mapping usable(String protocol, InetAddress ip, int port, long lifetime, StringBuilder why) {
        if (ip == null || ip.isAnyLocalAddress() || ip.isLoopbackAddress() || ip.isMulticastAddress() || ip.isLinkLocalAddress()
                || port == 0 || lifetime == 0) {
            why.append(protocol).append(": an unusable mapping (").append(ip == null ? "no address" : ip.getHostAddress()).append(':')
                    .append(port).append(", ").append(lifetime).append(" s)");
            return null;
        }
        return new Mapping(protocol, new InetSocketAddress(ip, port), lifetime);
    }

    private DatagramSocket socket() throws IOException {
        return socket(gateway, (int) TRY_TIMEOUT.toMillis());
    }

    /** A UDP socket connected to the gateway's PCP/NAT-PMP port (only its answers get through), waiting {@code timeoutMillis} per receive. */
    static DatagramSocket socket(InetAddress gateway, int timeoutMillis) throws IOException {
        DatagramSocket s = new DatagramSocket();
        s.connect(new InetSocketAddress(gateway, NatPmp.PORT));
        s.setSoTimeout(timeoutMillis);
        return s;
    }

    /** Sends {@code request} and waits one timeout for an answer from the gateway's port; null if none came. */
    static byte[] exchange(DatagramSocket s, byte[] request) throws IOException {
        s.send(new DatagramPacket(request, request.length));
        byte[] buf = new byte[1100];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            s.receive(p); // connected: only the gateway's port 5351 gets through
            return Arrays.copyOf(buf, p.getLength());
        } catch (SocketTimeoutException e) {
            return null;
        } catch (java.net.PortUnreachableException e) {
            return null; // nothing listens there: the same as no answer
        }
    }

    /** Stops renewing and deletes the mapping from the gateway (one request, within a second). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            thread.submit(this::delete).get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the gateway lets the mapping expire
        }
        thread.shutdownNow();
    }

    private void delete() {
        Mapping m = current;
        current = null;
        if (m == null) {
            return;
        }
        if (m.protocol().equals("upnp")) {
            try {
                Upnp.deletePortMapping(upnp, m.external().getPort());
                LOG.log(System.Logger.Level.INFO, "gateway {0}: mapping {1} deleted", gateway.getHostAddress(), m.external());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "deleting the mapping failed: {0}", e.getMessage());
            }
            return;
        }
        try (DatagramSocket s = socket()) {
            byte[] request = m.protocol().equals("pcp")
                    ? Pcp.mapRequest(s.getLocalAddress(), nonce, Pcp.PROTOCOL_UDP, internalPort, 0, InetAddress.getByAddress(new byte[4]), 0)
                    : NatPmp.mapRequest(NatPmp.OP_MAP_UDP, internalPort, 0, 0);
            exchange(s, request);
            LOG.log(System.Logger.Level.INFO, "gateway {0}: mapping {1} deleted", gateway.getHostAddress(), m.external());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "deleting the mapping failed: {0}", e.getMessage());
        }
    }
}
