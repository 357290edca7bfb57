package io.creatorprofiles.maintenance.duplicates;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import org.bson.RawBsonDocument;

import com.mongodb.client.model.Sorts;

import io.creatorprofiles.testing.ProfileStore;
import io.quarkus.mongodb.FindOptions;

/** The exact BSON bytes of the collections a repair touches: equal snapshots mean a byte-identical database. */
record RawSnapshot(List<String> profiles, List<String> archive, List<String> leases) {

    private static final Duration WAIT = Duration.ofSeconds(30);

    static RawSnapshot of(ProfileStore store) {
        return new RawSnapshot(hex(store, "creator_profiles"), hex(store, "creator_profiles_archive"),
                hex(store, "creator_profiles_leases"));
    }

    private static List<String> hex(ProfileStore store, String collection) {
        return store.database().getCollection(collection, RawBsonDocument.class)
                .find(new FindOptions().sort(Sorts.ascending("_id")).batchSize(500))
                .map(raw -> {
                    var buffer = raw.getByteBuffer();
                    byte[] bytes = new byte[buffer.remaining()];
                    buffer.get(bytes);
                    return HexFormat.of().formatHex(bytes);
                })
                .collect().asList().await().atMost(WAIT);
    }
}
