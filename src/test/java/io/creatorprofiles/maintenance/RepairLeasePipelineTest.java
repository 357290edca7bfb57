package io.creatorprofiles.maintenance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketOpenException;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.Filters;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * The one-step lease writes that MongoDB runs as update pipelines ({@code $$NOW} on the server's clock). Neither test
 * server runs update pipelines, but mongo-java-server evaluates the same stages in an aggregation, {@code $$NOW}
 * included: each case runs the stages over a lease document as it would be before the write and checks what the write
 * would leave. A refusal of the pipeline by the server is what sends the lease to its two-step writes.
 */
class RepairLeasePipelineTest {

    private static final Duration TTL = Duration.ofMinutes(5);
    private static final String US = "pod-a/1";
    private static final String THEM = "pod-b/2";

    private static MongoServer server;
    private static MongoClient client;
    private MongoCollection<Document> leases;

    @BeforeAll
    static void start() {
        server = new MongoServer(new MemoryBackend());
        client = MongoClients.create("mongodb://127.0.0.1:" + server.bind().getPort());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.shutdownNow();
    }

    @BeforeEach
    void empty() {
        leases = client.getDatabase("lease_pipeline").getCollection("leases");
        leases.drop();
    }

    @Test
    void aNewLeaseIsOursForATtlFromTheServersNow() {
        // An upsert on {_id} starts from a document holding only the _id.
        Document after = takeover(new Document("_id", RepairLease.NAME), US);
        assertEquals(US, after.getString("owner"));
        assertExpiresAboutTtlFromNow(after);
        assertTrue(after.get("acquiredAt") instanceof Date);
    }

    @Test
    void anExpiredLeaseOfAnotherRunnerBecomesOurs() {
        Document after = takeover(lease(THEM, ago(Duration.ofSeconds(1))), US);
        assertEquals(US, after.getString("owner"));
        assertExpiresAboutTtlFromNow(after);
    }

    @Test
    void aLiveLeaseOfAnotherRunnerIsLeftAsItIs() {
        Document before = lease(THEM, ahead(Duration.ofMinutes(2)));
        Document after = takeover(before, US);
        assertEquals(THEM, after.getString("owner"));
        assertEquals(before.getDate("expiresAt"), after.getDate("expiresAt"));
        assertEquals(before.getDate("acquiredAt"), after.getDate("acquiredAt"));
    }

    @Test
    void ourOwnLiveLeaseIsExtended() {
        Document after = takeover(lease(US, ahead(Duration.ofSeconds(10))), US);
        assertEquals(US, after.getString("owner"));
        assertExpiresAboutTtlFromNow(after);
    }

    @Test
    void anOwnerThatLooksLikeAFieldPathIsTakenLiterally() {
        Document after = takeover(lease(THEM, ahead(Duration.ofMinutes(2))), "$owner");
        assertEquals(THEM, after.getString("owner"));
        Document fresh = takeover(new Document("_id", RepairLease.NAME), "$owner");
        assertEquals("$owner", fresh.getString("owner"));
    }

    @Test
    void aRenewalExpiresATtlAfterTheServersNow() {
        Document after = run(lease(US, ahead(Duration.ofSeconds(10))), RepairLease.extension(TTL));
        assertEquals(US, after.getString("owner"));
        assertExpiresAboutTtlFromNow(after);
    }

    @Test
    void aServerThatRefusesUpdatePipelinesIsToldApartFromANetworkFailure() {
        leases.insertOne(lease(US, ahead(Duration.ofMinutes(1))));
        MongoServerException refused = assertThrows(MongoServerException.class,
                () -> leases.updateOne(Filters.eq("_id", RepairLease.NAME), RepairLease.extension(TTL)));
        assertTrue(RepairLease.refusesUpdatePipelines(refused));
        assertFalse(RepairLease.refusesUpdatePipelines(
                new MongoSocketOpenException("refused", new ServerAddress("127.0.0.1", 1))));
    }

    private Document takeover(Document before, String owner) {
        return run(before, RepairLease.takeover(owner, TTL));
    }

    /** What the pipeline update would leave: its stages run over the document as it was. */
    private Document run(Document before, List<Bson> stages) {
        leases.deleteMany(new Document());
        leases.insertOne(before);
        List<Bson> pipeline = new ArrayList<>();
        pipeline.add(Aggregates.match(Filters.eq("_id", RepairLease.NAME)));
        pipeline.addAll(stages);
        Document after = leases.aggregate(pipeline).first();
        assertEquals(RepairLease.NAME, after.get("_id"));
        return after;
    }

    private static Document lease(String owner, Date expiresAt) {
        return new Document("_id", RepairLease.NAME).append("owner", owner)
                .append("acquiredAt", new Date(expiresAt.getTime() - TTL.toMillis())).append("expiresAt", expiresAt);
    }

    private static void assertExpiresAboutTtlFromNow(Document after) {
        long expected = System.currentTimeMillis() + TTL.toMillis();
        long actual = after.getDate("expiresAt").getTime();
        assertTrue(Math.abs(actual - expected) < 30_000, "expiresAt " + after.getDate("expiresAt"));
    }

    private static Date ago(Duration d) {
        return new Date(System.currentTimeMillis() - d.toMillis());
    }

    private static Date ahead(Duration d) {
        return new Date(System.currentTimeMillis() + d.toMillis());
    }
}
