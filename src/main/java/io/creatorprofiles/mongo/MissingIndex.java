package io.creatorprofiles.mongo;

import java.util.Locale;

import com.mongodb.MongoServerException;

/**
 * Whether a MongoDB failure says that a write's {@code hint} names no existing index. MongoDB 4.4+ answers such a
 * findAndModify with code 2 ({@code BadValue}, "hint provided does not correspond to an existing index") and changes
 * nothing: the upsert names the unique index it relies on, so a dropped index stops the write instead of letting it
 * insert a second profile.
 */
public final class MissingIndex {

    private static final int BAD_VALUE = 2;

    private MissingIndex() {
    }

    public static boolean isMissingHintedIndex(Throwable failure) {
        if (!(failure instanceof MongoServerException server) || server.getCode() != BAD_VALUE) {
            return false;
        }
        String message = String.valueOf(server.getMessage()).toLowerCase(Locale.ROOT);
        return message.contains("hint") && (message.contains("existing index") || message.contains("bad hint")
                || message.contains("index not found"));
    }
}
