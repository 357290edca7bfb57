package io.creatorprofiles.maintenance.duplicates;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.creatorprofiles.testing.IncidentProfiles;
import io.creatorprofiles.testing.MongoTestResource;
import io.creatorprofiles.testing.PlantedData;
import io.creatorprofiles.testing.Tokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@code dryRun=true} in any case, trimmed, is a dry run that leaves the stored bytes as they were. Every other value but
 * false is refused before any repair code runs ({@code HttpLayerProblemsTest}): a value JAX-RS would read as false must
 * not apply.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class RepairDryRunParameterTest extends PlantedData {

    @BeforeEach
    void incident() {
        IncidentProfiles.plantInto(store);
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
