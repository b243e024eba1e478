package dev.junction.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.HexFormat;

/** Hex as RFCs print it (spaces and line breaks allowed) to buffers and back. */
public final class Hex {
    private Hex() {
    }

    public static ByteBuf buf(String hex) {
        return Unpooled.wrappedBuffer(bytes(hex));
    }

    public static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex.replaceAll("[^0-9a-fA-F]", ""));
    }

    public static String of(ByteBuf buf) {
        return ByteBufUtil.hexDump(buf);
    }
}
