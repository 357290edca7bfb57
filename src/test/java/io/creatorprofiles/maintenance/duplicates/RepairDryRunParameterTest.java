package io.creatorprofiles.maintenance.duplicates;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@code dryRun} is true or false and nothing else: a value JAX-RS would read as false must not apply. */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class RepairDryRunParameterTest extends PlantedData {

    @BeforeEach
    void incident() {
        IncidentProfiles.plantInto(store);
    }

    @ParameterizedTest(name = "dryRun=''{0}'' is refused")
    @ValueSource(strings = { "yes", "1", "0", "on", "no", "", " ", "tru", "falsey", "true,false" })
    void anythingButTrueOrFalseIs400AndLeavesTheDatabaseByteIdentical(String value) {
        RawSnapshot before = RawSnapshot.of(store);

        given().auth().oauth2(Tokens.admin("ops")).queryParam("dryRun", value).post("/api/admin/duplicates/repair")
                .then().statusCode(400).contentType("application/problem+json")
                .body("status", equalTo(400), "detail", containsString("dryRun must be true or false"));

        assertEquals(before, RawSnapshot.of(store));
    }

    @Test
    void anEmptyValueIsNotTheDefault() {
        RawSnapshot before = RawSnapshot.of(store);

        given().auth().oauth2(Tokens.admin("ops")).post("/api/admin/duplicates/repair?dryRun=")
                .then().statusCode(400).contentType("application/problem+json");

        assertEquals(before, RawSnapshot.of(store));
    }

    @ParameterizedTest(name = "dryRun=''{0}'' is a dry run")
    @ValueSource(strings = { "true", "TRUE", " True ", "tRuE" })
    void trueInAnyCaseTrimmedIsADryRun(String value) {
        RawSnapshot before = RawSnapshot.of(store);

        given().auth().oauth2(Tokens.admin("ops")).queryParam("dryRun", value).post("/api/admin/duplicates/repair")
                .then().statusCode(200).body("dryRun", equalTo(true), "surplusDocuments", equalTo(186));

        assertEquals(before, RawSnapshot.of(store));
    }
}
