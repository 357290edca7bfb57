package io.creatorprofiles.cli;

import java.time.Duration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.creatorprofiles.mongo.DataLocation;
import io.creatorprofiles.mongo.ProfileCollections;

/**
 * Where a command reads: looked at before it reads anything, so that no report says "nothing to do" while the profiles
 * sit in another collection beside the configured one, and named in every report.
 */
final class DataPlace {

    private DataPlace() {
    }

    /** The location; null after telling the operator (on stderr) that the profiles seem to be elsewhere. */
    static DataLocation check(ProfileCollections collections, Duration timeout) {
        DataLocation location = collections.locate().await().atMost(timeout);
        if (location.misplaced()) {
            System.err.println(location.advice());
            return null;
        }
        return location;
    }

    /** The report as one line of JSON, led by {@code collection} ({@code database.collection}) and its document count. */
    static String json(ObjectMapper mapper, Object report, DataLocation location) throws JsonProcessingException {
        ObjectNode node = mapper.createObjectNode();
        node.put("collection", location.namespace());
        node.put("documents", location.documents());
        node.setAll((ObjectNode) mapper.valueToTree(report));
        return mapper.writeValueAsString(node);
    }

    /** The same for a report printed as text: its first line. */
    static String heading(DataLocation location) {
        return "Profiles in " + location.namespace() + ": " + location.documents() + " document(s)";
    }
}
