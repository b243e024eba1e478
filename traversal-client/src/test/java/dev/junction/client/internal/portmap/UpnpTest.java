package dev.junction.client.internal.portmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The UPnP-IGD client against a real HTTP server on loopback standing in for the gateway: the
 * connection service is found in the description, SOAP actions are sent as IGD specifies, faults
 * carry their UPnP error code, and what a hostile LAN device could try is refused (a control URL on
 * another host, a DOCTYPE with entities).
 */
class UpnpTest {
    static final InetAddress GATEWAY = InetAddress.getLoopbackAddress();
    final List<String> soapActions = new CopyOnWriteArrayList<>();
    HttpServer http;

    String start(String description, int controlStatus, String controlBody) throws IOException {
        http = HttpServer.create(new InetSocketAddress(GATEWAY, 0), 4);
        http.createContext("/desc.xml", x -> reply(x, 200, description));
        http.createContext("/ctl", x -> {
            soapActions.add(x.getRequestHeaders().getFirst("SOAPAction") + " " + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            reply(x, controlStatus, controlBody);
        });
        http.start();
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (http != null) {
            http.stop(0);
        }
    }

    static String description(String controlUrl) {
        return "<?xml version=\"1.0\"?><root xmlns=\"urn:schemas-upnp-org:device-1-0\"><device><deviceList><device><deviceList><device>"
                + "<serviceList><service><serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType>"
                + "<controlURL>/other</controlURL></service><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:1"
                + "</serviceType><controlURL>" + controlUrl + "</controlURL></service></serviceList></device></deviceList></device>"
                + "</deviceList></device></root>";
    }

    @Test
    void findsTheConnectionServiceAndSendsIgdActions() throws Exception {
        String base = start(description("/ctl"), 200, "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>"
                + "<u:GetExternalIPAddressResponse xmlns:u=\"urn:schemas-upnp-org:service:WANIPConnection:1\"><NewExternalIPAddress>"
                + "203.0.113.7</NewExternalIPAddress></u:GetExternalIPAddressResponse></s:Body></s:Envelope>");
        Upnp.Service s = Upnp.service(URI.create(base + "/desc.xml"), GATEWAY).orElseThrow();
        assertThat(s.control()).isEqualTo(URI.create(base + "/ctl"));
        assertThat(s.type()).isEqualTo("urn:schemas-upnp-org:service:WANIPConnection:1");
        assertThat(Upnp.externalIp(s)).isEqualTo(InetAddress.getByName("203.0.113.7"));
        Upnp.addPortMapping(s, 40000, InetAddress.getByName("127.0.0.1"), 40001, 7200);
        assertThat(soapActions.get(1)).startsWith("\"urn:schemas-upnp-org:service:WANIPConnection:1#AddPortMapping\"")
                .contains("<NewExternalPort>40000</NewExternalPort>", "<NewProtocol>UDP</NewProtocol>", "<NewInternalPort>40001</NewInternalPort>",
                        "<NewInternalClient>127.0.0.1</NewInternalClient>", "<NewLeaseDuration>7200</NewLeaseDuration>");
    }

    @Test
    void aSoapFaultCarriesItsUpnpErrorCode() throws Exception {
        String base = start(description("/ctl"), 500, "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><s:Fault>"
                + "<faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail><UPnPError xmlns=\"urn:schemas-upnp-org:control-1-0\">"
                + "<errorCode>718</errorCode><errorDescription>ConflictInMappingEntry</errorDescription></UPnPError></detail></s:Fault>"
                + "</s:Body></s:Envelope>");
        Upnp.Service s = Upnp.service(URI.create(base + "/desc.xml"), GATEWAY).orElseThrow();
        assertThatThrownBy(() -> Upnp.addPortMapping(s, 40000, GATEWAY, 40001, 0)).isInstanceOfSatisfying(Upnp.Fault.class,
                f -> assertThat(f.code).isEqualTo(718)).hasMessageContaining("ConflictInMappingEntry");
    }

    @Test
    void aControlUrlOnAnotherHostOrADescriptionFromAnotherHostIsIgnored() throws Exception {
        String base = start(description("http://198.51.100.9:80/ctl"), 200, "");
        assertThat(Upnp.service(URI.create(base + "/desc.xml"), GATEWAY)).as("control URL elsewhere").isEmpty();
        assertThat(Upnp.service(URI.create(base + "/desc.xml"), InetAddress.getByName("127.0.0.2"))).as("not the gateway's").isEmpty();
    }

    @Test
    void aDoctypeIsRefusedSoNoEntityIsRead() {
        String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>";
        assertThatThrownBy(() -> Upnp.parse(xxe.getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class)
                .hasMessageContaining("unreadable XML");
    }

    @Test
    void headersAreReadInAnyCase() {
        assertThat(Upnp.header("HTTP/1.1 200 OK\r\nLocation: http://192.0.2.1:5000/d.xml\r\nST: x\r\n\r\n", "location"))
                .isEqualTo("http://192.0.2.1:5000/d.xml");
        assertThat(Upnp.header("HTTP/1.1 200 OK\r\n\r\n", "location")).isNull();
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }
}
