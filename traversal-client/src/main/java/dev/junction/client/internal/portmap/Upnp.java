package dev.junction.client.internal.portmap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * The little of UPnP-IGD a port mapping needs (UPnP Device Architecture 1.1; IGD's WANIPConnection
 * and WANPPPConnection services): an SSDP search for the gateway, its device description for the
 * connection service's control URL, and three SOAP actions, GetExternalIPAddress, AddPortMapping and
 * DeletePortMapping. Only the default gateway is believed: an answer from another host, or a
 * control URL on another host, is ignored, so a device on the LAN cannot steer the client's
 * requests elsewhere. Every wait is bounded; bodies are capped at {@value #MAX_BODY} bytes and the
 * XML parser reads no DOCTYPE (no external entities).
 *
 * <p>Why not a library: jupnp is a whole UPnP stack (its own HTTP server and thread pools) for three
 * requests, and the PCP and NAT-PMP clients beside this one are already the project's own.
 */
final class Upnp {
    /** How long SSDP answers are waited for (they come within MX = 1 s, spread at random). */
    static final int SSDP_WAIT_MILLIS = 1300;
    /** Connect and read limit of each HTTP request to the gateway. */
    static final int HTTP_TIMEOUT_MILLIS = 1000;
    /** Descriptions and SOAP answers larger than this are refused. */
    static final int MAX_BODY = 64 << 10;
    static final String[] SERVICES = {"urn:schemas-upnp-org:service:WANIPConnection:2", "urn:schemas-upnp-org:service:WANIPConnection:1",
        "urn:schemas-upnp-org:service:WANPPPConnection:1"};

    /** A gateway's connection service: where to send SOAP actions, and which service type they name. */
    record Service(URI control, String type) {
    }

    /** A SOAP action failed: the gateway's UPnP error code (0 when it sent none) and what it said. */
    static final class Fault extends IOException {
        final int code;

        Fault(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    private Upnp() {
    }

    /**
     * Searches the LAN for an Internet gateway device that is {@code gateway} and reads its
     * connection service from the description; empty when none answers in time or it has none.
     */
    static Optional<Service> discover(InetAddress gateway) {
        Service[] found = new Service[1];
        search((from, answer) -> {
            if (!from.equals(gateway)) {
                return false; // only the default gateway maps the session port
            }
            String location = header(answer, "location");
            try {
                found[0] = location == null ? null : service(URI.create(location.strip()), gateway).orElse(null);
            } catch (IOException | IllegalArgumentException e) {
                found[0] = null; // a bad LOCATION or description: not this one
            }
            return found[0] != null;
        });
        return Optional.ofNullable(found[0]);
    }

    /**
     * Sends an SSDP M-SEARCH for an Internet gateway device on the LAN and hands each answer (its
     * sender and text) to {@code done} until it returns true or {@value #SSDP_WAIT_MILLIS} ms pass;
     * true when {@code done} did. No multicast route means no answer.
     */
    static boolean search(java.util.function.BiPredicate<InetAddress, String> done) {
        String search = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: "
                + GatewayProbe.IGD + "\r\n\r\n";
        byte[] request = search.getBytes(StandardCharsets.US_ASCII);
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(100);
            s.send(new DatagramPacket(request, request.length, GatewayProbe.SSDP));
            long deadline = System.nanoTime() + SSDP_WAIT_MILLIS * 1_000_000L;
            byte[] buf = new byte[2048];
            while (System.nanoTime() < deadline) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    continue;
                }
                if (done.test(p.getAddress(), new String(buf, 0, p.getLength(), StandardCharsets.US_ASCII))) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** The connection service of the device described at {@code location}, which must be on {@code gateway}. */
    static Optional<Service> service(URI location, InetAddress gateway) throws IOException {
        if (!onGateway(location, gateway)) {
            return Optional.empty();
        }
        HttpURLConnection c = open(location);
        Document d = parse(read(c));
        NodeList services = d.getElementsByTagNameNS("*", "service");
        for (String wanted : SERVICES) {
            for (int i = 0; i < services.getLength(); i++) {
                Element e = (Element) services.item(i);
                if (wanted.equals(text(e, "serviceType"))) {
                    String control = text(e, "controlURL");
                    if (control == null) {
                        continue;
                    }
                    URI url = location.resolve(control.strip());
                    if (onGateway(url, gateway)) {
                        return Optional.of(new Service(url, wanted));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The gateway's external IPv4 address. */
    static InetAddress externalIp(Service s) throws IOException {
        Document d = soap(s, "GetExternalIPAddress", "");
        String ip = text(d.getDocumentElement(), "NewExternalIPAddress");
        if (ip == null || !ip.strip().matches("[0-9.]+")) {
            throw new IOException("no external address in the answer");
        }
        return InetAddress.getByName(ip.strip());
    }

    /** Maps UDP {@code externalPort} of the gateway to {@code client}:{@code internalPort} for {@code leaseSeconds} (0: permanent). */
    static void addPortMapping(Service s, int externalPort, InetAddress client, int internalPort, long leaseSeconds) throws IOException {
        soap(s, "AddPortMapping", "<NewRemoteHost></NewRemoteHost><NewExternalPort>" + externalPort + "</NewExternalPort>"
                + "<NewProtocol>UDP</NewProtocol><NewInternalPort>" + internalPort + "</NewInternalPort><NewInternalClient>"
                + client.getHostAddress() + "</NewInternalClient><NewEnabled>1</NewEnabled><NewPortMappingDescription>junction"
                + "</NewPortMappingDescription><NewLeaseDuration>" + leaseSeconds + "</NewLeaseDuration>");
    }

    static void deletePortMapping(Service s, int externalPort) throws IOException {
        soap(s, "DeletePortMapping", "<NewRemoteHost></NewRemoteHost><NewExternalPort>" + externalPort
                + "</NewExternalPort><NewProtocol>UDP</NewProtocol>");
    }

    /** Sends one SOAP action and returns the answer; a SOAP fault becomes a {@link Fault} with the UPnP error code. */
    private static Document soap(Service s, String action, String arguments) throws IOException {
        String body = "<?xml version=\"1.0\"?>\r\n<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
                + "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:" + action + " xmlns:u=\"" + s.type() + "\">"
                + arguments + "</u:" + action + "></s:Body></s:Envelope>\r\n";
        HttpURLConnection c = open(s.control());
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "text/xml; charset=\"utf-8\"");
        c.setRequestProperty("SOAPAction", "\"" + s.type() + "#" + action + "\"");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        c.setFixedLengthStreamingMode(bytes.length);
        c.getOutputStream().write(bytes);
        int status = c.getResponseCode();
        if (status != 200) {
            InputStream err = c.getErrorStream();
            byte[] fault = err == null ? new byte[0] : err.readNBytes(MAX_BODY);
            int code = 0;
            String description = "HTTP " + status;
            try {
                Document d = parse(fault);
                String errorCode = text(d.getDocumentElement(), "errorCode");
                code = errorCode == null ? 0 : Integer.parseInt(errorCode.strip());
                String text = text(d.getDocumentElement(), "errorDescription");
                description = "UPnP error " + code + (text == null ? "" : " " + text.strip());
            } catch (IOException | NumberFormatException e) {
                // not a SOAP fault: the HTTP status says it
            }
            throw new Fault(code, action + ": " + description);
        }
        return parse(read(c));
    }

    private static HttpURLConnection open(URI url) throws IOException {
        if (!"http".equals(url.getScheme())) {
            throw new IOException("not an http URL: " + url);
        }
        HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection(java.net.Proxy.NO_PROXY);
        c.setConnectTimeout(HTTP_TIMEOUT_MILLIS);
        c.setReadTimeout(HTTP_TIMEOUT_MILLIS);
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        return c;
    }

    private static byte[] read(HttpURLConnection c) throws IOException {
        if (c.getResponseCode() != 200) {
            throw new IOException("HTTP " + c.getResponseCode() + " from " + c.getURL());
        }
        try (InputStream in = c.getInputStream()) {
            byte[] b = in.readNBytes(MAX_BODY + 1);
            if (b.length > MAX_BODY) {
                throw new IOException("answer larger than " + MAX_BODY + " bytes");
            }
            return b;
        }
    }

    /** Parses XML with DOCTYPEs refused, so no entity (external or expanding) is ever read. */
    static Document parse(byte[] xml) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            var builder = f.newDocumentBuilder();
            builder.setErrorHandler(new org.xml.sax.helpers.DefaultHandler()); // errors throw; nothing printed
            return builder.parse(new ByteArrayInputStream(xml));
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("unreadable XML: " + e.getMessage(), e);
        }
    }

    /** The text of the first element named {@code local} (any namespace) under {@code e}, or null. */
    static String text(Element e, String local) {
        NodeList n = e.getElementsByTagNameNS("*", local);
        if (n.getLength() == 0) {
            n = e.getElementsByTagName(local);
        }
        return n.getLength() == 0 ? null : n.item(0).getTextContent();
    }

    private static boolean onGateway(URI url, InetAddress gateway) {
        try {
            // An IP literal only (no name lookup), and the gateway's.
            return url.getHost() != null && url.getHost().matches("[0-9.]+") && InetAddress.getByName(url.getHost()).equals(gateway);
        } catch (IOException e) {
            return false;
        }
    }

    /** The value of header {@code name} (any case) in an HTTP-like message, or null. */
    static String header(String message, String name) {
        for (String line : message.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }
}
