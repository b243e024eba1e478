package dev.junction.client.internal.relay;

import dev.junction.client.internal.net.ClientTransport;
import dev.junction.wire.address.RelayAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Orders a client's relays by measured round trip, so it can make the nearest relay of its fleet
 * its home (RelayLink measures the fleet its relay names; standalone relays are never ranked, as
 * peers given the same ones must pick the same one). The round
 * trip is a TCP handshake with the relay's control port (SYN to SYN-ACK: one round trip, before any
 * TLS work on either side); a relay that does not complete it within {@link #PROBE_TIMEOUT} goes
 * last, in the order it was given.
 */
public final class RelayRanking {
    /** How long the probes may take together: a client's first login waits at most this for them. */
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    /** A relay goes ahead of the app's first choice only below this share of its round trip... */
    static final double CLEARLY_NEARER = 0.8;
    /** ...and this much nearer in absolute terms: a millisecond or two of noise changes nothing. */
    static final Duration MIN_GAIN = Duration.ofMillis(2);

    private RelayRanking() {
    }

    /**
     * {@code relays} to try in turn: the measured ones in the given order, then the unmeasured
     * (unreachable) ones; and the nearest first when it is clearly nearer than the one that would
     * be first (below {@link #CLEARLY_NEARER} of its round trip and at least {@link #MIN_GAIN}
     * less). Relays about as near keep the app's order, so the choice does not flap with noise.
     */
    static List<RelayAddress> order(List<RelayAddress> relays, Map<RelayAddress, Duration> rtt) {
        List<RelayAddress> out = new ArrayList<>(relays);
        out.sort(Comparator.comparing((RelayAddress r) -> rtt.get(r) == null)); // stable: the given order within each
        RelayAddress nearest = relays.stream().filter(rtt::containsKey).min(Comparator.comparing(rtt::get)).orElse(null);
        if (nearest != null && out.get(0) != nearest) {
            Duration first = rtt.get(out.get(0));
            Duration best = rtt.get(nearest);
            if (first == null || best.toNanos() < first.toNanos() * CLEARLY_NEARER && first.minus(best).compareTo(MIN_GAIN) >= 0) {
                out.remove(nearest);
                out.add(0, nearest);
            }
        }
        return out;
    }

    /**
     * A relay of its fleet is worth moving home to only when it is at least this much nearer: a
     * move costs a new login and drops callers racing with it, so loopback noise (a GC pause or a
     * loaded machine stretching one handshake by a few ms) must never cause one.
     */
    static final Duration MOVE_MIN_GAIN = Duration.ofMillis(10);

    /** The fleet's nearest relay by round trip ({@code current} unless another is clearly nearer), and the times in words. */
    record Choice(RelayAddress nearest, String times, boolean worthMoving) {
    }

    /** True when {@code fleet} names {@code current} (by PeerId) and at least one other relay: there is something to rank. */
    static boolean rankable(RelayAddress current, List<RelayAddress> fleet) {
        return fleet.size() > 1 && fleet.stream().anyMatch(r -> r.relayId().equals(current.relayId()));
    }

    /** Measures {@code current} and the other relays of {@code fleet}; completes on {@code loop}. */
    static CompletableFuture<Choice> nearestOfFleet(ClientTransport transport, EventLoop loop, RelayAddress current, List<RelayAddress> fleet) {
        List<RelayAddress> candidates = new ArrayList<>(fleet);
        candidates.removeIf(r -> r.relayId().equals(current.relayId()));
        candidates.add(0, current);
        return measure(transport, loop, candidates).thenApply(rtt -> {
            RelayAddress nearest = order(candidates, rtt).get(0);
            Duration here = rtt.get(current);
            Duration there = rtt.get(nearest);
            boolean worth = !nearest.equals(current) && there != null
                    && (here == null || here.minus(there).compareTo(MOVE_MIN_GAIN) >= 0);
            return new Choice(nearest, millis(there) + " ms against " + millis(here) + " ms", worth);
        });
    }

    private static String millis(Duration d) {
        return d == null ? "no answer" : String.format(java.util.Locale.ROOT, "%.1f", d.toNanos() / 1e6);
    }

    /** Probes every relay at once on {@code loop}; completes on {@code loop} with the round trips measured. */
    static CompletableFuture<Map<RelayAddress, Duration>> measure(ClientTransport transport, EventLoop loop, List<RelayAddress> relays) {
        Map<RelayAddress, Duration> rtt = new LinkedHashMap<>();
        CompletableFuture<Map<RelayAddress, Duration>> done = new CompletableFuture<>();
        int[] left = {relays.size()};
        for (RelayAddress r : relays) {
            long t0 = System.nanoTime();
            new Bootstrap().group(loop).channel(transport.socketChannel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) PROBE_TIMEOUT.toMillis())
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel c) {
                            // a handshake and nothing more: closed as soon as it completes
                        }
                    })
                    .connect(r.host(), r.port()).addListener((io.netty.channel.ChannelFutureListener) f -> {
                        if (f.isSuccess()) {
                            rtt.put(r, Duration.ofNanos(System.nanoTime() - t0));
                            f.channel().close();
                        }
                        if (--left[0] == 0) {
                            done.complete(Map.copyOf(rtt));
                        }
                    });
        }
        loop.schedule(() -> done.complete(Map.copyOf(rtt)), PROBE_TIMEOUT.toMillis() + 100, java.util.concurrent.TimeUnit.MILLISECONDS);
        return done;
    }
}
