package io.creatorprofiles.contract;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.creatorprofiles.testing.MongoTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The committed {@code src/main/openapi/openapi.yaml} is the contract: the document the code generates must equal it,
 * so any change to the API shows in review as a change to that file. Regenerate after a deliberate change with
 * {@code ./mvnw -B test -Dtest=OpenApiDocumentTest -Dopenapi.regenerate=true} and commit the result.
 */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class OpenApiDocumentTest {

    static final Path COMMITTED = Path.of("src/main/openapi/openapi.yaml");
    static final String REGENERATE = "./mvnw -B test -Dtest=OpenApiDocumentTest -Dopenapi.regenerate=true";

    @Test
    void theGeneratedDocumentIsTheCommittedOne() throws Exception {
        String generated = given().accept("application/yaml").get("/q/openapi").then().statusCode(200).extract()
                .asString();
        if (Boolean.getBoolean("openapi.regenerate")) {
            Files.createDirectories(COMMITTED.getParent());
            Files.writeString(COMMITTED, generated, StandardCharsets.UTF_8);
            System.out.println("[openapi] wrote " + COMMITTED + "; review and commit it");
            return;
        }
        if (!Files.exists(COMMITTED)) {
            fail(COMMITTED + " is missing; create it with: " + REGENERATE);
        }
        String committed = Files.readString(COMMITTED, StandardCharsets.UTF_8);
        if (!committed.equals(generated)) {
            fail("The API no longer matches the committed contract " + COMMITTED + ".\n"
                    + LineDiff.unified(List.of(committed.split("\n", -1)), List.of(generated.split("\n", -1)))
                    + "\nIf the change is meant, regenerate the contract with:\n  " + REGENERATE
                    + "\nand commit it with the code that changed it.");
        }
    }

    @Test
    void everyOperationHasItsOwnId() throws Exception {
        List<String> ids = Files.readAllLines(COMMITTED, StandardCharsets.UTF_8).stream()
                .map(String::strip).filter(line -> line.startsWith("operationId:"))
                .map(line -> line.substring("operationId:".length()).strip()).toList();
        List<String> repeated = ids.stream().filter(id -> ids.indexOf(id) != ids.lastIndexOf(id)).distinct().toList();
        if (ids.isEmpty() || !repeated.isEmpty()) {
            fail("operation ids must be present and unique; repeated: " + repeated);
        }
    }
}
