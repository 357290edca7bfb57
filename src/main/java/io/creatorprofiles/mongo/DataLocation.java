package io.creatorprofiles.mongo;

import java.util.Comparator;
import java.util.List;

/**
 * Where this service reads profiles ({@code database.collection}) and how many documents are there; when that
 * collection is empty, the other collections of the same database that hold documents with a userId.
 */
public record DataLocation(String database, String collection, long documents, List<Elsewhere> elsewhere) {

    /** Another collection with userId documents, and its (estimated) document count. */
    public record Elsewhere(String collection, long documents) {
    }

    public String namespace() {
        return database + "." + collection;
    }

    /** The configured collection is empty while the data sits beside it: nothing may report "all clear". */
    public boolean misplaced() {
        return documents == 0 && !elsewhere.isEmpty();
    }

    /** The likeliest home of the data: the largest collection with userId documents. */
    public Elsewhere likeliest() {
        return elsewhere.stream().max(Comparator.comparingLong(Elsewhere::documents)).orElse(null);
    }

    /** What an operator reads in a command's error, the health data and the log. */
    public String advice() {
        if (!misplaced()) {
            return namespace() + " holds " + documents + " document(s)";
        }
        Elsewhere likeliest = likeliest();
        return namespace() + " is empty or missing, but " + database + "." + likeliest.collection() + " holds "
                + likeliest.documents() + " document(s) with a userId"
                + (elsewhere.size() > 1 ? " (also: " + String.join(", ", elsewhere.stream()
                        .filter(other -> other != likeliest).map(Elsewhere::collection).toList()) + ")" : "")
                + ". Point the service at the profiles with PROFILES_COLLECTION=" + likeliest.collection()
                + " (profiles.collection), or, if the empty collection is meant, set PROFILES_COLLECTION_CONFIRMED=true "
                + "(profiles.collection-confirmed). Until then profile writes answer 503 and maintenance commands exit "
                + "7 (docs/adopt.md).";
    }
}
