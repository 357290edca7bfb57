package io.creatorprofiles.mongo;

import org.bson.Document;

/**
 * Which kind of server answers: what decides the fallbacks this service needs. Told apart by {@code buildInfo}, the
 * one command every MongoDB-compatible server answers alike: FerretDB 1.x adds {@code ferretdbVersion}, FerretDB 2.x
 * a {@code ferretdb} document ({@code {version: ...}}) and no {@code ferretdbVersion}; anything else is taken for
 * MongoDB (the embedded test server included, which needs no fallback this seam decides).
 */
public enum MongoServer {
    MONGODB,
    FERRETDB_1,
    FERRETDB_2;

    static MongoServer fromBuildInfo(Document buildInfo) {
        if (buildInfo.containsKey("ferretdbVersion")) {
            return FERRETDB_1;
        }
        if (buildInfo.get("ferretdb") instanceof Document) {
            return FERRETDB_2;
        }
        return MONGODB;
    }
}
