package dev.junction.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** ClientOptions by name: the builder, the with... methods, and errors that name the setting. */
class ClientOptionsTest {
    @Test
    void theBuilderStartsFromTheDefaults() {
        assertThat(ClientOptions.builder().build()).isEqualTo(ClientOptions.DEFAULTS);
    }

    @Test
    void theBuilderSetsEverySettingByName() {
        PortPrediction prediction = new PortPrediction(16, 64, 100);
        IncomingStreamLimits streams = new IncomingStreamLimits(8, 16, 32);
        PunchLimits punchLimits = new PunchLimits(2, 4, Duration.ofSeconds(5), 128, 10);
        ClientOptions o = ClientOptions.builder()
                .keepalive(Duration.ofSeconds(10))
                .connectTimeout(Duration.ofSeconds(3))
                .relayUdp(false)
                .sessionIdleTimeout(Duration.ofSeconds(30))
                .punch(false)
                .prediction(prediction)
                .streams(streams)
                .punchLimits(punchLimits)
                .build();
        assertThat(o.keepalive()).isEqualTo(Duration.ofSeconds(10));
        assertThat(o.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.relayUdp()).isFalse();
        assertThat(o.sessionIdleTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.punch()).isFalse();
        assertThat(o.prediction()).isEqualTo(prediction);
        assertThat(o.streams()).isEqualTo(streams);
        assertThat(o.punchLimits()).isEqualTo(punchLimits);
    }

    @Test
    void toBuilderKeepsEverySettingNotChanged() {
        ClientOptions noPunch = ClientOptions.DEFAULTS.withPunch(false).withRelayUdp(false);
        ClientOptions o = noPunch.toBuilder().keepalive(Duration.ofSeconds(5)).build();
        assertThat(o).isEqualTo(ClientOptions.builder().punch(false).relayUdp(false).keepalive(Duration.ofSeconds(5)).build());
        assertThat(noPunch.keepalive()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void theWithMethodsAgreeWithTheBuilder() {
        ClientOptions d = ClientOptions.DEFAULTS;
        assertThat(d.withKeepalive(Duration.ofSeconds(7))).isEqualTo(ClientOptions.builder().keepalive(Duration.ofSeconds(7)).build());
        assertThat(d.withRelayUdp(false)).isEqualTo(ClientOptions.builder().relayUdp(false).build());
        assertThat(d.withPunch(false)).isEqualTo(ClientOptions.builder().punch(false).build());
        assertThat(d.withPrediction(PortPrediction.OFF)).isEqualTo(ClientOptions.builder().prediction(PortPrediction.OFF).build());
        IncomingStreamLimits streams = new IncomingStreamLimits(1, 1, 2);
        assertThat(d.withStreams(streams)).isEqualTo(ClientOptions.builder().streams(streams).build());
        PunchLimits limits = new PunchLimits(1, 1, Duration.ofSeconds(1), 64, 1);
        assertThat(d.withPunchLimits(limits)).isEqualTo(ClientOptions.builder().punchLimits(limits).build());
    }

    @Test
    @SuppressWarnings("deprecation")
    void theDeprecatedPositionalConstructorsStillWork() {
        assertThat(new ClientOptions(Duration.ofSeconds(20), Duration.ofSeconds(15), true, Duration.ofSeconds(60)))
                .isEqualTo(ClientOptions.DEFAULTS);
        assertThat(new ClientOptions(Duration.ofSeconds(20), Duration.ofSeconds(15), true, Duration.ofSeconds(60), false))
                .isEqualTo(ClientOptions.DEFAULTS.withPunch(false));
    }

    @Test
    void congestionControlIsCubicUnlessChosen() {
        assertThat(ClientOptions.DEFAULTS.congestionControl()).isEqualTo(CongestionControl.CUBIC);
        ClientOptions bbr = ClientOptions.builder().congestionControl(CongestionControl.BBR).build();
        assertThat(bbr.congestionControl()).isEqualTo(CongestionControl.BBR);
        assertThat(bbr.withPunch(false).congestionControl()).as("kept by the with... methods").isEqualTo(CongestionControl.BBR);
        assertThat(ClientOptions.DEFAULTS.withCongestionControl(CongestionControl.RENO).congestionControl()).isEqualTo(CongestionControl.RENO);
        assertThatThrownBy(() -> ClientOptions.builder().congestionControl(null).build())
                .isInstanceOf(NullPointerException.class).hasMessage("ClientOptions.congestionControl must not be null");
        assertThat(CongestionControl.ofConfigName(" BBR ")).isEqualTo(CongestionControl.BBR);
        assertThatThrownBy(() -> CongestionControl.ofConfigName("vegas"))
                .hasMessage("must be one of cubic, reno, bbr, was \"vegas\"");
    }

    @Test
    void aSettingOutOfRangeIsRefusedNamingItAndItsConfigKey() {
        assertThatThrownBy(() -> ClientOptions.builder().keepalive(Duration.ofSeconds(61)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ClientOptions.keepalive (junction.client.keepalive): must be above 0 and at most 60s, was 61s");
        assertThatThrownBy(() -> ClientOptions.DEFAULTS.withKeepalive(Duration.ZERO))
                .hasMessage("ClientOptions.keepalive (junction.client.keepalive): must be above 0 and at most 60s, was 0s");
        assertThatThrownBy(() -> ClientOptions.builder().connectTimeout(Duration.ofMillis(-1)).build())
                .hasMessage("ClientOptions.connectTimeout (junction.client.connect-timeout): must be above 0, was -1ms");
        assertThatThrownBy(() -> ClientOptions.builder().sessionIdleTimeout(Duration.ofMillis(1500)).build())
                .hasMessage("ClientOptions.sessionIdleTimeout (junction.client.session-idle-timeout): must be at least 2s, was 1500ms");
        assertThatThrownBy(() -> new PunchLimits(6, 16, Duration.ofSeconds(20), 3, 100))
                .hasMessage("PunchLimits.probes (junction.client.punch-limits.probes): must be 64-65536, was 3");
        assertThatThrownBy(() -> new PortPrediction(0, 0, 0))
                .hasMessage("PortPrediction.rate (junction.client.port-prediction.rate): must be 1-10000, was 0");
        assertThatThrownBy(() -> new IncomingStreamLimits(100, 100, 100))
                .hasMessageStartingWith("IncomingStreamLimits.handlerThreads (junction.client.incoming-streams.handler-threads): "
                        + "must be above per-peer (100");
    }

    @Test
    void aNullSettingIsRefusedNamingIt() {
        assertThatThrownBy(() -> ClientOptions.builder().prediction(null).build())
                .isInstanceOf(NullPointerException.class).hasMessage("ClientOptions.prediction must not be null");
        assertThatThrownBy(() -> ClientOptions.builder().keepalive(null).build())
                .isInstanceOf(NullPointerException.class).hasMessage("ClientOptions.keepalive must not be null");
    }
}
