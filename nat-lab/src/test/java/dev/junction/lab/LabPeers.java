package dev.junction.lab;

import dev.junction.lab.Topology.Site;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real CLI's peers in a lab site: `junction listen --echo` and `junction connect`, each added to the caller's processes. */
final class LabPeers {
    private LabPeers() {
    }

    /**
     * {@code junction listen --echo --json} at {@code site} as {@code peer} (identity, token), with
     * {@code flagsAndRelays}; its output goes to DIR/NAME.log. Returns once it listens.
     */
    static Process listen(Lab lab, Site site, Path dir, String name, String[] peer, List<Process> processes, String... flagsAndRelays)
            throws Exception {
        Path log = dir.resolve(name + ".log");
        List<String> args = new ArrayList<>(List.of("listen", "--echo", "--json", "--identity", peer[0], "--token", peer[1]));
        args.addAll(List.of(flagsAndRelays));
        Process p = lab.startJava(site.host(), log, "dev.junction.cli.Main", args.toArray(String[]::new));
        processes.add(p);
        Lab.awaitLine(log, "{\"event\":\"listening\"", 30);
        return p;
    }

    /** {@code junction connect --json} at {@code site}, streaming {@code data} to {@code target} and writing the echo to {@code back}. */
    static Process connect(Site site, Path data, Path back, Path events, String[] peer, String target, List<Process> processes,
                           String... flagsAndRelays) throws Exception {
        List<String> args = new ArrayList<>(List.of("connect", "--json", "--identity", peer[0], "--token", peer[1]));
        args.addAll(List.of(flagsAndRelays));
        args.add(target);
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", site.host()));
        cmd.addAll(List.of(Lab.javaCommand("dev.junction.cli.Main", args.toArray(String[]::new))));
        Process c = new ProcessBuilder(cmd).redirectInput(data.toFile()).redirectOutput(back.toFile()).redirectError(events.toFile()).start();
        processes.add(c);
        return c;
    }
}
