package io.creatorprofiles.config;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.annotations.CommandLineArguments;

/**
 * Whether this process is the long-running service or a one-off maintenance command (scan, repair, archive, ...).
 * A command starts only what it needs: no HTTP or management listener, no scheduler, no index creation, so it can run
 * beside a service on the same host and in a read-only pod.
 */
@ApplicationScoped
public class RunMode {

    /**
     * Runtime settings a command runs with, applied as system properties before Quarkus starts. A value the operator
     * set as a system property ({@code -D...}) is kept.
     */
    public static final Map<String, String> COMMAND_SETTINGS = commandSettings();

    private final boolean command;

    public RunMode(@CommandLineArguments String[] args) {
        this.command = isCommand(args);
    }

    /** True for a one-off command: it must not start the service's background work. */
    public boolean isCommand() {
        return command;
    }

    /**
     * A subcommand is any argument that is not an option; the service starts with none (native images also get
     * {@code -D...} arguments, which are options).
     */
    public static boolean isCommand(String[] args) {
        return args != null && Arrays.stream(args).anyMatch(arg -> !arg.startsWith("-"));
    }

    private static Map<String, String> commandSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("quarkus.http.host-enabled", "false");
        settings.put("quarkus.management.host-enabled", "false");
        settings.put("quarkus.scheduler.enabled", "false");
        settings.put("quarkus.shutdown.delay", "0S");
        // stdout carries only the report or the export (`archive export ... > file` must be valid NDJSON)
        settings.put("quarkus.log.console.stderr", "true");
        return Map.copyOf(settings);
    }
}
