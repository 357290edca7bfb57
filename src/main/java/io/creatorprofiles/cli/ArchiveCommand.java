package io.creatorprofiles.cli;

import java.time.Duration;

import jakarta.inject.Inject;

import org.bson.Document;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.maintenance.ProfileArchive;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "archive", mixinStandardHelpOptions = true, description = "Reads what repairs archived, for a user or a run, as MongoDB extended JSON.")
public class ArchiveCommand {

    static class Selector {
        @Option(names = "--user", required = true, description = "The userId whose archived documents to show.")
        String userId;

        @Option(names = "--run", required = true, description = "The repair run id whose archived documents to show.")
        String runId;
    }

    @Inject
    ProfileArchive archive;

    @Inject
    ProfilesConfig config;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "One line per archived document: profile id, role, survivor, run, time. Exit 0, or 1 on error.")
    int list(@ArgGroup(exclusive = true, multiplicity = "1") Selector selector,
            @Option(names = "--limit", defaultValue = "1000", description = "At most this many lines.") int limit) {
        archive.find(selector.userId, selector.runId, 0, limit)
                .ifNoItem().after(timeout()).fail()
                .subscribe().asStream().forEach(entry -> System.out.println(line(entry)));
        return ExitCodes.OK;
    }

    @Command(name = "export", mixinStandardHelpOptions = true, description = "Every archived document, one JSON document per line (NDJSON). Exit 0, or 1 on error.")
    int export(@ArgGroup(exclusive = true, multiplicity = "1") Selector selector) {
        archive.find(selector.userId, selector.runId, 0, 0)
                .ifNoItem().after(timeout()).fail()
                .subscribe().asStream().forEach(entry -> System.out.println(entry.toJson(ProfileArchive.EXPORT_JSON)));
        return ExitCodes.OK;
    }

    private Duration timeout() {
        return config.duplicates().commandTimeout();
    }

    private static String line(Document entry) {
        Document key = entry.get("_id", Document.class);
        return String.join("\t", String.valueOf(key.get("profileId")), entry.getString("role"),
                "survivor=" + entry.get("survivorId"), "user=" + entry.get("userId"), "run=" + entry.getString("runId"),
                String.valueOf(entry.getDate("archivedAt").toInstant()));
    }
}
