package dev.junction.relay.control;

import io.netty.buffer.ByteBuf;

/** A DATA frame as the frame decoder hands it on: the circuit and a retained payload slice, never copied. */
record RelayedData(int circuit, ByteBuf payload) {
}
