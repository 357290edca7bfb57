package io.creatorprofiles.testing;

import io.creatorprofiles.maintenance.RepairLease;
import io.creatorprofiles.testing.FaultInjectingBackend.Fault;
import io.creatorprofiles.testing.FaultInjectingBackend.Match;

/**
 * The commands of the maintenance jobs (repair, migration) as the embedded server receives them, for a test that fails
 * or holds a job between two of its steps: each step is followed by one of these. Each names its collection and, where
 * one job sends several alike, the text only it carries, so the service's background checks (index checks, the scan,
 * the lease reads of a renewal) never match.
 */
public final class JobCommands {

    public static final String PROFILES = "creator_profiles";
    public static final String ARCHIVE = PROFILES + "_archive";
    public static final String LEASES = PROFILES + "_leases";
    public static final String RUNS = PROFILES + "_runs";

    private JobCommands() {
    }

    /**
     * A repair's archive write of one user's pass: its losers, and the survivor's state before the merge. The embedded
     * server compares its clock in a filter, so the entries go in by an aggregation over the run's lease document that
     * {@code $merge}s them into the archive while the lease is live.
     */
    public static Match archiveWriteOf(String userId) {
        return new Match("aggregate", LEASES, MERGE, userId);
    }

    /** The repair's archive write of a pass's losers, whoever the user. */
    public static Match losersArchived() {
        return new Match("aggregate", LEASES, MERGE, "\"loser\"");
    }

    /** The stage that writes an aggregation's output into a collection: an archive write of a run. */
    public static final String MERGE = "$merge";

    /** A repair's write of the merge onto one user's survivor, only if it is unchanged since read. */
    public static Match survivorMergeOf(String userId) {
        return new Match("findAndModify", PROFILES, userId);
    }

    /** A repair's delete of one user's losers (one bulk write). */
    public static Match losersDeleteOf(String userId) {
        return new Match("delete", PROFILES, userId);
    }

    /** A repair's read of one user's copies: its filter names their ids, {@code copyId} among them. */
    public static Match copiesRead(String copyId) {
        return new Match("find", PROFILES, copyId);
    }

    /** The lease check a run makes just before each of its writes. */
    public static Match fence() {
        return new Match("find", LEASES, RepairLease.FENCE_COMMENT);
    }

    /**
     * What a run sends next when it goes on from a step: its lease check, or, should it skip that, any write of profiles
     * or archive. A pause held on the first of these holds the run before it can write, fenced or not.
     */
    public static Match[] fenceOrWrite() {
        return new Match[] { fence(), new Match("aggregate", LEASES, MERGE), new Match("insert", ARCHIVE),
                new Match("insert", PROFILES),
                new Match("update", PROFILES), new Match("findAndModify", PROFILES), new Match("delete", PROFILES) };
    }

    /** A run's renewal of its lease (its release sets another field). */
    public static Match renewal() {
        return new Match("update", LEASES, "\"expiresAt\"");
    }

    /** A migration's conversion of one page (one unordered bulk update; the repair's updates are ordered). */
    public static Match pageConversion() {
        return new Match("update", PROFILES, "\"ordered\" : false");
    }

    /** A migration's read of its next page of pending documents. */
    public static Match pendingPageRead() {
        return new Match("find", PROFILES, "\"$type\" : \"objectId\"");
    }

    /** A migration's read of a page after its first one (from the last {@code _id} of the one before). */
    public static Match laterPendingPageRead() {
        return new Match("find", PROFILES, "\"$type\" : \"objectId\"", "\"$gt\"");
    }

    /** A migration's record of its progress once its repair step has started. */
    public static Match repairStepRecorded() {
        return new Match("update", RUNS, "repairRunId");
    }

    /**
     * The server gives up on {@code command} (MaxTimeMSExpired): the job sees an unavailable database and stops where
     * it is, as a crash between two steps stops it; nothing of that command is applied.
     */
    public static Fault timedOut(String command) {
        return new Fault(command, 50, "MaxTimeMSExpired", "planted: operation exceeded time limit");
    }
}
