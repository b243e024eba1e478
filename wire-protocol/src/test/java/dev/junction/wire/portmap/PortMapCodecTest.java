package dev.junction.wire.portmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.junction.wire.WireFormatException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** NAT-PMP (RFC 6886) and PCP MAP (RFC 6887) as the client sends them and the gateway answers, byte for byte. */
class PortMapCodecTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void natPmpRequestsAndResponsesHaveTheRfcsLayout() throws Exception {
        assertThat(HEX.formatHex(NatPmp.externalAddressRequest())).isEqualTo("0000");
        // version 0, opcode 1 (UDP), reserved, internal 4000 (0x0fa0), suggested 4000, lifetime 7200 (0x1c20)
        assertThat(HEX.formatHex(NatPmp.mapRequest(NatPmp.OP_MAP_UDP, 4000, 4000, 7200))).isEqualTo("000100000fa00fa000001c20");
        byte[] address = NatPmp.externalAddressResponse(0, 77, (Inet4Address) InetAddress.getByName("203.0.113.9"));
        assertThat(HEX.formatHex(address)).isEqualTo("00800000" + "0000004d" + "cb007109");
        NatPmp.Response a = NatPmp.decodeResponse(address, address.length);
        assertThat(a.success()).isTrue();
        assertThat(a.external()).isEqualTo(InetAddress.getByName("203.0.113.9"));
        byte[] mapped = NatPmp.mapResponse(NatPmp.OP_MAP_UDP, 0, 77, 4000, 40001, 3600);
        NatPmp.Response m = NatPmp.decodeResponse(mapped, mapped.length);
        assertThat(m.opcode()).isEqualTo(NatPmp.OP_MAP_UDP);
        assertThat(m.internalPort()).isEqualTo(4000);
        assertThat(m.externalPort()).isEqualTo(40001);
        assertThat(m.lifetimeSeconds()).isEqualTo(3600);
        byte[] refused = NatPmp.errorResponse(NatPmp.OP_MAP_UDP, NatPmp.NOT_AUTHORIZED, 77);
        assertThat(NatPmp.decodeResponse(refused, refused.length).result()).isEqualTo(NatPmp.NOT_AUTHORIZED);
        NatPmp.MapRequest r = NatPmp.decodeRequest(NatPmp.mapRequest(NatPmp.OP_MAP_UDP, 4000, 0, 0), 12);
        assertThat(r.lifetimeSeconds()).as("a delete").isZero();
    }

    @Test
    void pcpMapRoundTripsWithIpv4MappedAddresses() throws Exception {
        byte[] nonce = HEX.parseHex("0102030405060708090a0b0c");
        InetAddress client = InetAddress.getByName("100.64.3.2");
        byte[] req = Pcp.mapRequest(client, nonce, Pcp.PROTOCOL_UDP, 4000, 4000, InetAddress.getByName("0.0.0.0"), 7200);
        assertThat(req).hasSize(Pcp.LENGTH);
        // version 2, R=0 opcode 1, reserved, lifetime 7200, client ::ffff:100.64.3.2
        assertThat(HEX.formatHex(req, 0, 24)).isEqualTo("0201" + "0000" + "00001c20" + "00000000000000000000ffff64400302");
        Pcp.Map decoded = Pcp.decode(req, req.length);
        assertThat(decoded.response()).isFalse();
        assertThat(decoded.client()).isEqualTo(client);
        assertThat(decoded.nonce()).isEqualTo(nonce);
        assertThat(decoded.internalPort()).isEqualTo(4000);
        byte[] resp = Pcp.mapResponse(Pcp.SUCCESS, 120, 9, nonce, Pcp.PROTOCOL_UDP, 4000, 40002, InetAddress.getByName("203.0.113.9"));
        assertThat(resp[1] & 0xff).as("R bit set").isEqualTo(0x81);
        Pcp.Map m = Pcp.decode(resp, resp.length);
        assertThat(m.response()).isTrue();
        assertThat(m.success()).isTrue();
        assertThat(m.lifetimeSeconds()).isEqualTo(120);
        assertThat(m.externalPort()).isEqualTo(40002);
        assertThat(m.externalIp()).isEqualTo(InetAddress.getByName("203.0.113.9"));
        assertThat(m.nonce()).isEqualTo(nonce);
    }

    @Test
    void garbageIsRefusedWithAReasonNeverAnotherException() {
        assertThatThrownBy(() -> Pcp.decode(new byte[] {0, (byte) 0x81, 0, 1}, 4)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("version 0");
        assertThatThrownBy(() -> Pcp.decode(new byte[] {2, (byte) 0x82, 0, 0}, 4)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("opcode 2");
        assertThatThrownBy(() -> Pcp.decode(new byte[] {2, (byte) 0x81, 0, 0, 0}, 5)).isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> NatPmp.decodeResponse(new byte[] {0, 1, 0, 0}, 4)).isInstanceOf(WireFormatException.class)
                .hasMessageContaining("not a NAT-PMP response");
        assertThatThrownBy(() -> NatPmp.decodeResponse(new byte[] {0, (byte) 129, 0, 0, 0, 0, 0, 1}, 8))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("mapping response of 8 bytes");
        java.util.Random random = new java.util.Random(19);
        for (int i = 0; i < 10_000; i++) {
            byte[] junk = new byte[random.nextInt(80)];
            random.nextBytes(junk);
            for (Runnable decode : new Runnable[] {() -> Pcp.decode(junk, junk.length), () -> NatPmp.decodeResponse(junk, junk.length),
                    () -> NatPmp.decodeRequest(junk, junk.length)}) {
                try {
                    decode.run();
                } catch (WireFormatException expected) {
                    // the only way to refuse
                }
            }
        }
    }
}
