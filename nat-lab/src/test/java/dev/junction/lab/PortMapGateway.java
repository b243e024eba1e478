package dev.junction.lab;

import dev.junction.wire.WireFormatException;
import dev.junction.wire.portmap.NatPmp;
import dev.junction.wire.portmap.Pcp;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A home router's port mapping service for the lab: PCP MAP (RFC 6887) and NAT-PMP (RFC 6886) on
 * UDP port 5351 of the router's LAN address, each mapping installed as real nftables rules in the
 * router's namespace (DNAT of the public port to the host, and SNAT of the host's port to it, as a
 * router's mapping is endpoint-independent), removed when deleted or expired. Run inside the router
 * namespace: {@code PortMapGateway LAN_IP PUBLIC_IP MAX_LIFETIME_S MODE}, MODE one of {@code ok}
 * (both protocols), {@code natpmp} (NAT-PMP only: PCP requests get a version 0 answer),
 * {@code garbage} (answers random bytes), {@code lie} (grants mappings on 0.0.0.0, its external
 * address by both protocols), {@code upnp} (UPnP-IGD only: answers SSDP searches on the LAN, serves
 * its device description and a WANIPConnection:1 control URL over HTTP on the LAN address, and is
 * silent on 5351). Exits after
 * an hour at most. Prints one line per event, which the tests read:
 * {@code mapped HOST:PORT -> PUBLIC:PORT (PROTOCOL, N s)}, {@code deleted ...}, {@code expired ...}.
 */
public final class PortMapGateway {
    private record Mapping(InetSocketAddress internal, int external, long expiresNanos, String protocol) {
    }

    private final InetAddress publicIp;
    private final long maxLifetime;
    private final String mode;
    private final long epochStart = System.nanoTime();
    private final Map<InetSocketAddress, Mapping> mappings = new LinkedHashMap<>();

    private PortMapGateway(InetAddress publicIp, long maxLifetime, String mode) {
        this.publicIp = publicIp;
        this.maxLifetime = maxLifetime;
        this.mode = mode;
    }

