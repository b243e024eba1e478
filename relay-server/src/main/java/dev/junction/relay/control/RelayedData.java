package dev.junction.relay.control;

import io.netty.buffer.ByteBuf;

/**
 * A DATA frame as the frame decoder hands it on: the circuit and the whole frame (header included),
 * retained and never copied, so the forwarder can send it on unchanged.
 */
record RelayedData(int circuit, ByteBuf frame) {
}
