package io.creatorprofiles.mongo;

import java.util.List;

import com.mongodb.MongoServerException;

/**
 * What FerretDB 2.x answers instead of E11000 when two upserts of one new key race: its PostgreSQL backend reports
 * the unique index as an exclusion constraint, so the loser gets code 1 (InternalError) with PostgreSQL's text, or a
 * deadlock between the two inserts. Same meaning as the duplicate key MongoDB sends: another request inserted first,
 * the document is there, the next attempt updates it. Trusted only from a server known to be FerretDB 2.x
 * ({@link ServerCapabilities}): anywhere else a code 1 is a real internal error.
 */
final class FerretDb2DuplicateKey {

    static final int INTERNAL_ERROR = 1;
    private static final List<String> LOST_RACE = List.of(
            "conflicting key value violates exclusion constraint",
            "deadlock detected");

    private FerretDb2DuplicateKey() {
    }

    static boolean isLostRace(Throwable failure) {
        if (!(failure instanceof MongoServerException server) || server.getCode() != INTERNAL_ERROR) {
            return false;
        }
        String message = server.getMessage();
        return message != null && LOST_RACE.stream().anyMatch(message::contains);
    }
}
