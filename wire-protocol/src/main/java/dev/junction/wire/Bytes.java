package dev.junction.wire;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable byte string with value equality, so that messages holding keys, nonces and
 * signatures can be {@code record}s whose {@code equals} compares content.
 */
public final class Bytes {
    public static final Bytes EMPTY = new Bytes(new byte[0]);

    private final byte[] value;

    private Bytes(byte[] value) {
        this.value = value;
    }

    /** Copies {@code value}: later changes to the array do not reach this instance. */
    public static Bytes of(byte[] value) {
        return value.length == 0 ? EMPTY : new Bytes(value.clone());
    }

    public static Bytes fromHex(String hex) {
        return new Bytes(HexFormat.of().parseHex(hex));
    }

    public int length() {
        return value.length;
    }

    public byte get(int index) {
        return value[index];
    }

    /** A copy of the content. */
    public byte[] toArray() {
        return value.clone();
    }

    public String toHex() {
        return HexFormat.of().formatHex(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return value.length <= 64 ? toHex() : toHex().substring(0, 128) + "…(" + value.length + " bytes)";
    }
}
