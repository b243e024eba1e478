package dev.junction.bench.harness;

import io.netty.channel.EventLoopGroup;

/** Section 4 (filled in below). */
final class MemorySection {
    private MemorySection() {
    }

    static void run(Options o, EventLoopGroup group, Report report) throws Exception {
    }
}
