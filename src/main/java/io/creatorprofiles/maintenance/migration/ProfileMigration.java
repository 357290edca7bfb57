package io.creatorprofiles.maintenance.migration;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.maintenance.MaintenanceJob;
import io.creatorprofiles.maintenance.MaintenanceRuns;
import io.creatorprofiles.maintenance.ProfileArchive;
import io.creatorprofiles.maintenance.ProfileCopy;
import io.creatorprofiles.maintenance.RepairLease;
import io.creatorprofiles.maintenance.RepairLeaseHeldException;
import io.creatorprofiles.maintenance.RepairLeaseLostException;
import io.creatorprofiles.maintenance.duplicates.DuplicateRepair;
import io.creatorprofiles.maintenance.duplicates.DuplicateScan;
import io.creatorprofiles.maintenance.duplicates.RepairReport;
import io.creatorprofiles.mongo.CanonicalUserId;
import io.creatorprofiles.profile.CreatorProfile;
import io.creatorprofiles.profile.StoredShape;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Takes over what the old Node/Mongoose code wrote (docs/legacy-data.md): every {@code userId} stored in another
 * form than a string becomes its canonical string ({@link CanonicalUserId}), every document without a {@code version}
 * gets version 1, and each document's prior state goes to the archive (role {@value #BEFORE_MIGRATION}) before it is
 * changed. Nothing else in a document is touched, so no field is lost.
 * <p>
 * A pass pages through the pending documents in {@code _id} order ({@code profiles.migration.page-size} at a time: memory is
 * one page):
 * archive the page, then convert it in one unordered bulk write, each document by {@code _id} and only if unchanged
 * since read. A document whose user also has a copy in the other form is left as it is: converting it would make two
 * copies of one user, or, under a unique index, fail. After the passes, if any user has more than one copy, the
 * duplicate repair ({@link DuplicateRepair}) merges them exactly as it merges any duplicates, and its survivor ends
 * with the string form; then one more pass converts what is left.
 * <p>
 * Why a crash followed by a rerun converges: the pending documents are found again by their content, archive entries
 * are keyed by their content (archiving the same state again is ignored), each conversion is a compare-and-set, and
 * the repair is itself crash-safe. One runner at a time: the maintenance lease ({@link RepairLease}), taken before
 * the first write and released after the last, the repair step included; every write is fenced by it.
 */
@ApplicationScoped
public class ProfileMigration {

    public static final String BEFORE_MIGRATION = "before-migration";
    /** Passes over the pending documents per conversion round; each pass picks up what another writer changed meanwhile. */
    static final int MAX_PASSES = 3;
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final MigrationStore store;
    private final ProfileArchive archive;
    private final RepairLease lease;
    private final DuplicateScan scan;
    private final DuplicateRepair repair;
    private final UniqueUserIdIndex index;
    private final MaintenanceRuns recorded;
    private final int pageSize;

    public ProfileMigration(MigrationStore store, ProfileArchive archive, RepairLease lease, DuplicateScan scan,
            DuplicateRepair repair, UniqueUserIdIndex index, MaintenanceRuns recorded, ProfilesConfig config) {
        this.recorded = recorded;
        this.pageSize = config.migration().pageSize();
        this.store = store;
        this.archive = archive;
        this.lease = lease;
        this.scan = scan;
        this.repair = repair;
        this.index = index;
    }

    /** What an apply would change now: counts only; writes nothing, takes no lease. */
    public Uni<MigrationReport> dryRun() {
        long started = System.nanoTime();
        String runId = newRunId() + "-dry";
        return Uni.combine().all().unis(store.countPending(), store.countNonCanonical(), store.countWithoutVersion(),
                scan.summary(), store.countUnsupported(), scan.unreadable(MigrationStore.pending())).asTuple()
                .map(counts -> new MigrationReport(runId, true, counts.getItem1(), counts.getItem2(), counts.getItem3(), 0,
                        0, 0, 0, 0, null, 0, counts.getItem1(), counts.getItem4().users(), millisSince(started),
                        counts.getItem5(), null, counts.getItem6().count(), counts.getItem6().listed(), 0, List.of()));
    }

