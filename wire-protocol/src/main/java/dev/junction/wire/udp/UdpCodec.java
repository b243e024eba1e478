package dev.junction.wire.udp;

import dev.junction.wire.WireFormatException;
import io.netty.buffer.ByteBuf;

/** Encodes and decodes Junction UDP frames. Stateless; a datagram is exactly one frame. */
public final class UdpCodec {
    private UdpCodec() {
    }

    public static void encode(UdpFrame frame, ByteBuf out) {
        out.writeByte(frame.type().byteValue());
        frame.encodeFields(out);
    }

    /** Decodes the readable bytes of {@code datagram}; indexes are untouched. */
    public static UdpFrame decode(ByteBuf datagram) {
        ByteBuf in = datagram.duplicate();
        WireFormatException.check(in.isReadable(), "empty datagram");
        UdpFrameType type = UdpFrameType.valueOf(in.readByte());
        UdpFrame frame;
        try {
            frame = switch (type) {
                case BIND -> UdpFrame.Bind.decode(in);
                case BIND_ACK -> UdpFrame.BindAck.decode(in);
                case RELAY_DATA -> UdpFrame.RelayData.decode(in);
                case PING -> UdpFrame.Ping.decode(in);
                case PONG -> UdpFrame.Pong.decode(in);
                case PROBE -> UdpFrame.Probe.decode(in);
                case PROBE_ACK -> UdpFrame.ProbeAck.decode(in);
                case ATTEST -> UdpFrame.Attest.decode(in);
            };
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(type + ": " + e.getMessage(), e);
        }
        WireFormatException.check(!in.isReadable(), type + " has " + in.readableBytes() + " trailing bytes");
        return frame;
    }

    /** The circuit of a RELAY_DATA datagram without decoding it; -1 when it is not one. Payload at +{@value RelayDataHeader#LENGTH}. */
    public static long relayDataCircuit(ByteBuf datagram) {
        int i = datagram.readerIndex();
        if (datagram.readableBytes() < RelayDataHeader.LENGTH || datagram.getByte(i) != UdpFrameType.RELAY_DATA.byteValue()) {
            return -1;
        }
        return datagram.getUnsignedInt(i + 1);
    }
}
