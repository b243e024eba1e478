package dev.junction.relay.attack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.junction.relay.TestClient;
import dev.junction.relay.TestRelay;
import dev.junction.wire.control.CircuitFrames;
import dev.junction.wire.control.ControlFrame;
import dev.junction.wire.control.ErrorCode;
import dev.junction.wire.control.LinkFrames;
import dev.junction.wire.identity.Identity;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding 3: 64 CONNECTs from one token holder used to fill a victim's circuit limit with circuits
 * it never accepted, locking legitimate callers out. Pending circuits are now capped per caller
 * and per pair, counted apart from open ones, and expire within {@code PENDING_TIMEOUT}.
 */
class CircuitLockoutTest {
    @TempDir
    Path dir;

    @Test
    void oneCallerCannotLockAVictimOutOfCircuits() throws Exception {
        try (TestRelay relay = TestRelay.start(dir)) {
            Identity attackerId = Identity.generate();
            Identity victimId = Identity.generate();
            Identity friendId = Identity.generate();
            try (TestClient attacker = relay.client(); TestClient victim = relay.client(); TestClient friend = relay.client()) {
                attacker.loginOk(attackerId, relay.token(attackerId.peerId()));
                victim.loginOk(victimId, relay.token(victimId.peerId()));
                friend.loginOk(friendId, relay.token(friendId.peerId()));
                for (int i = 1; i <= 64; i++) {
                    attacker.send(new CircuitFrames.Connect(i, victimId.peerId()));
                }
                Map<ErrorCode, Integer> answers = new HashMap<>();
                for (int i = 0; i < 62; i++) {
                    ControlFrame f = attacker.next();
                    assertThat(f).isInstanceOf(LinkFrames.Error.class);
                    answers.merge(((LinkFrames.Error) f).code(), 1, Integer::sum);
                }
                assertThat(answers).as("all but %d pending CONNECTs are refused at once", 2).containsEntry(ErrorCode.CIRCUIT_LIMIT, 62);
                // The victim sees two INCOMINGs and ignores them; a friend still gets through.
                friend.send(new CircuitFrames.Connect(1, victimId.peerId()));
                CircuitFrames.Incoming in;
                do {
                    in = victim.expect(CircuitFrames.Incoming.class);
                } while (!in.from().equals(friendId.peerId()));
                victim.send(new CircuitFrames.Accept(in.circuit()));
                assertThat(friend.expect(CircuitFrames.CircuitOpen.class).peer()).isEqualTo(victimId.peerId());
                // The attacker's two pending circuits expire on their own (PENDING_TIMEOUT, swept each second).
                Thread.sleep(2000);
                for (int i = 0; i < 2; i++) {
                    ControlFrame f = attacker.next();
                    assertThat(((LinkFrames.Error) f).code()).isEqualTo(ErrorCode.REJECTED);
                }
            }
        }
    }
}
