package dev.junction.client.internal.portmap;

import dev.junction.wire.WireFormatException;
import dev.junction.wire.portmap.NatPmp;
import dev.junction.wire.portmap.Pcp;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * Which port mapping protocols the gateway speaks, as {@code tailscale netcheck} reports them: PCP
 * (an ANNOUNCE answered), NAT-PMP (an external address request answered) and UPnP-IGD (an SSDP
 * M-SEARCH for an InternetGatewayDevice answered). Asks, maps nothing; bounded: each probe waits at
 * most {@link #WAIT_MILLIS} (UPnP {@link #SSDP_WAIT_MILLIS}), all three at once.
 */
public final class GatewayProbe {
    static final int WAIT_MILLIS = 500;
    /** SSDP answers come within MX seconds (1 here), spread at random. */
    static final int SSDP_WAIT_MILLIS = 1300;
    static final InetSocketAddress SSDP = new InetSocketAddress("239.255.255.250", 1900);
    static final String IGD = "urn:schemas-upnp-org:device:InternetGatewayDevice:1";

    /** What the gateway answered. */
    public record Support(boolean pcp, boolean natPmp, boolean upnp) {
    }

    private GatewayProbe() {
    }

    /** Probes {@code gateway} for all three at once; at most about 1.3 s. */
    public static Support probe(InetAddress gateway) {
        // Threads of their own: these block on sockets, which must not tie up the app's common pool.
        java.util.concurrent.FutureTask<Boolean> pcp = new java.util.concurrent.FutureTask<>(() -> pcp(gateway));
        java.util.concurrent.FutureTask<Boolean> natPmp = new java.util.concurrent.FutureTask<>(() -> natPmp(gateway));
        for (Runnable r : new Runnable[] {pcp, natPmp}) {
            Thread t = new Thread(r, "junction-gateway-probe");
            t.setDaemon(true);
            t.start();
        }
        boolean upnp = upnp();
        try {
            return new Support(pcp.get(), natPmp.get(), upnp);
        } catch (java.util.concurrent.ExecutionException e) {
            return new Support(false, false, upnp); // the probes catch their own I/O errors; nothing else is expected
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Support(false, false, upnp);
        }
    }

    static boolean pcp(InetAddress gateway) {
        try (DatagramSocket s = connected(gateway)) {
            byte[] answer = exchange(s, Pcp.announceRequest(s.getLocalAddress()));
            return answer != null && Pcp.responseResult(answer, answer.length, Pcp.OP_ANNOUNCE) >= 0
                    && Pcp.responseResult(answer, answer.length, Pcp.OP_ANNOUNCE) != Pcp.UNSUPP_VERSION;
        } catch (IOException e) {
            return false;
        }
    }

    static boolean natPmp(InetAddress gateway) {
        try (DatagramSocket s = connected(gateway)) {
            byte[] answer = exchange(s, NatPmp.externalAddressRequest());
            return answer != null && NatPmp.decodeResponse(answer, answer.length).opcode() == NatPmp.OP_EXTERNAL_ADDRESS;
        } catch (IOException | WireFormatException e) {
            return false;
        }
    }

    /** An SSDP M-SEARCH on the LAN for an Internet gateway device; true when one answers. */
    static boolean upnp() {
        return Upnp.search((from, answer) -> {
            String text = answer.toLowerCase(Locale.ROOT);
            return text.startsWith("http/1.1 200") && text.contains("internetgatewaydevice");
        });
    }

    private static DatagramSocket connected(InetAddress gateway) throws IOException {
        return PortMapper.socket(gateway, WAIT_MILLIS);
    }

    private static byte[] exchange(DatagramSocket s, byte[] request) throws IOException {
        return PortMapper.exchange(s, request);
    }
}
