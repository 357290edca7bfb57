// Plants the incident into a running dev database (dev/plant-incident.sh runs this with the driver on the class path):
// 187 copies of user 6868125ba2158d0149812c2e sharing one updatedAt, shaped as the old Node/Mongoose code wrote them
// (__v, no version, createdAt/updatedAt Dates, a field this service does not model), plus two clean users. The unique
// unique index goes, as before the incident's fix: without it the copies can exist at all. The running service would
// rebuild it between a drop and an insert, so the new state is staged in a side collection (the existing profiles plus
// the incident) and swapped in with one rename.
//   java -cp "$CP" dev/PlantIncident.java <mongodb-uri> <database> [--objectid-user-ids]
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import org.bson.Document;
import org.bson.types.ObjectId;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

public class PlantIncident {
    static final String USER = "6868125ba2158d0149812c2e";
    static final int COPIES = 187;

    public static void main(String[] args) {
        String uri = args[0];
        String database = args[1];
        boolean objectIds = args.length > 2 && args[2].equals("--objectid-user-ids");
        if (!uri.startsWith("mongodb://127.0.0.1:") && !uri.startsWith("mongodb://localhost:")) {
            throw new IllegalArgumentException("refusing to plant duplicates anywhere but a local dev database: " + uri);
        }
        try (MongoClient client = MongoClients.create(uri + "/?serverSelectionTimeoutMS=5000")) {
            MongoCollection<Document> profiles = client.getDatabase(database).getCollection("creator_profiles");
            MongoCollection<Document> staged = client.getDatabase(database).getCollection("creator_profiles_planting");
            staged.drop();
            List<Document> existing = profiles.find().into(new ArrayList<>());
            if (!existing.isEmpty()) {
                staged.insertMany(existing);
            }
            Date bulkWrite = Date.from(Instant.parse("2025-07-04T18:22:51.307Z"));
            Object userId = objectIds ? new ObjectId(USER) : USER;
            List<Document> copies = new ArrayList<>();
            for (int i = 0; i < COPIES; i++) {
                Document copy = new Document("_id", new ObjectId())
                        .append("userId", userId)
                        .append("createdAt", Date.from(Instant.parse("2025-07-04T18:22:50Z").plusMillis(i)))
                        .append("updatedAt", bulkWrite)
                        .append("__v", 0)
                        .append("onboardingStep", "gallery");
                if (i == 0) {
                    copy.append("personalInfo", new Document("displayName", "Mara Quill").append("bio", "Ceramics"));
                }
                if (i == 1) {
                    copy.append("gallery", List.of(new Document("url", "https://img.example/vase.jpg")));
                }
                copies.add(copy);
            }
            staged.insertMany(copies);
            for (String clean : List.of("dev-clean-1", "dev-clean-2")) {
                staged.insertOne(new Document("_id", new ObjectId()).append("userId", clean)
                        .append("createdAt", bulkWrite).append("updatedAt", bulkWrite).append("version", 1L));
            }
            staged.renameCollection(new com.mongodb.MongoNamespace(database, "creator_profiles"),
                    new com.mongodb.client.model.RenameCollectionOptions().dropTarget(true));
            System.out.printf("planted %d copies of %s (%s userId, one shared updatedAt) and 2 clean users in %s.%s, no unique index;"
                    + " %d profiles in all%n", COPIES, USER, objectIds ? "ObjectId" : "string", database,
                    "creator_profiles", profiles.countDocuments());
        }
    }
}
