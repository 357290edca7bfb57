package io.creatorprofiles.maintenance.duplicates;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.BSONException;
import org.bson.Document;
import org.bson.types.ObjectId;

import com.mongodb.MongoServerException;

import io.creatorprofiles.config.ProfilesConfig;
import io.creatorprofiles.maintenance.MaintenanceJob;
import io.creatorprofiles.maintenance.MaintenanceRuns;
import io.creatorprofiles.maintenance.ProfileArchive;
import io.creatorprofiles.maintenance.ProfileCopy;
import io.creatorprofiles.maintenance.RepairLease;
import io.creatorprofiles.maintenance.RepairLeaseHeldException;
import io.creatorprofiles.maintenance.RepairLeaseLostException;
import io.creatorprofiles.profile.CreatorProfile;
import io.creatorprofiles.uniqueness.UniqueUserIdIndex;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * Repairs duplicated profiles without losing anything (design invariant 5). Per duplicated user (the copies the scan's
 * aggregation found; copies created after it are left to the next run, and the index then stays DOWN), in passes of at most
 * {@code copies-per-pass} copies: choose the survivor ({@link SurvivorRule}), merge ({@link ProfileMerge}), archive
 * every loser and, if the merge changes it, the survivor's pre-merge state ({@link ProfileArchive}, one bulk insert);
 * then write the merge onto the survivor and delete the losers (one bulk write), each only if unchanged since read
 * ({@link DuplicateStore}). A write that finds its document changed ends the pass; the next pass reads again. A user
 * is done when one copy is left.
 * <p>
 * A user whose copies cannot be merged (see {@link UnmergeableCopiesException}, or MongoDB refusing one of its writes)
 * is listed in {@code failedUsers} with the reason and the run goes on; profiles without a userId are never merged
 * (they may be different people) and are listed the same way. Only an unavailable database, or a lost lease, stops a
 * run. Merging, hashing and report building run on worker threads, never on an event loop.
 * <p>
 * Why a crash followed by a rerun converges: the rule is deterministic, archive entries are keyed by their content
 * (a rerun's inserts are ignored), a merged survivor already holds the merge and outranks every copy's version (merging
 * it again changes nothing, so no new pre-merge state), and deletes are conditional. One runner at a time
 * ({@link RepairLease}, renewed on a timer; the run checks it before each write). After an apply,
 * {@link UniqueUserIdIndex#ensure()} runs.
 */
@ApplicationScoped
public class DuplicateRepair {

    private static final int MAX_PASSES_PER_USER = 1000;
    /** Finished runs kept for {@code GET …/repair/{runId}}; the oldest is forgotten first. */
    private static final int RUNS_KEPT = 20;
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final DuplicateStore store;
    private final ProfileArchive archive;
    private final RepairLease lease;
    private final UniqueUserIdIndex index;
    private final MaintenanceRuns recorded;
    private final ProfilesConfig.Duplicates config;
    private final Map<String, RepairRun> runs = Collections.synchronizedMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RepairRun> eldest) {
            return size() > RUNS_KEPT;
        }
    });

    public DuplicateRepair(DuplicateStore store, ProfileArchive archive, RepairLease lease, UniqueUserIdIndex index,
            MaintenanceRuns recorded, ProfilesConfig config) {
        this.recorded = recorded;
        this.store = store;
        this.archive = archive;
        this.lease = lease;
        this.index = index;
        this.config = config.duplicates();
    }

    /** What an apply would do now; reads only, writes nothing, takes no lease. */
    public Uni<RepairReport> dryRun() {
        long started = System.nanoTime();
        String runId = newRunId() + "-dry";
        AtomicInteger listed = new AtomicInteger();
        Tally tally = new Tally(config.reportLimit());
        return store.duplicatedUsersByPage()
                .onItem().transformToUniAndConcatenate(group -> {
                    Object userId = group.get("_id");
                    if (userId == null) {
                        tally.countGroup(count(group));
                        tally.fail(null, unattributed(group));
                        return Uni.createFrom().voidItem();
                    }
                    if (listed.getAndIncrement() >= config.reportLimit()) {
                        tally.countGroup(count(group));
                        tally.truncated = true;
                        return Uni.createFrom().voidItem();
                    }
                    return store.copiesOf(group, config.copiesPerPass())
                            .emitOn(Infrastructure.getDefaultWorkerPool())
                            .invoke(documents -> {
                                // Copies that went since the aggregation (a repair, an operator) are not planned for:
                                // fewer than it counted, all of them read, is the count now; one or none is no duplicate.
                                int copies = documents.size() < count(group) && documents.size() < config.copiesPerPass()
                                        ? documents.size()
                                        : count(group);
                                if (copies < 2) {
                                    return;
                                }
                                tally.countGroup(copies);
                                try {
                                    SurvivorRule.Choice choice = SurvivorRule
                                            .choose(documents.stream().map(ProfileCopy::new).toList());
                                    MergeChecks.requireReadable(choice.ranked());
                                    ProfileMerge.Result merge = ProfileMerge.merge(choice);
                                    tally.plans.add(new RepairReport.UserPlan(String.valueOf(userId), copies,
                                            String.valueOf(choice.survivor().id()), choice.reason(),
                                            merge.changedFields()));
                                    tally.leftOut(userId, choice.survivor().id(), merge.galleryLeftOut());
                                } catch (UnmergeableCopiesException e) {
                                    tally.fail(userId, e.getMessage());
                                }
                            }).replaceWithVoid();
                })
                .collect().last()
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(ignored -> tally.report(runId, true, index.status(), started, null));
    }

    /**
     * Repairs every duplicated user and waits for the end; refused with {@link RepairLeaseHeldException} while another runs.
     */
    public Uni<RepairReport> apply() {
        return start().chain(RepairRun::finished);
    }

    /**
     * Takes the lease and starts a repair on its own subscription; the answer comes once the lease is held, long before
     * the repair ends ({@link RepairRun#finished()}). Cancelling the returned Uni, or its caller going away, does not
     * stop the run. Refused with {@link RepairLeaseHeldException} while another repair or a migration runs.
     */
    public Uni<RepairRun> start() {
        return Uni.createFrom().deferred(() -> {
            String runId = newRunId();
            String owner = RepairLease.newOwner();
            // Its own subscription: a caller that goes away while the lease is being taken (an HTTP client timing
            // out) must neither leave a taken lease without a run nor stop the run.
            CompletableFuture<RepairRun> launched = new CompletableFuture<>();
            lease.acquire(MaintenanceJob.REPAIR, owner, runId)
                    .call(taken -> recorded.started(taken)
                            .onFailure().call(failure -> lease.release(taken)))
                    .map(taken -> {
                        RepairRun run = new RepairRun(runId);
                        runs.put(runId, run);
                        RepairLease.Kept kept = lease.keep(taken);
                        Log.infof("Duplicate repair %s starting (owner %s, lease epoch %d%s)", runId, owner,
                                kept.epoch(),
                                kept.takenOver() == null ? "" : ", taking over the lease of " + kept.takenOver());
                        work(run, kept, RepairRun::progress)
                                .call(report -> recorded.ended(runId, MaintenanceRuns.State.DONE, run.progress(),
                                        null, report))
                                .onFailure().call(failure -> recorded.ended(runId, RepairRun.stateOf(failure),
                                        run.progress(), failure.getMessage(), null))
                                // Released only once the end is recorded: a run recorded as running without a live
                                // lease is shown as interrupted, so the other order showed every finished run as
                                // interrupted for a moment.
                                .onTermination().call(() -> lease.release(kept))
                                .subscribe().with(run::done, run::stopped);
                        return run;
                    }).subscribe().with(launched::complete, launched::completeExceptionally);
            return Uni.createFrom().completionStage(launched);
        });
    }

    /**
     * Repairs every duplicated user under a lease another job took and keeps (the migration's own repair step): every
     * write is fenced by that lease, which stays taken when the repair ends. The repair has no run record of its own:
     * its progress goes onto the record of the run that holds the lease ({@link MaintenanceRuns#progressed}), as
     * {@code progressOf} folds it into that run's progress, when it starts, as it goes (as a repair records its own)
     * and when it is done, so that any instance sees how far the step is.
     */
    public Uni<RepairReport> applyHolding(RepairLease.Kept kept, Function<RepairStatus, Map<String, Object>> progressOf) {
        return Uni.createFrom().deferred(() -> {
            RepairRun run = new RepairRun(newRunId());
            runs.put(run.runId(), run);
            Log.infof("Duplicate repair %s starting under the lease of %s run %s", run.runId(), kept.job().words(),
                    kept.runId());
            Function<RepairRun, Map<String, Object>> progress = repairing -> progressOf.apply(repairing.status());
            return recorded.progressed(kept, progress.apply(run), true, () -> run.usersRepaired.get() + " users were repaired")
                    .chain(() -> work(run, kept, progress))
                    .call(() -> recorded.progressed(kept, progress.apply(run), true,
                            () -> run.usersRepaired.get() + " users were repaired"))
                    .invoke(run::done).onFailure().invoke(run::stopped);
        });
    }

    /**
     * A run as recorded in the database (any instance's, also after that instance is gone), or, for a repair that ran
     * inside a migration, as this instance knows it.
     */
    public Uni<Optional<RepairStatus>> status(String runId) {
        return recorded.find(runId).map(found -> found.map(this::status)
                .or(() -> run(runId).map(RepairRun::status)));
    }

    /** The newest recorded repairs (at most {@value #RUNS_KEPT}), newest first. */
    public Uni<List<RepairStatus>> statuses() {
        return recorded.latest(MaintenanceJob.REPAIR, RUNS_KEPT).map(found -> found.stream().map(this::status).toList());
    }

    private RepairStatus status(MaintenanceRuns.Recorded run) {
        Map<String, Object> progress = run.progress() == null ? Map.of() : run.progress();
        return new RepairStatus(run.runId(), run.state(), run.startedAt(), run.finishedAt(),
                number(progress.get("usersSeen")), number(progress.get("usersRepaired")), run.message(),
                recorded.report(run, RepairReport.class));
    }

    private static long number(Object value) {
        return value instanceof Number number ? number.longValue() : 0;
    }

    /** The runs this instance knows (the last {@value #RUNS_KEPT}), newest first. */
    public List<RepairRun> runs() {
        List<RepairRun> known;
        synchronized (runs) {
            known = new ArrayList<>(runs.values());
        }
        Collections.reverse(known);
        return known;
    }

    /** A run of this instance, while it runs and for a while after (the last {@value #RUNS_KEPT}). */
    public Optional<RepairRun> run(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    /** The repair itself; {@code progress} is what the record of the run holding the lease gets as it goes. */
    private Uni<RepairReport> work(RepairRun run, RepairLease.Kept kept, Function<RepairRun, Map<String, Object>> progress) {
        long started = System.nanoTime();
        Tally tally = new Tally(config.reportLimit());
        return archive.ensureIndexes()
                .chain(() -> store.duplicatedUsersByPage()
                        .onItem().transformToUniAndConcatenate(group -> {
                            tally.countGroup(count(group));
                            run.usersSeen.incrementAndGet();
                            return repairUser(group, run.runId(), tally, kept, 0)
                                    .invoke(() -> run.usersRepaired.set(tally.usersRepaired))
                                    .call(() -> recorded.progressed(kept, progress.apply(run), false,
                                            () -> tally.usersRepaired + " users were repaired"));
                        })
                        .collect().last())
                .chain(() -> index.ensure())
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(status -> tally.report(run.runId(), false, status, started, kept.takenOver()))
                .invoke(report -> Log.infof("Duplicate repair %s finished: %d user(s), %d archived, %d merged, %d deleted, "
                        + "%d failed, index %s", run.runId(), report.usersRepaired(), report.archived(),
                        report.survivorsMerged(), report.deleted(), tally.usersFailed, report.indexState()))
                .onFailure()
                .invoke(failure -> Log.errorf("Duplicate repair %s stopped: %s", run.runId(), failure.getMessage()));
    }

    private Uni<Void> repairUser(Document group, String runId, Tally tally, RepairLease.Kept kept, int pass) {
        Object userId = group.get("_id");
        if (userId == null) {
            tally.fail(null, unattributed(group));
            return Uni.createFrom().voidItem();
        }
        if (pass >= MAX_PASSES_PER_USER) {
            Log.errorf("Duplicate repair %s: userId %s still has copies after %d passes; left for the next run",
                    runId, userId, pass);
            tally.fail(userId, "still has copies after " + pass + " passes (they keep changing); left for the next run");
            return Uni.createFrom().voidItem();
        }
        return store.copiesOf(group, config.copiesPerPass())
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(documents -> {
                    if (documents.size() <= 1) {
                        tally.usersRepaired++;
                        return canonicalizeLastCopy(documents, userId, tally, kept);
                    }
                    tally.passes++;
                    Pass planned = Pass.plan(documents, runId);
                    Log.debugf("Duplicate repair %s: merged %d copies of userId %s into survivor %s; writing it", runId,
                            documents.size(), userId, planned.choice().survivor().id());
                    return onePass(userId, planned, tally, kept)
                            .chain(() -> repairUser(group, runId, tally, kept, pass + 1));
                })
                .onFailure(DuplicateRepair::concernsThisUserOnly).recoverWithUni(failure -> {
                    Log.errorf("Duplicate repair %s: userId %s not repaired: %s", runId, userId, failure.getMessage());
                    tally.fail(userId, reason(failure));
                    return Uni.createFrom().voidItem();
                });
    }

    /**
     * The survivor of a user whose copies had both forms ends with the canonical string userId. Only now, with the
     * other copies gone: a unique index on userId would refuse the string while a string copy still exists.
     */
    private Uni<Void> canonicalizeLastCopy(List<Document> documents, Object userId, Tally tally,
            RepairLease.Kept kept) {
        if (documents.isEmpty() || !(documents.get(0).get(CreatorProfile.USER_ID) instanceof ObjectId)) {
            return Uni.createFrom().voidItem();
        }
        return fence(kept, tally)
                .chain(() -> store.canonicalizeUserId(new ProfileCopy(documents.get(0)), kept.writeCondition()).invoke(done -> {
                    if (!done) {
                        Log.warnf(
                                "The survivor of userId %s changed before its userId became a string; the migration converts it",
                                userId);
                    }
                }).replaceWithVoid());
    }

    /** One pass over one user's copies, computed on a worker thread before anything is written. */
    private record Pass(SurvivorRule.Choice choice, ProfileMerge.Result merge, List<Document> archiveEntries) {

        static Pass plan(List<Document> documents, String runId) {
            SurvivorRule.Choice choice = SurvivorRule.choose(documents.stream().map(ProfileCopy::new).toList());
            MergeChecks.requireReadable(choice.ranked());
            ProfileMerge.Result merge = ProfileMerge.merge(choice);
            ProfileCopy survivor = choice.survivor();
            List<Document> entries = new ArrayList<>();
            if (merge.changesSurvivor()) {
                entries.add(ProfileArchive.entry(survivor, ProfileArchive.SURVIVOR_BEFORE_MERGE, survivor.id(), runId,
                        "state before merging " + choice.losers().size() + " duplicate(s) into it; changes "
                                + merge.changedFields()));
            }
            for (ProfileCopy loser : choice.losers()) {
                entries.add(ProfileArchive.entry(loser, ProfileArchive.LOSER, survivor.id(), runId,
                        "duplicate of " + survivor.id() + ", which survives by " + choice.reason()));
            }
            return new Pass(choice, merge, entries);
        }
    }

    private Uni<Void> onePass(Object userId, Pass pass, Tally tally, RepairLease.Kept kept) {
        ProfileCopy survivor = pass.choice().survivor();
        ProfileMerge.Result merge = pass.merge();
        return archive.storeAll(pass.archiveEntries(), kept, () -> fence(kept, tally))
                .invoke(stored -> tally.archived += stored)
                .chain(() -> fence(kept, tally))
                .chain(() -> merge.changesSurvivor()
                        ? store.mergeIntoSurvivor(survivor, merge.sets(), kept.writeCondition()).map(after -> after != null)
                        : Uni.createFrom().item(true))
                .flatMap(written -> {
                    if (!written) {
                        // The survivor changed since it was read: nothing deleted, the next pass merges again.
                        return Uni.createFrom().voidItem();
                    }
                    tally.survivorsMerged += merge.changesSurvivor() ? 1 : 0;
                    tally.leftOut(userId, survivor.id(), merge.galleryLeftOut());
                    return fence(kept, tally)
                            .chain(() -> store.deleteAllIfUnchanged(pass.choice().losers(), kept.writeCondition()))
                            .invoke(deleted -> tally.deleted += deleted)
                            .replaceWithVoid();
                });
    }

    /**
     * Fails with {@link RepairLeaseLostException} unless the lease is still ours and the newest one (the server is
     * asked): checked just before every write.
     */
    private Uni<Void> fence(RepairLease.Kept kept, Tally tally) {
        return lease.fence(kept, () -> tally.usersRepaired + " users were repaired");
    }

    /**
     * Failures that are about this user's data, not about the run: the copies cannot be merged, or MongoDB refused one
     * of this user's writes (an unreachable MongoDB arrives as DatabaseUnavailableException and stops the run).
     */
    private static boolean concernsThisUserOnly(Throwable failure) {
        return failure instanceof UnmergeableCopiesException || failure instanceof MongoServerException
                || failure instanceof BSONException || failure instanceof IllegalArgumentException;
    }

    private static String reason(Throwable failure) {
        if (failure instanceof UnmergeableCopiesException) {
            return failure.getMessage();
        }
        if (failure instanceof MongoServerException server) {
            return "MongoDB refused a write for this user (code " + server.getCode() + "): " + server.getMessage();
        }
        return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }

    private static String unattributed(Document group) {
        return count(group) + " profiles have no userId (missing or null); not merged, they may belong to different "
                + "people: review them by hand";
    }

    private static String newRunId() {
        return "repair-" + RUN_TIME.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static int count(Document group) {
        return ((Number) group.get("count")).intValue();
    }

    /** Counts of one run; touched by one sequential pipeline only. Lists are capped at the report limit. */
    private static final class Tally {
        final int limit;
        long usersAffected;
        long surplus;
        long usersRepaired;
        long usersFailed;
        long archived;
        long survivorsMerged;
        long deleted;
        long passes;
        final List<RepairReport.FailedUser> failedUsers = new ArrayList<>();
        final Map<String, RepairReport.GalleryLeftOut> leftOut = new LinkedHashMap<>();
        final List<RepairReport.UserPlan> plans = new ArrayList<>();

        Tally(int limit) {
            this.limit = limit;
        }

        /** Some user is missing from the report's lists because they reached the report limit; nothing else. */
        boolean truncated;

        void countGroup(int copies) {
            usersAffected++;
            surplus += copies - 1;
        }

        void fail(Object userId, String reason) {
            usersFailed++;
            if (failedUsers.size() < limit) {
                failedUsers.add(new RepairReport.FailedUser(userId == null ? null : String.valueOf(userId), reason));
            } else {
                truncated = true;
            }
        }

        void leftOut(Object userId, Object survivorId, List<Object> items) {
            String user = String.valueOf(userId);
            if (items.isEmpty()) {
                return;
            }
            if (leftOut.containsKey(user) || leftOut.size() < limit) {
                leftOut.put(user, new RepairReport.GalleryLeftOut(user, String.valueOf(survivorId),
                        items.stream().map(Tally::name).toList()));
            } else {
                truncated = true;
            }
        }

        private static String name(Object item) {
            return item instanceof Map<?, ?> map && map.get("url") != null ? String.valueOf(map.get("url"))
                    : String.valueOf(item);
        }

        RepairReport report(String runId, boolean dryRun, UniqueUserIdIndex.Status status, long startedNanos,
                String takenOver) {
            return new RepairReport(runId, dryRun, usersAffected, surplus, usersRepaired, archived, survivorsMerged,
                    deleted, passes, usersFailed, List.copyOf(failedUsers), List.copyOf(leftOut.values()),
                    status.state().name(), status.detail(), (System.nanoTime() - startedNanos) / 1_000_000,
                    truncated, List.copyOf(plans), takenOver);
        }
    }
}
