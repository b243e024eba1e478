package dev.junction.cli;

/** The answer of a command whose implementation lands with a later issue. */
final class NotYetAvailable {
    private NotYetAvailable() {
    }

    static CliException of(String command) {
        return new CliException(command + " is not yet available in this build");
    }
}
