package dev.junction.bench.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A server the harness started (a relay, coturn, iperf3), with what the kernel says it used: CPU
 * seconds from /proc/PID/stat and resident memory from /proc/PID/status. Stopped by its own PID
 * (SIGTERM, then SIGKILL after {@link #STOP_GRACE_SECONDS}); a shutdown hook stops any still running
 * when the harness exits, so nothing outlives a run.
 */
final class ChildProcess implements AutoCloseable {
    /** How long a child may take to exit on SIGTERM before it is killed (the Junction relay drains). */
    static final int STOP_GRACE_SECONDS = 5;
    /** Kernel clock ticks per second for utime/stime; 100 on every Linux the harness targets (getconf CLK_TCK). */
    static final double CLOCK_TICKS = 100.0;
    private static final List<ChildProcess> RUNNING = new CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(ChildProcess::close), "bench-children"));
    }

    final String name;
    final Process process;

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        RUNNING.add(this);
    }

    /** Starts {@code command}; stdout and stderr go to {@code log}. */
    static ChildProcess start(String name, List<String> command, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return new ChildProcess(name, pb.start());
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** User plus system CPU seconds the process has used so far. */
    double cpuSeconds() {
        return cpuSecondsOf(Long.toString(pid()));
    }

    /** User plus system CPU seconds of process {@code pid} ("self" for this JVM), from /proc/PID/stat; NaN once it is gone. */
    static double cpuSecondsOf(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // Fields after the command name (which may hold spaces) start at field 3; utime, stime are 14, 15.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / CLOCK_TICKS;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Resident set size in bytes (VmRSS). */
    long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** Waits for the process to exit by itself (a one-shot iperf3 server), at most {@code seconds}. */
    boolean waitFor(int seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** SIGKILL, and waits for the exit. */
    void kill() {
        RUNNING.remove(this);
        try {
            process.destroyForcibly().waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        RUNNING.remove(this);
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
