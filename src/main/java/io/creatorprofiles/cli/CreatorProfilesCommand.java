package io.creatorprofiles.cli;

import java.util.concurrent.Callable;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import io.quarkus.runtime.Quarkus;
import picocli.CommandLine.Command;

/**
 * The artifact's entry point. Without a subcommand it is the HTTP service (also under quarkus:dev and in the packaged
 * jar with no arguments); with one it runs a maintenance job against the configured MongoDB and exits.
 */
@TopCommand
@Command(name = "creator-profiles", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class, subcommands = {
        ScanCommand.class, RepairCommand.class,
        MigrateCommand.class,
        ArchiveCommand.class }, description = "Runs the creator-profiles service; with a subcommand, a one-off maintenance job.", exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
                "0:done; scan: no duplicates", "1:error", "2:invalid arguments",
                "3:scan: duplicates, unsupported userIds or unreadable profiles found",
                "4:repair, migrate: another repair or migration holds the lease, nothing changed",
                "5:repair, migrate: applied, but some users, documents or the unique index are not in order yet",
                "6:repair, migrate: the lease was lost during the run (another runner took over); rerun",
                "7:scan, repair, migrate: the configured collection is empty and another collection holds documents with a userId; nothing read or changed" })
public class CreatorProfilesCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        Quarkus.waitForExit();
        return ExitCodes.OK;
    }
}
