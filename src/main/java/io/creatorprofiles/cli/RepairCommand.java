package io.creatorprofiles.cli;

import java.util.concurrent.Callable;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.maintenance.duplicates.DuplicateRepair;
import io.creatorprofiles.maintenance.duplicates.RepairReport;
import io.creatorprofiles.mongo.ProfileCollections;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "repair", mixinStandardHelpOptions = true, description = "Merges duplicated profiles into one per user, archiving everything first. A dry run unless "
        + "--apply. Exit 0: done; 4: a repair or migration is running (nothing changed); 5: applied but not all in "
        + "order (failedUsers or the index, see report); 6: the lease was lost mid-run (rerun); 7: the configured collection is empty and another one holds profiles (nothing read); 1: error.")
public class RepairCommand implements Callable<Integer> {

    @Option(names = "--apply", description = "Change the data. Without it, only report what would be done.")
    boolean apply;

    @Inject
    DuplicateRepair repair;

    @Inject
    ObjectMapper mapper;

    @Inject
    ProfilesConfig config;

    @Inject
    ProfileCollections collections;

    @Override
    public Integer call() throws Exception {
        return LeasedJob.run(apply ? repair.apply() : repair.dryRun(), RepairReport::complete,
                config.duplicates().commandTimeout(), mapper, collections);
    }
}
