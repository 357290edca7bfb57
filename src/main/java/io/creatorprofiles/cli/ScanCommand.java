package io.creatorprofiles.cli;

import java.util.concurrent.Callable;

import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.maintenance.duplicates.DuplicateScan;
import io.creatorprofiles.maintenance.duplicates.ScanReport;
import io.creatorprofiles.mongo.DataLocation;
import io.creatorprofiles.mongo.ProfileCollections;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "scan", mixinStandardHelpOptions = true, description = "Lists every userId with more than one profile, and profiles this service cannot read. Exit 0: none; 3: duplicates, unsupported userIds or unreadable profiles found; 7: the configured collection is empty and another one holds profiles (nothing read); 1: error.")
public class ScanCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print the report as one line of JSON instead of a table.")
    boolean json;

    @Option(names = "--limit", description = "List at most this many users in detail (default: profiles.duplicates.report-limit).")
    Integer limit;

    @Inject
    DuplicateScan scan;

    @Inject
    ObjectMapper mapper;

    @Inject
    ProfilesConfig config;

    @Inject
    ProfileCollections collections;

    @Override
    public Integer call() throws Exception {
        DataLocation location = DataPlace.check(collections, config.duplicates().commandTimeout());
        if (location == null) {
            return ExitCodes.WRONG_COLLECTION;
        }
        ScanReport report = scan.scan(limit == null ? config.duplicates().reportLimit() : limit)
                .await().atMost(config.duplicates().commandTimeout());
        System.out.println(json ? DataPlace.json(mapper, report, location)
                : DataPlace.heading(location) + System.lineSeparator() + report.toTable());
        return report.clean() ? ExitCodes.OK : ExitCodes.DUPLICATES_FOUND;
    }
}
