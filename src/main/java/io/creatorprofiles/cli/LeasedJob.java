package io.creatorprofiles.cli;

import java.time.Duration;
import java.util.function.Predicate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.creatorprofiles.maintenance.RepairLeaseHeldException;
import io.creatorprofiles.maintenance.RepairLeaseLostException;
import io.creatorprofiles.mongo.DataLocation;
import io.creatorprofiles.mongo.DatabaseUnavailableException;
import io.creatorprofiles.mongo.ProfileCollections;
import io.smallrye.mutiny.Uni;

/**
 * How a one-off command runs a job that takes the maintenance lease (repair, migrate): waits for its report, prints
 * it as JSON (led by the collection it read, see {@link DataPlace}), and turns the outcome into the exit code both commands
 * document; a run stopped by MongoDB going away exits 1 with what that means for a rerun.
 */
final class LeasedJob {

    private LeasedJob() {
    }

    static <R> int run(Uni<R> job, Predicate<R> complete, Duration timeout, ObjectMapper mapper,
            ProfileCollections collections) throws JsonProcessingException {
        DataLocation location = DataPlace.check(collections, timeout);
        if (location == null) {
            return ExitCodes.WRONG_COLLECTION;
        }
        R report;
        try {
            report = job.await().atMost(timeout);
        } catch (RepairLeaseHeldException e) {
            System.err.println(e.getMessage());
            return ExitCodes.LEASE_HELD;
        } catch (RepairLeaseLostException e) {
            System.err.println(e.getMessage());
            return ExitCodes.LEASE_LOST;
        } catch (DatabaseUnavailableException e) {
            // The run waited for MongoDB to record its end and give its lease back (at most a lease lifetime) before
            // getting here: the rerun the message asks for is not refused by this run's lease.
            System.err.println("Stopped: " + e.getMessage() + ". What was done stays done (every step is safe to "
                    + "repeat), and this run's lease does not stand in the way of a rerun (released, expired, or taken "
                    + "over at once as the run is recorded as failed): rerun once MongoDB answers.");
            return ExitCodes.ERROR;
        }
        System.out.println(DataPlace.json(mapper, report, location));
        return complete.test(report) ? ExitCodes.OK : ExitCodes.INCOMPLETE;
    }
}
