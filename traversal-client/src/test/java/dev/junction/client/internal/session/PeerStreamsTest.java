package dev.junction.client.internal.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.wire.identity.Identity;
import dev.junction.wire.identity.PeerId;
import org.junit.jupiter.api.Test;

class PeerStreamsTest {
    private final PeerId mallory = Identity.generate().peerId();
    private final PeerId carol = Identity.generate().peerId();

    @Test
    void refusesAPeersStreamBeyondItsLimitAndNotOtherPeers() {
        PeerStreams streams = new PeerStreams(2);
        assertThat(streams.admit(mallory)).isNotNull();
        assertThat(streams.admit(mallory)).isNotNull();
        assertThat(streams.admit(mallory)).isNull();
        assertThat(streams.admit(carol)).isNotNull();
        assertThat(streams.held(mallory)).isEqualTo(2);
        assertThat(streams.held(carol)).isEqualTo(1);
    }

    @Test
    void aPlaceComesBackOnlyOnceTheChannelHasClosedAndTheHandlerHasReturned() {
        PeerStreams streams = new PeerStreams(1);
        PeerStreams.Place p = streams.admit(mallory);
        p.channelClosed();
        p.channelClosed(); // twice is once
        assertThat(streams.admit(mallory)).isNull(); // its handler still runs
        p.handled();
        assertThat(streams.held(mallory)).isZero();
        assertThat(streams.admit(mallory)).isNotNull();
    }

    @Test
    void aHandlerThatReturnsWhileItsStreamStaysOpenKeepsThePlace() {
        PeerStreams streams = new PeerStreams(1);
        PeerStreams.Place p = streams.admit(mallory);
        p.handled();
        p.handled();
        assertThat(streams.admit(mallory)).isNull();
        p.channelClosed();
        assertThat(streams.admit(mallory)).isNotNull();
    }
}
