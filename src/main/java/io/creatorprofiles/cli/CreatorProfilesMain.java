package io.creatorprofiles.cli;

import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import io.creatorprofiles.config.RunMode;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import picocli.CommandLine;

/**
 * The process entry point. A command's settings (see {@link RunMode}) must be in place before Quarkus reads its runtime
 * configuration, so they are set here, ahead of {@link Quarkus#run}, and removed again when the run returns (tests
 * launch several runs in one JVM).
 */
@QuarkusMain
public class CreatorProfilesMain implements QuarkusApplication {

    @Inject
    CommandLine commandLine;

    public static void main(String... args) {
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

    @Override
    public int run(String... args) {
        return commandLine.execute(args);
    }
}
