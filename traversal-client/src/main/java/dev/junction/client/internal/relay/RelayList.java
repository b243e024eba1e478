package dev.junction.client.internal.relay;

import dev.junction.wire.address.RelayAddress;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.identity.PeerId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The relays a client may log in to, in the order it tries them: the app's, then those its
 * relay's fleet named in RELAY_MAP, once each. It
 * believes address statements signed by any of them. Changed on the client's I/O thread; read anywhere.
 */
final class RelayList {
    private static final System.Logger LOG = System.getLogger("junction.client.relay");

    private volatile List<RelayAddress> configured;
    private volatile List<RelayAddress> all;
    /** The relays of the fleet as the last RELAY_MAP named them (empty: no fleet heard of). */
    private volatile List<RelayAddress> fleet = List.of();

    RelayList(List<RelayAddress> configured) {
        if (configured.isEmpty()) {
            throw new IllegalArgumentException("no relay address");
        }
        this.configured = List.copyOf(configured);
        this.all = this.configured;
    }

    /** Every relay to try, in order. */
    List<RelayAddress> all() {
        return all;
    }

    /** The relay's fleet: its relays join the configured ones (after them, once each). */
    void learned(LinkFrames.RelayMap map) {
        Map<PeerId, RelayAddress> byId = new LinkedHashMap<>();
        configured.forEach(r -> byId.put(r.relayId(), r));
        map.relays().forEach(e -> byId.putIfAbsent(e.address().relayId(), e.address()));
        fleet = map.relays().stream().map(e -> e.address()).toList();
        List<RelayAddress> fresh = List.copyOf(byId.values());
        if (!fresh.equals(all)) {
            all = fresh;
            LOG.log(System.Logger.Level.INFO, "relay fleet: {0} relays known", String.valueOf(fresh.size()));
        }
    }

    /** The relays of the fleet the client's relay belongs to, as it last named them; empty when it named none. */
    List<RelayAddress> fleet() {
        return fleet;
    }

    /** The relay {@code old} rotated its key: it is {@code now} from now on, in the same place of the order. */
    void rotated(RelayAddress old, RelayAddress now) {
        configured = configured.stream().map(r -> r.equals(old) ? now : r).toList();
        all = all.stream().map(r -> r.equals(old) ? now : r).toList();
    }

    /** The relay after {@code current} (the first when {@code current} is not listed, as a GOING_AWAY hint may not be). */
    RelayAddress after(RelayAddress current) {
        List<RelayAddress> l = all;
        return l.get((l.indexOf(current) + 1) % l.size());
    }
}
