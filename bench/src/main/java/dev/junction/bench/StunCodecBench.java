package dev.junction.bench;

import dev.junction.wire.stun.StunAttribute;
import dev.junction.wire.stun.StunClass;
import dev.junction.wire.stun.StunDecoder;
import dev.junction.wire.stun.StunEncoder;
import dev.junction.wire.stun.StunMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.util.List;
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
 * STUN: what the relay does per Binding request (decode the request, encode the response), and
 * the same decode by ice4j's STUN stack side by side as the reference.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StunCodecBench {
    private byte[] requestBytes;
    private ByteBuf request;
    private StunMessage response;
    private ByteBuf out;

    @Setup
    public void setup() {
        StunMessage req = StunMessage.bindingRequest(new StunAttribute.Software("bench"));
        ByteBuf b = Unpooled.buffer(128);
        StunEncoder.FINGERPRINT.encode(req, b);
        requestBytes = new byte[b.readableBytes()];
        b.readBytes(requestBytes);
        request = Unpooled.wrappedBuffer(requestBytes);
        response = new StunMessage(StunClass.SUCCESS_RESPONSE, req.method(), req.transactionId(), List.of(
                new StunAttribute.XorMappedAddress(new InetSocketAddress("203.0.113.20", 40000)),
                new StunAttribute.Software("junction")));
        out = Unpooled.directBuffer(256);
    }

    @Benchmark
    public StunMessage junctionDecodeRequest() {
        request.readerIndex(0);
        return StunDecoder.decode(request);
    }

    @Benchmark
    public org.ice4j.message.Message ice4jDecodeRequest() throws Exception {
        return org.ice4j.message.Message.decode(requestBytes, 0, requestBytes.length);
    }

    @Benchmark
    public ByteBuf junctionEncodeResponse() {
        out.clear();
        StunEncoder.FINGERPRINT.encode(response, out);
        return out;
    }
}
