package dev.junction.bench;

import dev.junction.wire.Bytes;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.ControlCodec;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.udp.UdpCodec;
import dev.junction.wire.udp.UdpFrame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Junction's frames with a 1200-byte session datagram: the relay's forwarding fast paths (read the
 * circuit ID, no decode) against the full decoders, and encoding.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameCodecBench {
    private ByteBuf controlData;
    private ByteBuf udpData;
    private CircuitFrames.Data data;
    private UdpFrame.RelayData relayData;
    private ByteBuf out;

    @Setup
    public void setup() {
        Bytes payload = Bytes.of(new byte[1200]);
        data = new CircuitFrames.Data(123456, payload);
        relayData = new UdpFrame.RelayData(123456, payload);
        controlData = Unpooled.directBuffer(1300);
        ControlCodec.encode(data, controlData);
        udpData = Unpooled.directBuffer(1300);
        UdpCodec.encode(relayData, udpData);
        out = Unpooled.directBuffer(1300);
    }

    @Benchmark
    public long controlDataCircuitFastPath() {
        return ControlCodec.dataCircuit(controlData);
    }

    @Benchmark
    public ControlFrame controlDataFullDecode() {
        controlData.readerIndex(0);
        return ControlCodec.decode(controlData);
    }

    @Benchmark
    public long udpRelayDataCircuitFastPath() {
        return UdpCodec.relayDataCircuit(udpData);
    }

    @Benchmark
    public UdpFrame udpRelayDataFullDecode() {
        udpData.readerIndex(0);
        return UdpCodec.decode(udpData);
    }

    @Benchmark
    public ByteBuf controlDataEncode() {
        out.clear();
        ControlCodec.encode(data, out);
        return out;
    }

    @Benchmark
    public ByteBuf udpRelayDataEncode() {
        out.clear();
        UdpCodec.encode(relayData, out);
        return out;
    }
}