    /**
     * Migrates every pending document and waits for the end. The lease is taken before the first write and held to the
     * last, the repair step included: refused with {@link RepairLeaseHeldException} ("nothing was changed") only before
     * anything was written; a lease lost later stops the run at its next write with {@link RepairLeaseLostException}.
     */
    public Uni<MigrationReport> apply() {
        return start().chain(started -> Uni.createFrom().completionStage(started.finished()));
    }

    /** A migration that holds the lease and runs on its own subscription: its id, and its end. */
    public record Started(String runId, CompletableFuture<MigrationReport> finished) {
    }

    /**
     * Takes the lease and starts a migration on its own subscription; the answer comes once the lease is held. The run's
     * record ({@link MaintenanceRuns}) follows it from any instance; its caller going away does not stop it.
     */
    public Uni<Started> start() {
        return Uni.createFrom().deferred(() -> {
            String runId = newRunId();
            String owner = RepairLease.newOwner();
            CompletableFuture<Started> launched = new CompletableFuture<>();
            lease.acquire(MaintenanceJob.MIGRATION, owner, runId)
                    .call(taken -> recorded.started(taken).onFailure().call(failure -> lease.release(taken)))
                    .map(taken -> {
                        RepairLease.Kept kept = lease.keep(taken);
                        Tally tally = new Tally();
                        tally.takenOverFrom = kept.takenOver();
                        Started started = new Started(runId, new CompletableFuture<>());
                        run(runId, tally, kept)
                                .call(report -> recorded.ended(runId, MaintenanceRuns.State.DONE, tally.progress(),
                                        null, report))
                                .onFailure().call(failure -> recorded.ended(runId,
                                        failure instanceof RepairLeaseLostException
                                                ? MaintenanceRuns.State.LEASE_LOST
                                                : MaintenanceRuns.State.FAILED,
                                        tally.progress(), failure.getMessage(), null))
                                // Released only once the end is recorded (see DuplicateRepair#start).
                                .onTermination().call(() -> lease.release(kept))
                                .subscribe().with(started.finished()::complete,
                                        started.finished()::completeExceptionally);
                        return started;
                    }).subscribe().with(launched::complete, launched::completeExceptionally);
            return Uni.createFrom().completionStage(launched);
        });
    }

    /** A migration as recorded, whichever instance runs or ran it. */
    public Uni<Optional<MigrationStatus>> status(String runId) {
        return recorded.find(runId).map(found -> found.filter(run -> run.job() == MaintenanceJob.MIGRATION)
                .map(run -> {
                    Map<String, Object> progress = run.progress() == null ? Map.of() : run.progress();
                    return new MigrationStatus(run.runId(), run.state(), run.startedAt(), run.finishedAt(),
                            number(progress.get("converted")), number(progress.get("archived")),
                            progress.get("repairRunId") instanceof String repairRunId ? repairRunId : null,
                            number(progress.get("usersSeen")), number(progress.get("usersRepaired")), run.message(),
                            recorded.report(run, MigrationReport.class));
                }));
    }

    private static long number(Object value) {
        return value instanceof Number number ? number.longValue() : 0;
    }

