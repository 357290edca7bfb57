package io.creatorprofiles.cli;

import java.util.concurrent.Callable;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.creatorprofiles.profile.config.ProfilesConfig;
import io.creatorprofiles.profile.duplicates.RepairLeaseHeldException;
import io.creatorprofiles.profile.duplicates.RepairLeaseLostException;
import io.creatorprofiles.profile.migration.MigrationReport;
import io.creatorprofiles.profile.migration.ProfileMigration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true, description = "Gives every profile the old code wrote a string userId and a version, archiving each "
        + "document first, and repairs users found in both forms. A dry run unless --apply. Exit 0: done; 4: a repair or "
        + "migration is running (nothing changed); 5: applied but documents or duplicates are left (see report, run "
        + "again); 1: error.")
public class MigrateCommand implements Callable<Integer> {

    @Option(names = "--apply", description = "Change the data. Without it, only report what would be done.")
    boolean apply;

    @Inject
    ProfileMigration migration;

    @Inject
    ObjectMapper mapper;

    @Inject
    ProfilesConfig config;

    @Override
    public Integer call() throws Exception {
        MigrationReport report;
        try {
            report = (apply ? migration.apply() : migration.dryRun()).await().atMost(config.duplicates().commandTimeout());
        } catch (RepairLeaseHeldException e) {
            System.err.println(e.getMessage());
            return ExitCodes.LEASE_HELD;
        } catch (RepairLeaseLostException e) {
            // The repair of cross-type copies lost its lease to another runner part-way: say so, as the repair does.
            System.err.println(e.getMessage());
            return ExitCodes.LEASE_LOST;
        }
        System.out.println(mapper.writeValueAsString(report));
        return report.complete() ? ExitCodes.OK : ExitCodes.INCOMPLETE;
    }
}
