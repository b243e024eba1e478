package dev.junction.relay.soak;

import dev.junction.relay.RelayProcess;
import dev.junction.relay.TestClient;
import dev.junction.relay.UdpPeer;
import dev.junction.wire.admission.AdmissionToken;
import dev.junction.wire.identity.PeerId;
import java.net.InetSocketAddress;
import java.time.Instant;

/** What a soak worker needs of the relay: where it listens, whom to pin, how to mint a token. */
record SoakRelay(InetSocketAddress control, InetSocketAddress stun, PeerId pin, byte[] secret) {
    static SoakRelay of(RelayProcess relay) throws java.io.IOException {
        return new SoakRelay(relay.control(), relay.stun(), relay.peerId(),
                dev.junction.wire.admission.AdmissionSecret.read(relay.secretFile()));
    }

    String token(PeerId peer) {
        return AdmissionToken.mint(secret, peer, Instant.now().plusSeconds(3600));
    }

    TestClient connect() throws Exception {
        return TestClient.connect(control, pin);
    }

    /** A UDP socket towards the relay that gives up on a datagram after {@code timeoutMillis}. */
    UdpPeer udp(int timeoutMillis) throws Exception {
        UdpPeer u = new UdpPeer(stun);
        u.socket.setSoTimeout(timeoutMillis);
        return u;
    }
}
