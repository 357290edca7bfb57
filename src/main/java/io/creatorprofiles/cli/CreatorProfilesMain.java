package io.creatorprofiles.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

import jakarta.inject.Inject;

import io.creatorprofiles.config.RunMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The process entry point. Help, version and bad arguments are answered before Quarkus starts
 * ({@link #answerWithoutStarting}). A command's settings (see {@link RunMode}) must be in place before Quarkus reads its
 * runtime
 * configuration, so they are set here, ahead of {@link Quarkus#run}, and removed again when the run returns (tests
 * launch several runs in one JVM).
 */
@QuarkusMain
public class CreatorProfilesMain implements QuarkusApplication {

    @Inject
    CommandLine commandLine;

    public static void main(String... args) {
        OptionalInt answered = answerWithoutStarting(args, new PrintWriter(System.out, true),
                new PrintWriter(System.err, true));
        if (answered.isPresent()) {
            System.exit(answered.getAsInt());
        }
        List<String> applied = new ArrayList<>();
        if (RunMode.isCommand(args)) {
            RunMode.COMMAND_SETTINGS.forEach((key, value) -> {
                if (System.getProperty(key) == null) {
                    System.setProperty(key, value);
                    applied.add(key);
                }
            });
        }
        try {
            Quarkus.run(CreatorProfilesMain.class, args);
        } finally {
            applied.forEach(System::clearProperty);
        }
    }

    /**
     * Help, version and a command line that does not parse are answered here, by picocli alone, before Quarkus starts:
     * no listener, no scheduler, no database connection, no configuration needed. The exit code, or empty when the
     * arguments are a service start or a command to run. JVM options given as arguments ({@code -D...}, which native
     * images receive) are Quarkus' to read, not picocli's.
     */
    public static OptionalInt answerWithoutStarting(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine line = new CommandLine(CreatorProfilesCommand.class).setOut(out).setErr(err);
        String[] picocliArgs = Arrays.stream(args).filter(arg -> !arg.startsWith("-D")).toArray(String[]::new);
        try {
            if (CommandLine.printHelpIfRequested(line.parseArgs(picocliArgs))) {
                return OptionalInt.of(ExitCodes.OK);
            }
            return OptionalInt.empty();
        } catch (ParameterException e) {
            err.println(e.getMessage());
            e.getCommandLine().usage(err);
            return OptionalInt.of(ExitCodes.USAGE);
        } finally {
            out.flush();
            err.flush();
        }
    }

    @Override
    public int run(String... args) {
        return commandLine.execute(args);
    }
}
