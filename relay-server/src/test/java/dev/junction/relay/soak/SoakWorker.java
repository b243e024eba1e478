package dev.junction.relay.soak;

/**
 * One of the soak's load threads: rounds against the relay until its count or the soak's deadline
 * is reached, whichever comes first; a failed round fails the soak, naming the worker and the round.
 */
abstract class SoakWorker implements Runnable {
    protected final SoakRelay relay;
    protected final SoakCounts counts;
    private final long deadline;
    private final int maxRounds;
    private final String kind;

    SoakWorker(String kind, SoakRelay relay, SoakCounts counts, long deadlineNanos, int maxRounds) {
        this.kind = kind;
        this.relay = relay;
        this.counts = counts;
        this.deadline = deadlineNanos;
        this.maxRounds = maxRounds;
    }

    @Override
    public final void run() {
        for (int round = 0; round < maxRounds && System.nanoTime() < deadline; round++) {
            try {
                round(round);
            } catch (Exception e) {
                throw new AssertionError(kind + " round " + round + " failed", e);
            }
        }
    }

    /** One round of load; {@code round} counts from 0. */
    abstract void round(int round) throws Exception;
}
