package io.creatorprofiles.cli;

import java.util.concurrent.Callable;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.maintenance.migration.MigrationReport;
import io.creatorprofiles.maintenance.migration.ProfileMigration;
import io.creatorprofiles.mongo.ProfileCollections;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true, description = "Gives every profile the old code wrote a string userId and a version, archiving each "
        + "document first, and repairs users found in both forms. A dry run unless --apply. Exit 0: done; 4: a repair or "
        + "migration is running (nothing changed); 5: applied but documents or duplicates are left (see report, run "
        + "again); 6: the lease was lost mid-run (what was done is reported; rerun); 7: the configured collection is empty and another one holds profiles (nothing read); 1: error.")
public class MigrateCommand implements Callable<Integer> {

    @Option(names = "--apply", description = "Change the data. Without it, only report what would be done.")
    boolean apply;

    @Inject
    ProfileMigration migration;

    @Inject
    ObjectMapper mapper;

    @Inject
    ProfilesConfig config;

    @Inject
    ProfileCollections collections;

    @Override
    public Integer call() throws Exception {
        return LeasedJob.run(apply ? migration.apply() : migration.dryRun(), MigrationReport::complete,
                config.duplicates().commandTimeout(), mapper, collections);
    }
}
