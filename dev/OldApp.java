// The old Node/Mongoose app's side of an adoption, for dev/adopt-replay.sh (run with the driver on the class path):
//   serve <port>                       the embedded dev database (mongo-java-server, memory backend) on 127.0.0.1
//   plant <uri> <db>                   the old app's profiles in Mongoose's collection "creatorprofiles": ObjectId
//                                      userIds, __v, fields this service does not model, the unique index userId_1
//   save-gallery <uri> <db> <user> <url>  the old app's fixed "save gallery" handler: an upsert on the ObjectId form
//                                      that $sets the gallery and updatedAt only
//   show <uri> <db> <user>             every document of that user, either form, as one line of JSON each
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import org.bson.Document;
import org.bson.types.ObjectId;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

public class OldApp {
    static final String COLLECTION = "creatorprofiles";
    static final List<String> USERS = List.of("6868125ba2158d0149820001", "6868125ba2158d0149820002",
            "6868125ba2158d0149820003");

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "serve" -> serve(Integer.parseInt(args[1]));
            case "plant" -> plant(collection(args[1], args[2]));
            case "save-gallery" -> saveGallery(collection(args[1], args[2]), args[3], args[4]);
            case "show" -> show(collection(args[1], args[2]), args[3]);
            default -> throw new IllegalArgumentException("serve | plant | save-gallery | show");
        }
    }

    static void serve(int port) throws Exception {
        MongoServer server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", port);
        System.out.println("embedded dev database on 127.0.0.1:" + port);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdownNow));
        Thread.currentThread().join();
    }

    static MongoCollection<Document> collection(String uri, String database) {
        if (!uri.startsWith("mongodb://127.0.0.1:") && !uri.startsWith("mongodb://localhost:")) {
            throw new IllegalArgumentException("refusing to touch anything but a local dev database: " + uri);
        }
        MongoClient client = MongoClients.create(uri);
        Runtime.getRuntime().addShutdownHook(new Thread(client::close));
        return client.getDatabase(database).getCollection(COLLECTION);
    }

    static void plant(MongoCollection<Document> profiles) {
        profiles.drop();
        List<Document> docs = new ArrayList<>();
        for (int n = 0; n < USERS.size(); n++) {
            docs.add(new Document("_id", new ObjectId(String.format("aaaa0000%016x", n)))
                    .append("userId", new ObjectId(USERS.get(n)))
                    .append("personalInfo", new Document("displayName", "Old " + n).append("bio", "from the old app")
                            .append("location", "Lisbon"))
                    .append("gallery", List.of(new Document("_id", new ObjectId())
                            .append("url", "https://img.example/old/" + n + ".jpg").append("caption", "old")))
                    .append("onboardingStep", 3)
                    .append("stripeAccountId", "acct_old_" + n)
                    .append("createdAt", new Date(1_690_000_000_000L + n))
                    .append("updatedAt", new Date(1_700_000_000_000L + n))
                    .append("__v", n));
        }
        profiles.insertMany(docs);
        profiles.createIndex(Indexes.ascending("userId"), new IndexOptions().name("userId_1").unique(true));
        System.out.println("planted " + docs.size() + " profiles of the old app in " + profiles.getNamespace()
                + " (ObjectId userIds, __v, unknown fields, unique index userId_1)");
    }

    static void saveGallery(MongoCollection<Document> profiles, String user, String url) {
        var result = profiles.updateOne(Filters.eq("userId", new ObjectId(user)),
                Updates.combine(Updates.set("gallery", List.of(new Document("_id", new ObjectId()).append("url", url)
                        .append("caption", "saved by the old app"))), Updates.set("updatedAt", new Date())),
                new UpdateOptions().upsert(true));
        System.out.println("old app saved the gallery of " + user + ": matched " + result.getMatchedCount()
                + ", upserted " + (result.getUpsertedId() == null ? "nothing" : "a new document"));
    }

    static void show(MongoCollection<Document> profiles, String user) {
        profiles.find(Filters.or(Filters.eq("userId", user), Filters.eq("userId", new ObjectId(user))))
                .forEach(document -> System.out.println(document.toJson()));
    }
}
