package dev.junction.wire.control;

import dev.junction.wire.WireFormatException;
import dev.junction.wire.codec.Fields;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Hole-punch coordination, relayed over a circuit in the spirit of libp2p DCUtR:
 * <pre>
 * A → R → B  CANDIDATES  A's candidates (the relay appends A's RELAY_OBSERVED ones)
 * B → R → A  CANDIDATES  B's candidates (likewise); A measures the round trip
 * A → R → B  PUNCH_SYNC  attempt n; A starts probing after RTT/2, B at once on receipt
 * A → R      PUNCH_RESULT  how the attempt ended (for the relay's metrics)
 * </pre>
 */
public final class PunchFrames {
    /** Bound on candidate lists: host and reflexive addresses per interface and family. */
    public static final int MAX_CANDIDATES = 32;

    private PunchFrames() {
    }

    /** CANDIDATES: circuit:u32 | count:u8 | count × Candidate. */
    public record Candidates(int circuit, List<Candidate> candidates) implements ControlFrame {
        public Candidates {
            if (candidates.size() > MAX_CANDIDATES) {
                throw new IllegalArgumentException("more than " + MAX_CANDIDATES + " candidates");
            }
            candidates = List.copyOf(candidates);
        }

        public ControlFrameType type() {
            return ControlFrameType.CANDIDATES;
        }

        public void encodePayload(ByteBuf out) {
            out.writeInt(circuit).writeByte(candidates.size());
            candidates.forEach(c -> c.encode(out));
        }

        static Candidates decode(ByteBuf in) {
            int circuit = (int) Fields.readU32(in, "circuit");
            int n = Fields.readU8(in, "candidate count");
            WireFormatException.check(n <= MAX_CANDIDATES, "more than " + MAX_CANDIDATES + " candidates");
            List<Candidate> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(Candidate.decode(in));
            }
            return new Candidates(circuit, list);
        }
    }

    /** PUNCH_SYNC: circuit:u32 | attempt:u8. */
    public record PunchSync(int circuit, int attempt) implements ControlFrame {
        public PunchSync {
            Fields.checkU8(attempt, "attempt");
        }

        public ControlFrameType type() {
            return ControlFrameType.PUNCH_SYNC;
        }

        public void encodePayload(ByteBuf out) {
            out.writeInt(circuit).writeByte(attempt);
        }

        static PunchSync decode(ByteBuf in) {
            return new PunchSync((int) Fields.readU32(in, "circuit"), Fields.readU8(in, "attempt"));
        }
    }

    /** How a punch attempt ended; lower-case names are metric label values. */
    public enum Outcome {
        DIRECT_UDP(1),
        DIRECT_TCP(2),
        FAILED(3);

        final int wire;

        Outcome(int wire) {
            this.wire = wire;
        }

        static Outcome valueOf(int wire) {
            for (Outcome o : values()) {
                if (o.wire == wire) {
                    return o;
                }
            }
            throw new WireFormatException("unknown punch outcome " + wire);
        }
    }

    /** PUNCH_RESULT: circuit:u32 | attempt:u8 | outcome:u8 (1 direct UDP, 2 direct TCP, 3 failed). */
    public record PunchResult(int circuit, int attempt, Outcome outcome) implements ControlFrame {
        public PunchResult {
            Fields.checkU8(attempt, "attempt");
        }

        public ControlFrameType type() {
            return ControlFrameType.PUNCH_RESULT;
        }

        public void encodePayload(ByteBuf out) {
            out.writeInt(circuit).writeByte(attempt).writeByte(outcome.wire);
        }

        static PunchResult decode(ByteBuf in) {
            return new PunchResult((int) Fields.readU32(in, "circuit"), Fields.readU8(in, "attempt"),
                    Outcome.valueOf(Fields.readU8(in, "outcome")));
        }
    }
}
