package dev.junction.relay.config;

/** A configuration value that cannot be used; the message names the key and the reason. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String key, String reason) {
        super("config key '" + key + "': " + reason);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