    private Uni<MigrationReport> run(String runId, Tally tally, RepairLease.Kept kept) {
        long started = System.nanoTime();
        Log.infof("Migration %s starting (lease epoch %d%s)", runId, kept.epoch(),
                kept.takenOver() == null ? "" : ", taking over the lease of " + kept.takenOver());
        return Uni.combine().all().unis(store.countPending(), store.countNonCanonical(), store.countWithoutVersion(),
                store.countUnsupported())
                .asTuple()
                .invoke(before -> {
                    tally.pendingBefore = before.getItem1();
                    tally.nonCanonicalBefore = before.getItem2();
                    tally.withoutVersionBefore = before.getItem3();
                    tally.unsupported = before.getItem4();
                    Log.infof("Migration %s: %d pending document(s): %d with an ObjectId userId, %d without a version",
                            runId, before.getItem1(), before.getItem2(), before.getItem3());
                    if (before.getItem4() > 0) {
                        Log.warnf("Migration %s: %d profile(s) have a userId that is neither a string nor an ObjectId; "
                                + "left as they are (docs/runbook.md#unsupported-userids)", runId, before.getItem4());
                    }
                })
                .chain(() -> underLease(runId, tally, kept))
                // This instance's write gate opens now rather than at the index bean's next data recheck.
                .call(() -> index.ensure())
                .chain(() -> Uni.combine().all().unis(store.countPending(), scan.summary(),
                        scan.unreadable(MigrationStore.pending())).asTuple())
                .map(left -> tally.report(runId, left.getItem1(), left.getItem2().users(), left.getItem3(), started))
                .invoke(report -> Log.infof("Migration %s finished: %d converted, %d archived, %d left in both forms "
                        + "for the repair, %d changed meanwhile; left: %d pending, %d duplicated user(s)", runId,
                        report.converted(), report.archived(), report.crossTypeCopies(), report.changedMeanwhile(),
                        report.pendingLeft(), report.duplicatedUsersLeft()))
                .invoke(report -> {
                    if (report.unreadableDocuments() > 0 || report.usersFailed() > 0) {
                        Log.warnf("Migration %s: %d document(s) this service cannot read left as they are, %d user(s) "
                                + "the repair left as they were (the report's unreadable and failedUsers; "
                                + "docs/runbook.md#unreadable-profiles)", runId, report.unreadableDocuments(),
                                report.usersFailed());
                    }
                })
                .onFailure().invoke(failure -> Log.errorf("Migration %s stopped: %s", runId, failure.getMessage()));
    }

    /** The conversion passes, the repair of users found in both forms, and the passes after it: one lease for all. */
    private Uni<Void> underLease(String runId, Tally tally, RepairLease.Kept kept) {
        return archive.ensureIndexes()
                .chain(() -> passes(runId, kept, tally, 0))
                .chain(() -> scan.summary())
                .chain(duplicated -> {
                    if (duplicated.users() == 0) {
                        return Uni.createFrom().voidItem();
                    }
                    Log.infof("Migration %s: %d user(s) have more than one copy (%d in both forms); repairing them",
                            runId, duplicated.users(), tally.crossTypeCopies);
                    return repair.applyHolding(kept, repairing -> {
                        tally.repairRunId = repairing.runId();
                        tally.usersSeen = repairing.usersSeen();
                        tally.usersRepaired = repairing.usersRepaired();
                        return tally.progress();
                    })
                            .invoke(repaired -> {
                                tally.repairRunId = repaired.runId();
                                tally.usersRepaired = repaired.usersRepaired();
                                tally.usersFailed = repaired.usersFailed();
                                tally.failedUsers = repaired.failedUsers();
                            })
                            .onFailure(RepairLeaseLostException.class)
                            .transform(lost -> new RepairLeaseLostException(tally.done() + ", then " + lost
                                    .getMessage().replaceFirst("^lease lost after ", "").replaceFirst("; rerun$", "")))
                            .chain(() -> passes(runId, kept, tally, 0));
                });
    }

    private Uni<Void> passes(String runId, RepairLease.Kept kept, Tally tally, int done) {
        if (done >= MAX_PASSES) {
            return Uni.createFrom().voidItem();
        }
        tally.passes++;
        tally.changedInPass = 0;
        // Another pass only for documents another writer changed between read and write; the rest is converted.
        return pass(runId, kept, tally)
                .chain(() -> tally.changedInPass > 0
                        ? passes(runId, kept, tally, done + 1)
                        : Uni.createFrom().voidItem());
    }

    /**
     * One pass: the pending documents page by page, one page after the other. A stream, not a recursion: each page is
     * released once converted, so the heap holds one page (and the next one being read) whatever the collection size.
     */
    private Uni<Void> pass(String runId, RepairLease.Kept kept, Tally tally) {
        return Multi.createBy().repeating()
                .uni(() -> new AtomicReference<>(), (AtomicReference<Object> after) -> store
                        .nextPage(after.get(), pageSize)
                        .invoke(page -> {
                            if (!page.isEmpty()) {
                                after.set(page.get(page.size() - 1).get("_id"));
                            }
                        }))
                .until(List::isEmpty)
                .onItem().transformToUniAndConcatenate(page -> store.usersInBothForms(page)
                        .flatMap(inBothForms -> convertPage(runId, tally, kept, page, inBothForms))
                        .call(() -> recorded.progressed(kept, tally.progress(), false, tally::done))
                        .invoke(() -> Log.infof("Migration %s: %d converted, %d archived, %d in both forms so far (page "
                                + "up to _id %s)", runId, tally.converted, tally.archived, tally.crossTypeCopies,
                                page.get(page.size() - 1).get("_id"))))
                .collect().last()
                .replaceWithVoid();
    }

