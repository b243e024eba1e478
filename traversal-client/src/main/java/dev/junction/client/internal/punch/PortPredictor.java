package dev.junction.client.internal.punch;

import java.net.InetSocketAddress;
import java.util.BitSet;
import java.util.Random;

/**
 * The easy side's targets when the other side's NAT maps each destination to a new port: first
 * the ports a sequential NAT would hand out next (base + k × step, when the hint has a step), then
 * distinct random ports of the dynamic range, {@code budget} in all.
 */
final class PortPredictor {
    /** Linux, BSD and most CPE NATs pick mapped ports from here. */
    static final int LOW = 1024;
    static final int HIGH = 65535;

    private final InetSocketAddress base;
    private final int step;
    private final int budget;
    private final Random random;
    private final BitSet used = new BitSet(HIGH + 1);
    private int sent;
    private int k;

    PortPredictor(InetSocketAddress base, int step, int budget, Random random) {
        this.base = base;
        this.step = step;
        this.budget = Math.min(budget, (HIGH - LOW) / 2); // random picks stay cheap
        this.random = random;
        used.set(base.getPort());
    }

    boolean hasNext() {
        return sent < budget;
    }

    InetSocketAddress next() {
        int port = -1;
        // Half the budget at most goes to the sequential guess; it stops where the range ends.
        while (step != 0 && port < 0 && k < budget / 2) {
            int p = base.getPort() + ++k * step;
            if (p < LOW || p > HIGH) {
                k = budget;
            } else if (!used.get(p)) {
                port = p;
            }
        }
        while (port < 0) {
            int p = LOW + random.nextInt(HIGH - LOW + 1);
            if (!used.get(p)) {
                port = p;
            }
        }
        used.set(port);
        sent++;
        return new InetSocketAddress(base.getAddress(), port);
    }
}
