package io.creatorprofiles.profile.duplicates;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.bson.Document;

import io.creatorprofiles.profile.CreatorProfile;
import io.creatorprofiles.profile.config.ProfilesConfig;
import io.creatorprofiles.profile.duplicates.RepairCheckpoints.Step;
import io.creatorprofiles.profile.index.UniqueUserIdIndex;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Repairs duplicated profiles without losing anything (design invariant 5). Per duplicated user (the copies the scan's
 * aggregation found; copies created after it are left to the next run, and the index then stays DOWN), in passes of at most
 * {@code copies-per-pass} copies: choose the survivor ({@link SurvivorRule}), merge ({@link ProfileMerge}), archive
 * every loser and, if the merge changes it, the survivor's pre-merge state ({@link ProfileArchive}); then write the
 * merge onto the survivor and delete each loser, each only if unchanged since read ({@link DuplicateStore}). A write
 * that finds its document changed ends the pass; the next pass reads again. A user is done when one copy is left.
 * <p>
 * Why a crash followed by a rerun converges: the rule is deterministic, archive entries are keyed by their content
 * (a rerun's inserts are ignored), a merged survivor is the newest and already holds every value (merging it again
 * changes nothing, so no new pre-merge state), and deletes are conditional. One runner at a time ({@link RepairLease}),
 * renewed between batches of {@code batch-size} users. After an apply, {@link UniqueUserIdIndex#ensure()} runs.
 */
@ApplicationScoped
public class DuplicateRepair {

    private static final int MAX_PASSES_PER_USER = 1000;
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final DuplicateStore store;
    private final ProfileArchive archive;
    private final RepairLease lease;
    private final RepairCheckpoints checkpoints;
    private final UniqueUserIdIndex index;
    private final ProfilesConfig.Duplicates config;

    public DuplicateRepair(DuplicateStore store, ProfileArchive archive, RepairLease lease, RepairCheckpoints checkpoints,
            UniqueUserIdIndex index, ProfilesConfig config) {
        this.store = store;
        this.archive = archive;
        this.lease = lease;
        this.checkpoints = checkpoints;
        this.index = index;
        this.config = config.duplicates();
    }

    /** What an apply would do now; reads only, writes nothing, takes no lease. */
    public Uni<RepairReport> dryRun() {
        long started = System.nanoTime();
        String runId = newRunId() + "-dry";
        AtomicInteger listed = new AtomicInteger();
        Tally tally = new Tally();
        return store.duplicatedUsers(false)
                .onItem().transformToUniAndConcatenate(group -> {
                    tally.countGroup(group);
                    if (listed.getAndIncrement() >= config.reportLimit()) {
                        return Uni.createFrom().voidItem();
                    }
                    return store.copiesOf(group, config.copiesPerPass()).invoke(documents -> {
                        SurvivorRule.Choice choice = SurvivorRule.choose(documents.stream().map(ProfileCopy::new).toList());
                        ProfileMerge.Result merge = ProfileMerge.merge(choice);
                        tally.plans.add(new RepairReport.UserPlan(String.valueOf(group.get("_id")), count(group),
                                String.valueOf(choice.survivor().id()), choice.reason(), merge.changedFields()));
                    }).replaceWithVoid();
                })
                .collect().last()
                .map(ignored -> tally.report(runId, true, index.status(), started));
    }

    /** Repairs every duplicated user; refused with {@link RepairLeaseHeldException} while another repair runs. */
    public Uni<RepairReport> apply() {
        long started = System.nanoTime();
        String runId = newRunId();
        String owner = RepairLease.newOwner();
        Tally tally = new Tally();
        Log.infof("Duplicate repair %s starting (owner %s)", runId, owner);
        return lease.acquire(owner)
                .chain(() -> archive.ensureIndexes())
                .chain(() -> store.duplicatedUsers(false)
                        .group().intoLists().of(Math.max(1, config.batchSize()))
                        .onItem().transformToUniAndConcatenate(batch -> lease.renew(owner)
                                .chain(() -> Multi.createFrom().iterable(batch)
                                        .onItem().transformToUniAndConcatenate(group -> {
                                            tally.countGroup(group);
                                            return repairUser(group, runId, tally, 0);
                                        })
                                        .collect().last()))
                        .collect().last())
                .onTermination().call((ignored, failure, cancelled) -> lease.release(owner)
                        .onFailure().invoke(e -> Log.warnf("Releasing the repair lease failed (it expires on its own): %s", e))
                        .onFailure().recoverWithNull())
                .chain(() -> index.ensure())
                .map(status -> tally.report(runId, false, status, started))
                .invoke(report -> Log.infof("Duplicate repair %s finished: %d user(s), %d archived, %d merged, %d deleted, "
                        + "failed %s, index %s", runId, report.usersRepaired(), report.archived(), report.survivorsMerged(),
                        report.deleted(), report.failedUsers(), report.indexState()));
    }

    private Uni<Void> repairUser(Document group, String runId, Tally tally, int pass) {
        Object userId = group.get("_id");
        if (pass >= MAX_PASSES_PER_USER) {
            Log.errorf("Duplicate repair %s: userId %s still has copies after %d passes; left for the next run",
                    runId, userId, pass);
            tally.failedUsers.add(String.valueOf(userId));
            return Uni.createFrom().voidItem();
        }
        return store.copiesOf(group, config.copiesPerPass()).flatMap(documents -> {
            if (documents.size() <= 1) {
                tally.usersRepaired++;
                return canonicalizeLastCopy(documents, userId);
            }
            tally.passes++;
            SurvivorRule.Choice choice = SurvivorRule.choose(documents.stream().map(ProfileCopy::new).toList());
            return onePass(userId, choice, runId, tally).chain(() -> repairUser(group, runId, tally, pass + 1));
        });
    }

    /**
     * The survivor of a user whose copies had both forms ends with the canonical string userId. Only now, with the
     * other copies gone: a unique index on userId would refuse the string while a string copy still exists.
     */
    private Uni<Void> canonicalizeLastCopy(List<Document> documents, Object userId) {
        if (documents.isEmpty() || documents.get(0).get(CreatorProfile.USER_ID) instanceof String) {
            return Uni.createFrom().voidItem();
        }
        return store.canonicalizeUserId(new ProfileCopy(documents.get(0))).invoke(done -> {
            if (!done) {
                Log.warnf("The survivor of userId %s changed before its userId became a string; the migration converts it",
                        userId);
            }
        }).replaceWithVoid();
    }

    private Uni<Void> onePass(Object userId, SurvivorRule.Choice choice, String runId, Tally tally) {
        ProfileCopy survivor = choice.survivor();
        ProfileMerge.Result merge = ProfileMerge.merge(choice);
        List<Uni<Boolean>> archiving = new ArrayList<>();
        if (merge.changesSurvivor()) {
            archiving.add(archive.archive(survivor, ProfileArchive.SURVIVOR_BEFORE_MERGE, survivor.id(), runId,
                    "state before merging " + choice.losers().size() + " duplicate(s) into it; changes "
                            + merge.changedFields()));
        }
        for (ProfileCopy loser : choice.losers()) {
            archiving.add(archive.archive(loser, ProfileArchive.LOSER, survivor.id(), runId,
                    "duplicate of " + survivor.id() + ", which survives by " + choice.reason()));
        }
        Uni<Boolean> survivorWritten = merge.changesSurvivor()
                ? store.mergeIntoSurvivor(survivor, merge.sets(), Instant.now().truncatedTo(ChronoUnit.MILLIS))
                        .map(after -> after != null)
                : Uni.createFrom().item(true);
        return Multi.createFrom().iterable(archiving).onItem().transformToUniAndConcatenate(step -> step)
                .invoke(stored -> tally.archived += stored ? 1 : 0)
                .collect().last()
                .call(() -> checkpoints.reached(Step.AFTER_ARCHIVE, userId))
                .chain(() -> survivorWritten)
                .flatMap(written -> {
                    if (!written) {
                        // The survivor changed since it was read: nothing deleted, the next pass merges again.
                        return Uni.createFrom().voidItem();
                    }
                    tally.survivorsMerged += merge.changesSurvivor() ? 1 : 0;
                    return checkpoints.reached(Step.AFTER_MERGE, userId)
                            .chain(() -> Multi.createFrom().iterable(choice.losers())
                                    .onItem().transformToUniAndConcatenate(loser -> checkpoints
                                            .reached(Step.BEFORE_DELETE, userId)
                                            .chain(() -> store.deleteIfUnchanged(loser)))
                                    .invoke(deleted -> tally.deleted += deleted ? 1 : 0)
                                    .collect().last().replaceWithVoid());
                });
    }

    private static String newRunId() {
        return "repair-" + RUN_TIME.format(Instant.now()) + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static int count(Document group) {
        return ((Number) group.get("count")).intValue();
    }

    /** Counts of one run; touched by one sequential pipeline only. */
    private static final class Tally {
        long usersAffected;
        long surplus;
        long usersRepaired;
        long archived;
        long survivorsMerged;
        long deleted;
        long passes;
        final List<String> failedUsers = new ArrayList<>();
        final List<RepairReport.UserPlan> plans = new ArrayList<>();

        void countGroup(Document group) {
            usersAffected++;
            surplus += count(group) - 1;
        }

        RepairReport report(String runId, boolean dryRun, UniqueUserIdIndex.Status status, long startedNanos) {
            return new RepairReport(runId, dryRun, usersAffected, surplus, usersRepaired, archived, survivorsMerged,
                    deleted, passes, List.copyOf(failedUsers), status.state().name(), status.detail(),
                    (System.nanoTime() - startedNanos) / 1_000_000, dryRun && usersAffected > plans.size(),
                    List.copyOf(plans));
        }
    }
}