    /**
     * Archives the page's convertible documents (entries built on a worker thread, one bulk insert), then converts
     * them; each of the two writes is fenced by the lease. A document this service could not read even once converted
     * ({@link StoredShape#checkBesideUserId}: everything but the userId's form, and a missing version reads as none) is
     * neither archived nor converted: it stays byte for byte for a person to correct, and the report lists it.
     */
    private Uni<Void> convertPage(String runId, Tally tally, RepairLease.Kept kept, List<Document> page,
            Set<String> inBothForms) {
        List<Document> convertible = page.stream()
                .filter(document -> StoredShape.checkBesideUserId(document) == null)
                .filter(document -> {
                    boolean twin = !(document.get(CreatorProfile.USER_ID) instanceof String)
                            && inBothForms.contains(CanonicalUserId.of(document.get(CreatorProfile.USER_ID)));
                    tally.crossTypeCopies += twin ? 1 : 0;
                    return !twin;
                }).toList();
        if (convertible.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().item(() -> convertible.stream()
                .map(document -> ProfileArchive.entry(new ProfileCopy(document), BEFORE_MIGRATION, document.get("_id"),
                        runId, "state before the migration gave it a string userId and a version"))
                .toList())
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(entries -> archive.storeAll(entries, kept, () -> fence(kept, tally)))
                .invoke(stored -> tally.archived += stored)
                .call(() -> fence(kept, tally))
                .chain(() -> store.convert(convertible, kept.writeCondition()))
                .invoke(converted -> {
                    tally.converted += converted.modified();
                    tally.crossTypeCopies += converted.collided();
                    tally.changedMeanwhile += converted.unmatched();
                    tally.changedInPass += converted.unmatched();
                })
                .replaceWithVoid();
    }

    private Uni<Void> fence(RepairLease.Kept kept, Tally tally) {
        return lease.fence(kept, tally::done);
    }

    private static String newRunId() {
        return "migrate-" + RUN_TIME.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** Counts of one run; touched by one sequential pipeline only (the archive's merge(16) reports back in order). */
    private static final class Tally {
        long pendingBefore;
        long nonCanonicalBefore;
        long withoutVersionBefore;
        long archived;
        long converted;
        long crossTypeCopies;
        long changedMeanwhile;
        long changedInPass;
        long passes;
        String repairRunId;
        long usersSeen;
        long usersRepaired;
        long usersFailed;
        List<RepairReport.FailedUser> failedUsers = List.of();
        long unsupported;
        String takenOverFrom;

        /** What the run's record holds as its progress; its repair step's as well once that has started. */
        Map<String, Object> progress() {
            Map<String, Object> progress = new LinkedHashMap<>();
            progress.put("converted", converted);
            progress.put("archived", archived);
            if (repairRunId != null) {
                progress.put("repairRunId", repairRunId);
                progress.put("usersSeen", usersSeen);
            }
            progress.put("usersRepaired", usersRepaired);
            return progress;
        }

        String done() {
            return converted + " documents were converted and " + archived + " archived";
        }

        MigrationReport report(String runId, long pendingLeft, long duplicatedUsersLeft,
                DuplicateScan.Unreadables unreadable, long startedNanos) {
            return new MigrationReport(runId, false, pendingBefore, nonCanonicalBefore, withoutVersionBefore, archived,
                    converted, crossTypeCopies, changedMeanwhile, passes, repairRunId, usersRepaired, pendingLeft,
                    duplicatedUsersLeft, millisSince(startedNanos), unsupported, takenOverFrom, unreadable.count(),
                    unreadable.listed(), usersFailed, failedUsers);
        }
    }
}
