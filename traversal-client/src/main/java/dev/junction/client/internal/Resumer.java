package dev.junction.client.internal;

import dev.junction.client.internal.path.Route;
import dev.junction.client.internal.session.SessionImpl;
import dev.junction.wire.Bytes;
import dev.junction.wire.WireFormatException;
import dev.junction.wire.session.SessionCodec;
import dev.junction.wire.session.SessionMessage;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Keeps sessions alive when their relay circuit goes (PROTOCOL.md section 6.6): a relay restart, a
 * lost control connection, a network change. The caller gives the callee a resume token inside
 * the session; when the circuit is lost the QUIC session stays up (its packets wait, QUIC
 * retransmits), the caller asks the relay for a new circuit to the same peer, again with capped
 * jittered backoff until it gets one, and sends the token as the circuit's first datagram; the
 * callee moves the session onto that circuit. The session's idle timeout bounds the wait. I/O
 * thread only.
 */
final class Resumer {
    static final int TOKEN_LENGTH = SessionMessage.TOKEN_LENGTH;
    static final long TOKEN_RETRY_MS = 500;
    static final int TOKEN_TRIES = 10;
    static final long RETRY_MIN_MS = 100;
    static final long RETRY_MAX_MS = 4000;
    /** RESUME goes out this many times on the new circuit (it may be lost like any datagram). */
    static final int RESUME_SENDS = 3;
    static final long RESUME_SPACING_MS = 150;

    private final ClientCore core;
    private final SecureRandom random = new SecureRandom();
    /** The callee's side: sessions a RESUME may move, by token. */
    private final Map<ByteBuffer, Route> byToken = new HashMap<>();
    /** The caller's side: sessions waiting for a new circuit. */
    private final Map<Route, SessionImpl> waiting = new HashMap<>();

    Resumer(ClientCore core) {
        this.core = core;
    }

    /** A session began: the caller sends its token until the callee acknowledges it. */
    void established(SessionImpl s, Route r) {
        if (!r.clientRole()) {
            return;
        }
        byte[] token = new byte[TOKEN_LENGTH];
        random.nextBytes(token);
        r.resumeToken(token);
        sendToken(s, r, 1);
    }

    private void sendToken(SessionImpl s, Route r, int n) {
        if (r.resumable() || n > TOKEN_TRIES || s.quic().closeFuture().isDone()) {
            return;
        }
        s.sendControl(SessionCodec.toBuffer(new SessionMessage.Token(Bytes.of(r.resumeToken()))));
        core.loop().schedule(() -> sendToken(s, r, n + 1), TOKEN_RETRY_MS, TimeUnit.MILLISECONDS);
    }

    /** TOKEN or TOKEN_ACK arrived in session {@code s}. */
    void onControl(SessionImpl s, Route r, SessionMessage m) {
        if (m instanceof SessionMessage.Token t && !r.clientRole()) {
            byte[] token = t.token().toArray();
            if (r.resumeToken() != null) {
                byToken.remove(ByteBuffer.wrap(r.resumeToken()), r);
            }
            r.resumeToken(token);
            r.resumable(true);
            byToken.put(ByteBuffer.wrap(token), r);
            s.sendControl(SessionCodec.toBuffer(new SessionMessage.TokenAck(t.token())));
        } else if (m instanceof SessionMessage.TokenAck ack && r.clientRole() && java.util.Arrays.equals(ack.token().toArray(), r.resumeToken())) {
            r.resumable(true);
        }
    }

    /** {@code r} lost its circuit: the caller gets a new one; the callee waits for the caller's RESUME. */
    void resume(SessionImpl s, Route r) {
        if (r.clientRole() && waiting.put(r, s) == null) {
            attempt(s, r, RETRY_MIN_MS);
        }
    }

    /** Logged in (again): every waiting session tries for its circuit now rather than at its next backoff. */
    void loggedIn() {
        new java.util.ArrayList<>(waiting.entrySet()).forEach(e -> connect(e.getValue(), e.getKey(), RETRY_MIN_MS));
    }

    private void attempt(SessionImpl s, Route r, long delay) {
        long jittered = (long) (delay * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
        core.loop().schedule(() -> connect(s, r, delay), jittered, TimeUnit.MILLISECONDS);
    }

    private void connect(SessionImpl s, Route r, long delay) {
        if (!r.relayGone() || core.sessionOf(r) != s) {
            waiting.remove(r, s);
            return; // resumed already, or the session ended
        }
        core.link().connect(r.peer()).whenComplete((open, e) -> core.loop().execute(() -> {
            if (e != null) {
                attempt(s, r, Math.min(RETRY_MAX_MS, delay * 2));
                return;
            }
            if (!r.relayGone() || core.sessionOf(r) != s) {
                core.link().closeCircuit(open.circuit()); // another attempt won, or the session ended
                return;
            }
            waiting.remove(r, s);
            core.reattach(s, r, open.circuit());
            sendResume(r, open.circuit(), 1);
        }));
    }

    private void sendResume(Route r, int circuit, int n) {
        if (r.circuit() != circuit || r.relayGone() || n > RESUME_SENDS) {
            return;
        }
        ByteBuf b = SessionCodec.toBuffer(new SessionMessage.Resume(Bytes.of(r.resumeToken())));
        if (core.relayKind() == dev.junction.client.PathKind.RELAY_UDP) {
            core.sendUdp(circuit, b);
        } else {
            core.sendTcp(circuit, b);
        }
        core.loop().schedule(() -> sendResume(r, circuit, n + 1), RESUME_SPACING_MS, TimeUnit.MILLISECONDS);
    }

    /** The callee: RESUME arrived on the circuit that opened {@code fresh}; move the session it names there. */
    void onCircuitResume(Route fresh, ByteBuf payload) {
        SessionMessage m;
        try {
            m = SessionCodec.decode(payload);
        } catch (WireFormatException e) {
            return; // a short token: ignored like an unknown one
        }
        if (!(m instanceof SessionMessage.Resume resume)) {
            return;
        }
        Route r = byToken.get(ByteBuffer.wrap(resume.token().toArray()));
        SessionImpl s = r == null ? null : core.sessionOf(r);
        if (s == null || r == fresh || !r.peer().equals(fresh.peer())) {
            return; // unknown or stale token, or a repeated RESUME on a circuit already taken
        }
        int circuit = fresh.circuit();
        core.mux().remove(fresh);
        if (!r.relayGone()) {
            core.link().closeCircuit(r.circuit()); // the caller lost it first; the relay has not said so yet
        }
        core.reattach(s, r, circuit);
    }

    /** The session on {@code r} ended. */
    void closed(Route r) {
        waiting.remove(r);
        if (r.resumeToken() != null && !r.clientRole()) {
            byToken.remove(ByteBuffer.wrap(r.resumeToken()), r);
        }
    }
}