    public static void main(String[] args) throws Exception {
        PortMapGateway g = new PortMapGateway(InetAddress.getByName(args[1]), Long.parseLong(args[2]), args[3]);
        g.nft("add table ip portmap; add chain ip portmap pre { type nat hook prerouting priority dstnat - 10; };"
                + " add chain ip portmap post { type nat hook postrouting priority srcnat - 10; }");
        if (args[3].equals("upnp")) {
            g.upnp(InetAddress.getByName(args[0]));
        }
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(args[0]), NatPmp.PORT))) {
            s.setSoTimeout(200);
            System.out.println("portmap gateway ready on " + args[0] + ":" + NatPmp.PORT + " (" + args[3] + ")");
            long end = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
            byte[] buf = new byte[1100];
            while (System.nanoTime() < end) {
                g.expire();
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                byte[] answer = g.answer(buf, p.getLength(), (InetSocketAddress) p.getSocketAddress());
                if (answer != null) {
                    s.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                }
            }
        }
    }

    private long epoch() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - epochStart);
    }

    private byte[] answer(byte[] b, int length, InetSocketAddress from) throws IOException, InterruptedException {
        if (mode.equals("upnp")) {
            return null; // speaks UPnP only
        }
        if (mode.equals("garbage")) {
            byte[] junk = new byte[1 + ThreadLocalRandom.current().nextInt(80)];
            ThreadLocalRandom.current().nextBytes(junk);
            return junk;
        }
        try {
            if (length > 0 && b[0] == Pcp.VERSION) {
                if (mode.equals("natpmp")) {
                    return NatPmp.errorResponse(b.length > 1 ? b[1] & 0x7f : 0, NatPmp.UNSUPPORTED_VERSION, epoch());
                }
                return pcp(Pcp.decode(b, length), from);
            }
            NatPmp.MapRequest r = NatPmp.decodeRequest(b, length);
            if (r == null) {
                Inet4Address named = (Inet4Address) (mode.equals("lie") ? InetAddress.getByAddress(new byte[4]) : publicIp);
                return NatPmp.externalAddressResponse(NatPmp.SUCCESS, epoch(), named);
            }
            InetSocketAddress internal = new InetSocketAddress(from.getAddress(), r.internalPort());
            if (r.lifetimeSeconds() == 0) {
                delete(internal);
                return NatPmp.mapResponse(r.opcode(), NatPmp.SUCCESS, epoch(), r.internalPort(), 0, 0);
            }
            Mapping m = map(internal, r.suggestedExternalPort(), r.lifetimeSeconds(), "nat-pmp");
            return NatPmp.mapResponse(r.opcode(), NatPmp.SUCCESS, epoch(), r.internalPort(), m.external(), granted(r.lifetimeSeconds()));
        } catch (WireFormatException e) {
            System.out.println("malformed request from " + from + ": " + e.getMessage());
            return null;
        }
    }

    private byte[] pcp(Pcp.Map r, InetSocketAddress from) throws IOException, InterruptedException {
        if (r.response()) {
            return null;
        }
        if (!r.client().equals(from.getAddress())) {
            return Pcp.mapResponse(12, 0, epoch(), r.nonce(), r.protocol(), r.internalPort(), 0, r.externalIp()); // ADDRESS_MISMATCH
        }
        InetSocketAddress internal = new InetSocketAddress(from.getAddress(), r.internalPort());
        if (r.lifetimeSeconds() == 0) {
            delete(internal);
            return Pcp.mapResponse(Pcp.SUCCESS, 0, epoch(), r.nonce(), r.protocol(), r.internalPort(), 0, publicIp);
        }
        Mapping m = map(internal, r.externalPort(), r.lifetimeSeconds(), "pcp");
        InetAddress named = mode.equals("lie") ? InetAddress.getByAddress(new byte[4]) : publicIp;
        return Pcp.mapResponse(Pcp.SUCCESS, granted(r.lifetimeSeconds()), epoch(), r.nonce(), r.protocol(), r.internalPort(), m.external(),
                named);
    }

    private long granted(long requested) {
        return Math.min(requested, maxLifetime);
    }

    /** Maps (or renews) {@code internal}, on its suggested port when that is free. */
    private synchronized Mapping map(InetSocketAddress internal, int suggested, long lifetime, String protocol)
            throws IOException, InterruptedException {
        Mapping old = mappings.get(internal);
        int port = old != null ? old.external() : suggested;
        if (old == null && (port < 1024 || mappings.values().stream().anyMatch(m -> m.external() == suggested))) {
            port = 20000 + ThreadLocalRandom.current().nextInt(20000);
        }
        Mapping m = new Mapping(internal, port, System.nanoTime() + TimeUnit.SECONDS.toNanos(granted(lifetime)), protocol);
        mappings.put(internal, m);
        if (old == null) {
            install();
            System.out.println("mapped " + hostPort(internal) + " -> " + publicIp.getHostAddress() + ":" + port + " (" + protocol + ", "
                    + granted(lifetime) + " s)");
        } else {
            System.out.println("renewed " + hostPort(internal) + " -> " + publicIp.getHostAddress() + ":" + port + " (" + protocol + ", "
                    + granted(lifetime) + " s)");
        }
        return m;
    }

    private synchronized void delete(InetSocketAddress internal) throws IOException, InterruptedException {
        Mapping m = mappings.remove(internal);
        if (m != null) {
            install();
            System.out.println("deleted " + hostPort(internal) + " -> " + publicIp.getHostAddress() + ":" + m.external());
        }
    }

    private synchronized void expire() throws IOException, InterruptedException {
        long now = System.nanoTime();
        List<Mapping> gone = new ArrayList<>();
        mappings.values().removeIf(m -> now - m.expiresNanos() > 0 && gone.add(m));
        if (!gone.isEmpty()) {
            install();
            gone.forEach(m -> System.out.println("expired " + hostPort(m.internal()) + " -> " + publicIp.getHostAddress() + ":" + m.external()));
        }
    }

    /** Rewrites the router's mapping rules from the mappings held now. */
    private void install() throws IOException, InterruptedException {
        StringBuilder rules = new StringBuilder("flush chain ip portmap pre; flush chain ip portmap post;");
        for (Mapping m : mappings.values()) {
            String host = m.internal().getAddress().getHostAddress();
            int in = m.internal().getPort();
            rules.append(" add rule ip portmap pre iifname \"wan\" udp dport ").append(m.external()).append(" dnat to ").append(host)
                    .append(':').append(in).append(';');
            rules.append(" add rule ip portmap post oifname \"wan\" ip saddr ").append(host).append(" udp sport ").append(in)
                    .append(" snat to ").append(publicIp.getHostAddress()).append(':').append(m.external()).append(';');
        }
        nft(rules.toString());
    }

    // ---- UPnP-IGD ------------------------------------------------------------------------------

    static final String IGD = "urn:schemas-upnp-org:device:InternetGatewayDevice:1";
    static final String WAN_IP = "urn:schemas-upnp-org:service:WANIPConnection:1";

    /** Starts the SSDP responder (multicast on the LAN) and the HTTP server (description and control) on {@code lan}. */
    private void upnp(InetAddress lan) throws IOException {
        com.sun.net.httpserver.HttpServer http = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(lan, 0), 8);
        String base = "http://" + lan.getHostAddress() + ":" + http.getAddress().getPort();
        http.createContext("/rootDesc.xml", x -> reply(x, 200, description()));
        http.createContext("/ctl/IPConn", this::control);
        http.start();
        java.net.MulticastSocket ssdp = new java.net.MulticastSocket(new InetSocketAddress(1900));
        ssdp.joinGroup(new InetSocketAddress("239.255.255.250", 1900), java.net.NetworkInterface.getByName("lan"));
        Thread t = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (true) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    ssdp.receive(p);
                    String text = new String(buf, 0, p.getLength(), java.nio.charset.StandardCharsets.US_ASCII);
                    if (text.startsWith("M-SEARCH") && text.contains("ssdp:discover")) {
                        byte[] answer = ("HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nEXT:\r\nST: " + IGD + "\r\nUSN: uuid:"
                                + "3d3cec3a-8cf0-11e0-98ee-001a6bd2d07b::" + IGD + "\r\nSERVER: Linux UPnP/1.1 junction-lab/1\r\nLOCATION: " + base
                                + "/rootDesc.xml\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
                        ssdp.send(new DatagramPacket(answer, answer.length, p.getSocketAddress()));
                        System.out.println("ssdp search from " + p.getAddress().getHostAddress());
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }, "ssdp");
        t.setDaemon(true);
        t.start();
    }

    private static String description() {
        return "<?xml version=\"1.0\"?><root xmlns=\"urn:schemas-upnp-org:device-1-0\"><specVersion><major>1</major><minor>1</minor>"
                + "</specVersion><device><deviceType>" + IGD + "</deviceType><friendlyName>junction lab router</friendlyName><deviceList>"
                + "<device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType><deviceList><device><deviceType>"
                + "urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType><serviceList><service><serviceType>" + WAN_IP
                + "</serviceType><serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId><controlURL>/ctl/IPConn</controlURL>"
                + "<eventSubURL>/evt/IPConn</eventSubURL><SCPDURL>/WANIPCn.xml</SCPDURL></service></serviceList></device>"
                + "</deviceList></device></deviceList></device></root>";
    }

    /** One SOAP action on the connection service: GetExternalIPAddress, AddPortMapping, DeletePortMapping. */
    private void control(com.sun.net.httpserver.HttpExchange x) throws IOException {
        String action = String.valueOf(x.getRequestHeaders().getFirst("SOAPAction")).replaceAll(".*#([A-Za-z]+).*", "$1");
        String body = new String(x.getRequestBody().readNBytes(65536), java.nio.charset.StandardCharsets.UTF_8);
        InetAddress from = x.getRemoteAddress().getAddress();
        try {
            switch (action) {
                case "GetExternalIPAddress" -> reply(x, 200, envelope(action, "<NewExternalIPAddress>" + publicIp.getHostAddress()
                        + "</NewExternalIPAddress>"));
                case "AddPortMapping" -> {
                    int external = Integer.parseInt(arg(body, "NewExternalPort"));
                    InetSocketAddress internal = new InetSocketAddress(InetAddress.getByName(arg(body, "NewInternalClient")),
                            Integer.parseInt(arg(body, "NewInternalPort")));
                    long lease = Long.parseLong(arg(body, "NewLeaseDuration"));
                    boolean taken;
                    synchronized (this) {
                        taken = mappings.values().stream().anyMatch(m -> m.external() == external && !m.internal().equals(internal));
                    }
                    if (!internal.getAddress().equals(from)) {
                        reply(x, 500, fault(606, "Action not authorized")); // secure mode: a client maps only itself
                    } else if (taken) {
                        reply(x, 500, fault(718, "ConflictInMappingEntry"));
                    } else {
                        map(internal, external, lease == 0 ? maxLifetime : lease, "upnp");
                        reply(x, 200, envelope(action, ""));
                    }
                }
                case "DeletePortMapping" -> {
                    int external = Integer.parseInt(arg(body, "NewExternalPort"));
                    InetSocketAddress internal;
                    synchronized (this) {
                        internal = mappings.values().stream().filter(m -> m.external() == external).map(Mapping::internal).findFirst()
                                .orElse(null);
                    }
                    if (internal == null) {
                        reply(x, 500, fault(714, "NoSuchEntryInArray"));
                    } else {
                        delete(internal);
                        reply(x, 200, envelope(action, ""));
                    }
                }
                default -> reply(x, 500, fault(401, "Invalid Action"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply(x, 500, fault(501, "Action Failed"));
        } catch (RuntimeException e) {
            reply(x, 500, fault(402, "Invalid Args"));
        }
    }

    private static String arg(String body, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<" + name + ">([^<]*)</" + name + ">").matcher(body);
        if (!m.find()) {
            throw new IllegalArgumentException("no " + name);
        }
        return m.group(1).strip();
    }

    private static String envelope(String action, String content) {
        return "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" s:encodingStyle="
                + "\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:" + action + "Response xmlns:u=\"" + WAN_IP + "\">" + content
                + "</u:" + action + "Response></s:Body></s:Envelope>";
    }

    private static String fault(int code, String description) {
        return "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" s:encodingStyle="
                + "\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError"
                + "</faultstring><detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\"><errorCode>" + code + "</errorCode>"
                + "<errorDescription>" + description + "</errorDescription></UPnPError></detail></s:Fault></s:Body></s:Envelope>";
    }

    private static void reply(com.sun.net.httpserver.HttpExchange x, int status, String xml) throws IOException {
        byte[] b = xml.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "text/xml; charset=\"utf-8\"");
        x.sendResponseHeaders(status, b.length);
        try (java.io.OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    private void nft(String rules) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("nft", rules).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("nft failed: " + out);
        }
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
